// Vigil's case pages for analysts: the alert queue (/alerts), one alert (/alerts/<id>) and
// one party (/parties/<id>). Plain DOM, no build step; the pages call the /v1 API of the
// server that served them. Every value from the store (party records, list records, reasons)
// is untrusted: it only ever becomes text nodes or attribute values through h() (dom.js).
'use strict';

const KEY = 'vigil-api-key';  // shared with the screening page (app.js), this tab only

// ---- The API ----

class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// The message of an error answer, whichever form it has: {"error": {"message"}} (the
// screening API), {"error": "conflict", "message"} (the case API) or {"detail"}.
function errorMessage(body, res) {
  if (body && typeof body === 'object') {
    if (body.error && typeof body.error === 'object' && body.error.message) return body.error.message;
    if (typeof body.message === 'string' && body.message) return body.message;
    if (typeof body.detail === 'string' && body.detail) return body.detail;
    if (typeof body.error === 'string') return body.error;
  }
  return res.status + ' ' + (res.statusText || 'error');
}

// Calls the API with the tab's key (X-API-Key). Resolves with {body, res}; rejects with an
// ApiError for any answer but 2xx. 401 and 403 also raise the banner under the header
// (unless the key has changed meanwhile).
async function api(path, {method = 'GET', body, headers = {}} = {}) {
  const hdrs = {Accept: 'application/json', ...headers};
  const key = sessionStorage.getItem(KEY);
  if (key) hdrs['X-API-Key'] = key;
  if (body !== undefined) hdrs['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {method, headers: hdrs, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'The server did not answer (' + e.message + ').', null);
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  // A refusal of a key the user has since replaced (a request still under way when the key
  // form was sent) says nothing about the new key: no banner for it.
  if ((res.status === 401 || res.status === 403) && sessionStorage.getItem(KEY) === key) {
    showAuthProblem(res.status, errorMessage(data, res));
  }
  if (!res.ok) throw new ApiError(res.status, errorMessage(data, res), data);
  return {body: data, res};
}

function showAuthProblem(status, message) {
  const box = $('authmsg');
  box.hidden = false;
  const had = !!sessionStorage.getItem(KEY);
  const what = status === 401
    ? (had ? 'The server refused this API key (401): ' : 'The server requires an API key (401): ')
    : 'This API key may not do that (403): ';
  const hint = status === 401
    ? ' Enter a key with the analyst role in the field above.'
    : ' Alerts, parties and decisions need a key with the analyst (or admin) role.';
  box.replaceChildren(h('strong', {}, what), message, hint);
  if (status === 401) $('apikey').focus();
}

// A failure as the page shows it: the status and the server's words.
function failure(err) {
  const p = h('p', {class: 'error', role: 'alert'});
  if (err instanceof ApiError && err.status === 401) p.append('Not signed in: ', err.message);
  else if (err instanceof ApiError && err.status === 403) p.append('Not allowed: ', err.message);
  else if (err instanceof ApiError && err.status === 404) p.append('Not found: ', err.message);
  else p.append(err.message || String(err));
  return p;
}

// ---- Words and small pieces ----

const STATES = ['open', 'escalated', 'true_match', 'false_positive', 'closed'];
const words = (s) => String(s || '').replace(/_/g, ' ');

const OUTCOMES = {
  new_alert: 'new alert',
  re_alert: 're-alert: changed since decided',
  existing: 'alert already open',
  suppressed: 'suppressed: false positive, unchanged',
  confirmed: 'confirmed: true match, unchanged',
};

function stateBadge(state) {
  return h('span', {class: 'badge state-' + state}, words(state));
}

function bandBadge(band) {
  return h('span', {class: 'badge ' + (band || 'none')}, band || 'none');
}

function alertLink(id, text) {
  return h('a', {href: '/alerts/' + encodeURIComponent(id)}, text || '#' + id);
}

function partyLink(id, text) {
  return h('a', {href: '/parties/' + encodeURIComponent(id)}, text || id);
}

function score(s) { return typeof s === 'number' ? s.toFixed(3) : '—'; }

// "2026-11-29 09:17" from an ISO time (UTC, as stored).
function when(iso) {
  if (!iso) return '—';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return h('time', {datetime: iso, title: iso}, m ? m[1] + ' ' + m[2] + ' UTC' : iso);
}

// How long ago: "12 min", "5 h", "3 d".
function age(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const min = Math.max(0, Math.round((Date.now() - t) / 60000));
  if (min < 60) return min + ' min';
  if (min < 48 * 60) return Math.round(min / 60) + ' h';
  return Math.round(min / 1440) + ' d';
}

function shortHash(hash) {
  return hash ? h('code', {class: 'hash', title: hash}, hash.slice(0, 12) + '…') : '—';
}

// Any JSON value as plain text: "a; b", "type: passport, value: X".
function text(v) {
  if (v === undefined || v === null || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(text).join('; ') : '—';
  if (typeof v === 'object') {
    return Object.entries(v).filter(([, x]) => x !== '' && x !== null && x !== undefined)
      .map(([k, x]) => words(k) + ': ' + text(x)).join(', ');
  }
  return String(v);
}

// A list of values, one per line.
function lines(values) {
  const vs = (values || []).filter((v) => v !== undefined && v !== null && v !== '');
  if (!vs.length) return h('span', {class: 'muted'}, '—');
  return h('ul', {class: 'plain'}, vs.map((v) => h('li', {}, v instanceof Node ? v : text(v))));
}

function row(label, ...value) {
  return h('tr', {}, h('th', {}, label), h('td', {}, ...value));
}

// One explanation entry: the party's words and the list name's words as written, and the
// rule that related them when they are not written alike.
function tokenChip(t) {
  const sim = typeof t.similarity === 'number' ? t.similarity : 0;
  const same = t.list && sim >= 0.999 && !t.rule;
  return h('span', {class: 'tok' + (t.list ? '' : ' miss'),
                    title: 'similarity ' + sim.toFixed(2) + (typeof t.weight === 'number' ? ', weight ' + t.weight.toFixed(2) : '')},
    String(t.query) + (t.list ? (same ? ' = ' : ' ≈ ') + t.list : ' — no partner'),
    t.rule ? h('span', {class: 'rule'}, ': ' + t.rule) : null);
}

// What FieldDiff (src/model/party.h) computes, for two versions of a party on this page:
// top-level keys; arrays compared as sets of elements.
function fieldDiff(before, after) {
  before = before || {};
  after = after || {};
  const out = [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (Array.isArray(a) || Array.isArray(b)) {
      const as = (a || []).map((x) => JSON.stringify(x));
      const bs = (b || []).map((x) => JSON.stringify(x));
      const added = (b || []).filter((x, i) => !as.includes(bs[i]));
      const removed = (a || []).filter((x, i) => !bs.includes(as[i]));
      if (added.length || removed.length) out.push({field: k, added, removed});
    } else {
      out.push({field: k, before: a, after: b});
    }
  }
  return out;
}

// A FieldDiff as table rows: field, before (or removed), after (or added).
function diffRows(diff, side) {
  return (diff || []).map((d) => {
    const isSet = 'added' in d || 'removed' in d;
    const before = isSet ? (d.removed && d.removed.length ? h('del', {}, 'removed: ' + text(d.removed)) : h('span', {class: 'muted'}, '—'))
                         : h('del', {}, text(d.before));
    const after = isSet ? (d.added && d.added.length ? h('ins', {}, 'added: ' + text(d.added)) : h('span', {class: 'muted'}, '—'))
                        : h('ins', {}, text(d.after));
    return h('tr', {'data-side': side || null, 'data-field': d.field},
      side ? h('td', {}, side) : null, h('th', {}, words(d.field)), h('td', {}, before), h('td', {}, after));
  });
}

function diffTable(diff, side) {
  if (!diff || !diff.length) return h('p', {class: 'muted'}, 'No field changed.');
  return h('table', {class: 'diff'},
    h('thead', {}, h('tr', {}, side ? h('th', {}, 'side') : null, h('th', {}, 'field'), h('th', {}, 'before'), h('th', {}, 'after'))),
    h('tbody', {}, diffRows(diff, side)));
}

// ---- List updates: the re-screen runs (GET /v1/rescreens) ----

// The lists a run brought, as "us_ofac_sdn 2024-05-13": those it found changed when its
// counts say so, else every list it covered.
function runLists(run) {
  const lists = Array.isArray(run.lists) ? run.lists : [];
  const sources = run.counts && Array.isArray(run.counts.sources) ? run.counts.sources : [];
  const changed = new Set(sources.filter((c) => (c.added || 0) + (c.changed || 0) + (c.removed || 0) > 0).map((c) => c.source));
  const shown = changed.size ? lists.filter((l) => changed.has(l.source)) : lists;
  return shown.map((l) => l.source + (l.published ? ' ' + String(l.published).slice(0, 10)
                                                  : l.key ? ' ' + String(l.key).slice(0, 12) : '')).join(', ');
}

// "list update #3: us_ofac_sdn 2024-05-13" (the lists when the run is known).
function runLabel(id, runs) {
  const run = runs && runs.get(Number(id));
  const lists = run ? runLists(run) : '';
  return 'list update #' + id + (lists ? ': ' + lists : '');
}

// What a run found and did, in words: "+6870 −881 ~6871 us_ofac_sdn".
function runChanges(run) {
  const sources = run.counts && Array.isArray(run.counts.sources) ? run.counts.sources : [];
  if (!sources.length) return h('span', {class: 'muted'}, '—');
  return h('ul', {class: 'plain'}, sources.map((c) => h('li', {'data-source': c.source},
    h('span', {class: 'chg added', title: 'entities added'}, '+' + (c.added || 0)), ' ',
    h('span', {class: 'chg changed', title: 'entities changed'}, '~' + (c.changed || 0)), ' ',
    h('span', {class: 'chg removed', title: 'entities removed (delisted)'}, '−' + (c.removed || 0)), ' ',
    h('span', {class: 'muted'}, c.source))));
}

function num(v) { return typeof v === 'number' ? v.toLocaleString('en-US') : '—'; }

// The "List updates" panel: each run with its counts, each linking to the alerts it raised.
function updatesPanel(runs, q) {
  const list = [...runs.values()];
  if (!list.length) {
    return h('p', {class: 'muted', id: 'updates-empty'},
      'No list update yet. A list update re-screens the stored parties against new list versions ',
      '(vigil rescreen, or vigil serve after a reload); its alerts are marked here.');
  }
  return h('table', {class: 'updates'},
    h('thead', {}, h('tr', {}, ['Update', 'When', 'Lists', 'Entities', 'Parties screened', 'New alerts', 'Re-alerts', 'Delisted', 'Status']
      .map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, list.map((r) => {
      const c = r.counts || {};
      const current = String(r.id) === q.run;
      const link = h('a', {href: queueUrl({...QUEUE_DEFAULTS, status: 'all', run: String(r.id)}), class: 'run-link'}, '#' + r.id);
      return h('tr', {class: 'run-row' + (current ? ' current' : ''), 'data-run': r.id, 'data-status': r.status},
        h('td', {}, link, h('div', {class: 'muted small'}, r.kind === 'full' ? 'full re-screen' : 'delta')),
        h('td', {class: 'nowrap'}, when(r.finished_at || r.started_at), r.by ? h('div', {class: 'muted small'}, 'by ' + r.by) : null),
        h('td', {}, (r.lists || []).map((l) => h('div', {}, l.source, ' ', h('span', {class: 'muted'},
          l.published ? String(l.published).slice(0, 10) : (l.key ? String(l.key).slice(0, 12) : ''))))),
        h('td', {}, runChanges(r)),
        h('td', {class: 'num', 'data-count': 'parties_screened'}, num(c.parties_screened)),
        h('td', {class: 'num', 'data-count': 'new_alerts'}, num(c.new_alerts)),
        h('td', {class: 'num', 'data-count': 're_alerts'}, num(c.re_alerts)),
        h('td', {class: 'num', 'data-count': 'delisted_closed'}, num(c.delisted_annotated),
          typeof c.delisted_closed === 'number' ? h('div', {class: 'muted small'}, c.delisted_closed + ' closed') : null),
        h('td', {}, h('span', {class: 'badge run-' + r.status, title: r.error || ''}, words(r.status)),
          r.error ? h('div', {class: 'error small'}, r.error) : null));
    })));
}

// Where an alert came from: the list update that raised it, or a screening of the party.
function raisedBy(a, runs) {
  if (isRedFlag(a)) return h('span', {class: 'from by-redflags', title: 'raised by a red-flag run over the stored parties (rules ' + (a.lists_version || '?') + ')'}, 'red flags');
  if (!a.rescreen_run) return h('span', {class: 'from by-screening', title: 'raised by a screening of the party'}, 'screening');
  const run = runs && runs.get(Number(a.rescreen_run));
  const lists = run ? runLists(run) : '';
  return [h('a', {class: 'from run', href: queueUrl({...QUEUE_DEFAULTS, status: 'all', run: String(a.rescreen_run)}),
                  title: 'the alerts ' + runLabel(a.rescreen_run, runs) + ' raised'}, 'list update #' + a.rescreen_run),
          lists ? h('div', {class: 'muted small run-lists'}, lists) : null];
}

// A red-flag alert (store/red_flag_alerts.h): on the pseudo-entity redflags:it-worker.
function isRedFlag(a) {
  return a && (a.list === 'red-flags' || a.entity_id === 'redflags:it-worker');
}

function delistedBadge(a) {
  return a.delisted ? h('span', {class: 'badge delisted', title: a.delisted}, 'delisted') : null;
}

// ---- The alert queue: /alerts?status=&band=&list=&tag=&party=&run=&sort=&limit=&offset= ----

const QUEUE_DEFAULTS = {status: 'open', band: '', list: '', tag: '', party: '', run: '', sort: 'score', limit: '25', offset: '0'};

function queueParams() {
  const p = new URLSearchParams(location.search);
  const q = {};
  for (const [k, v] of Object.entries(QUEUE_DEFAULTS)) q[k] = p.get(k) || v;
  return q;
}

function queueUrl(q) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v && v !== QUEUE_DEFAULTS[k]) p.set(k, v);
  const s = p.toString();
  return '/alerts' + (s ? '?' + s : '');
}

function goQueue(q) {
  history.pushState(null, '', queueUrl(q));
  showQueue();
}

function select(id, label, value, options) {
  return h('label', {}, label + ' ',
    h('select', {id, name: id}, options.map(([v, t]) => h('option', {value: v, selected: v === value}, t))));
}

async function showQueue() {
  document.title = 'Alert queue — Vigil';
  const q = queueParams();
  const main = $('main');
  const form = h('form', {id: 'filters', class: 'filters', autocomplete: 'off'},
    select('status', 'Status', q.status, [['open', 'open (open + escalated)'], ['decided', 'decided'], ['all', 'all'],
      ...STATES.filter((s) => s !== 'open').map((s) => [s, 'only ' + words(s)])]),
    select('band', 'Band', q.band, [['', 'any'], ['match', 'match'], ['review', 'review'], ['high', 'high (red flags)']]),
    h('label', {}, 'List ', h('input', {id: 'list', name: 'list', value: q.list, list: 'known-lists', size: 12, placeholder: 'any'})),
    h('datalist', {id: 'known-lists'}),
    h('label', {}, 'Party tag ', h('input', {id: 'tag', name: 'tag', value: q.tag, size: 10, placeholder: 'any'})),
    h('label', {}, 'Party ', h('input', {id: 'party', name: 'party', value: q.party, size: 10, placeholder: 'any'})),
    select('run', 'List update', q.run, [['', 'any'], ...(q.run ? [[q.run, 'list update #' + q.run]] : [])]),
    select('sort', 'Sort', q.sort, [['score', 'by score, best first'], ['age', 'by age, oldest first']]),
    select('limit', 'Per page', q.limit, [['10', '10'], ['25', '25'], ['50', '50'], ['100', '100']]),
    h('button', {type: 'submit'}, 'Apply'),
    h('a', {href: '/alerts', class: 'reset'}, 'Reset'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const next = {...q, offset: '0'};
    for (const k of ['status', 'band', 'list', 'tag', 'party', 'run', 'sort', 'limit']) next[k] = form.elements[k].value.trim();
    goQueue(next);
  });
  // Selects apply at once; text fields on Enter (or Apply).
  for (const id of ['status', 'band', 'run', 'sort', 'limit']) {
    form.elements[id].addEventListener('change', () => form.requestSubmit());
  }
  const counts = h('div', {id: 'counts', class: 'counts', 'aria-label': 'Alerts by state'}, h('span', {class: 'muted'}, 'Counting…'));
  const status = h('p', {id: 'queue-status', role: 'status', 'aria-live': 'polite'}, 'Loading…');
  const table = h('div', {id: 'queue'});
  const pager = h('nav', {id: 'pager', class: 'pager', 'aria-label': 'Pages'});
  const runNote = h('p', {id: 'run-note', class: 'run-note', hidden: !q.run});
  const updates = h('section', {id: 'updates'}, h('h2', {}, 'List updates'), h('p', {class: 'muted'}, 'Loading…'));
  main.replaceChildren(h('h1', {}, 'Alert queue'), counts, form, runNote, status, table, pager, updates);

  // The list updates: the filter's choices, the panel, and the label of each alert's run.
  // A store without them (or an older server) leaves the queue as it was.
  const runsLoaded = api('/v1/rescreens?limit=100').then(({body}) => {
    const runs = new Map(((body && body.runs) || []).map((r) => [Number(r.id), r]));
    const sel = form.elements.run;
    sel.replaceChildren(h('option', {value: ''}, 'any'), ...[...runs.values()].map((r) =>
      h('option', {value: String(r.id), selected: String(r.id) === q.run}, runLabel(r.id, runs))));
    if (q.run && !runs.has(Number(q.run))) sel.append(h('option', {value: q.run, selected: true}, 'list update #' + q.run));
    updates.replaceChildren(h('h2', {}, 'List updates'), updatesPanel(runs, q));
    return runs;
  }).catch((err) => {
    updates.replaceChildren(h('h2', {}, 'List updates'), failure(err));
    return new Map();
  });

  api('/v1/lists').then(({body}) => {
    const dl = $('known-lists');
    if (dl && body && Array.isArray(body.lists)) dl.replaceChildren(...body.lists.map((l) => h('option', {value: l.source}, l.title || l.source)));
  }).catch(() => {});

  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) params.set(k, v);
  let page;
  try {
    page = (await api('/v1/alerts?' + params.toString())).body;
  } catch (err) {
    status.replaceChildren(failure(err));
    counts.replaceChildren();
    return;
  }
  // Counts by state over the whole store; each one filters the queue.
  const c = page.counts || {};
  const decided = (c.true_match || 0) + (c.false_positive || 0) + (c.closed || 0);
  counts.replaceChildren(
    ...STATES.map((s) => h('a', {class: 'count' + (q.status === s ? ' current' : ''), 'data-state': s,
                                 href: queueUrl({...q, status: s, offset: '0'})},
      h('span', {class: 'n'}, String(c[s] || 0)), ' ', words(s))),
    h('a', {class: 'count' + (q.status === 'decided' ? ' current' : ''), 'data-state': 'decided',
            href: queueUrl({...q, status: 'decided', offset: '0'})}, h('span', {class: 'n'}, String(decided)), ' decided'));
  for (const a of counts.querySelectorAll('a')) {
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      goQueue({...q, status: a.dataset.state, offset: '0'});
    });
  }
  const runs = await runsLoaded;
  if (q.run) {
    const run = runs.get(Number(q.run));
    const c = (run && run.counts) || {};
    runNote.replaceChildren(h('span', {}, 'Showing the alerts raised by ', h('strong', {}, runLabel(q.run, runs)),
      run ? [' (', when(run.finished_at || run.started_at),
             typeof c.new_alerts === 'number' ? ': ' + c.new_alerts + ' new alerts' : '',
             typeof c.re_alerts === 'number' && c.re_alerts ? ', of which ' + c.re_alerts + ' re-alerts' : '',
             typeof c.delisted_closed === 'number' && c.delisted_closed ? '; ' + c.delisted_closed + ' closed as delisted' : '', ')'] : '',
      '. '), h('a', {href: queueUrl({...q, run: '', offset: '0'})}, 'All alerts'));
  }
  const alerts = page.alerts || [];
  const offset = Number(page.offset !== undefined ? page.offset : q.offset) || 0;
  const limit = Number(page.limit !== undefined ? page.limit : q.limit) || 25;
  const total = Number(page.total) || 0;
  if (!alerts.length) {
    status.textContent = total ? `No alert on this page (${total} match the filters).` : 'No alert matches these filters.';
    table.replaceChildren();
  } else {
    status.textContent = `${offset + 1}–${offset + alerts.length} of ${total} alert${total === 1 ? '' : 's'}` +
      ` (${q.status === 'open' ? 'open and escalated' : words(q.status)}, ${q.sort === 'age' ? 'oldest first' : 'best score first'})`;
    table.replaceChildren(h('table', {class: 'queue'},
      h('thead', {}, h('tr', {}, ['Alert', 'Score', 'Band', 'State', 'Party', 'Listed entity', 'List', 'Raised by', 'Tags', 'Age'].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, alerts.map((a) => queueRow(a, runs)))));
  }
  const prev = h('button', {type: 'button', id: 'prev', disabled: offset <= 0},  '← Previous');
  const next = h('button', {type: 'button', id: 'next', disabled: offset + alerts.length >= total}, 'Next →');
  prev.addEventListener('click', () => goQueue({...q, offset: String(Math.max(0, offset - limit))}));
  next.addEventListener('click', () => goQueue({...q, offset: String(offset + limit)}));
  pager.replaceChildren(prev, h('span', {class: 'muted'}, ` page ${Math.floor(offset / limit) + 1} of ${Math.max(1, Math.ceil(total / limit))} `), next);
}

function queueRow(a, runs) {
  const tr = h('tr', {class: 'alert-row' + (a.delisted ? ' delisted' : '') + (isRedFlag(a) ? ' redflag' : ''), 'data-id': a.id, 'data-state': a.state,
                      'data-kind': isRedFlag(a) ? 'red-flags' : 'name',
                      'data-run': a.rescreen_run || null, 'data-delisted': a.delisted ? 'true' : null},
    h('td', {}, alertLink(a.id), a.changed ? h('span', {class: 'badge changed', title: 'raised again: a side changed since the pair was decided'}, 'changed') : null,
      delistedBadge(a)),
    h('td', {class: 'num'}, score(a.score)),
    h('td', {}, bandBadge(a.band)),
    h('td', {}, stateBadge(a.state)),
    h('td', {}, partyLink(a.party_id), h('span', {class: 'muted'}, ' v' + a.party_version)),
    h('td', {class: 'entity'}, isRedFlag(a) ? h('span', {class: 'badge redflags', title: 'raised by the IT-worker red flags, not by a name match'}, 'red flags') : null,
      isRedFlag(a) ? ' ' : null, alertLink(a.id, a.entity_name), h('div', {class: 'muted small'}, a.entity_id)),
    h('td', {}, a.list),
    h('td', {class: 'raised-by'}, raisedBy(a, runs)),
    h('td', {}, (a.party_tags || []).map((t) => h('span', {class: 'tag'}, t))),
    h('td', {}, h('span', {title: a.created_at}, age(a.created_at))));
  // The whole row opens the alert (links inside keep their own targets).
  tr.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) return;
    location.href = '/alerts/' + encodeURIComponent(a.id);
  });
  return tr;
}

// ---- One alert: /alerts/<id> ----

// The rows of the comparison: the party's screened fields beside the listed record.
function comparison(party, entity, changed) {
  party = party || {};
  entity = entity || {};
  const partyIds = (party.identifiers || []).map((i) => text(i));
  const entityIds = (entity.identifiers || []).map((i) => [i.type || i.kind, i.value].filter(Boolean).join(': ') +
    ([i.country, i.currency, i.note].filter(Boolean).length ? ' (' + [i.country, i.currency, i.note].filter(Boolean).join(', ') + ')' : ''));
  const otherNames = (entity.names || []).filter((n) => n.kind !== 'primary' || n.name !== entity.name)
    .map((n) => n.name + ' (' + words(n.kind) + ')');
  const born = (entity.birth_dates || []).map((b) => (b.circa ? 'circa ' : '') + (b.date || b.text || '') + (b.to ? ' to ' + b.to : ''));
  const countries = (entity.countries || []).map((c) => words(c.role) + ': ' + c.name + (c.code ? ' (' + c.code + ')' : ''));
  const partyCountries = [party.nationality ? 'nationality: ' + party.nationality : null,
                          party.country ? 'country: ' + party.country : null];
  const known = new Set(['kind', 'name', 'aliases', 'dob', 'nationality', 'country', 'identifiers', 'addresses']);
  const rows = [
    ['kind', ['kind'], [party.kind], [entity.kind]],
    ['name', ['name'], [party.name], [entity.name]],
    ['other names', ['aliases'], party.aliases, otherNames],
    ['born', ['dob'], [party.dob], born.concat(entity.birth_places || [])],
    ['countries', ['nationality', 'country'], partyCountries, countries],
    ['identifiers', ['identifiers'], partyIds, entityIds],
    ['addresses', ['addresses'], (party.addresses || []).map(text), (entity.addresses || []).map((a) =>
      [a.street, a.city, a.region, a.postal_code, a.country_name || a.country].filter(Boolean).join(', '))],
  ];
  if (entity.programs) rows.push(['programs', ['programs'], [], entity.programs]);
  if (entity.listed_on) rows.push(['listed on', ['listed_on'], [], [entity.listed_on]]);
  if (entity.gender) rows.push(['gender', ['gender'], [], [entity.gender]]);
  for (const t of entity.titles || []) rows.push(['title', ['titles'], [], [t]]);
  if (entity.properties && entity.properties.length) {
    rows.push(['other facts', ['properties'], [], entity.properties.map((p) => p.key + ': ' + p.value)]);
  }
  if (entity.remarks) rows.push(['remarks', ['remarks'], [], [entity.remarks]]);
  for (const [k, v] of Object.entries(party)) if (!known.has(k)) rows.push([words(k), [k], [text(v)], []]);
  const changedParty = new Set((changed && changed.party || []).map((d) => d.field));
  const changedEntity = new Set((changed && changed.entity || []).map((d) => d.field));
  const tbody = h('tbody', {}, rows.map(([label, fields, p, e]) => {
    const pc = fields.some((f) => changedParty.has(f));
    const ec = fields.some((f) => changedEntity.has(f)) || (label === 'other names' && changedEntity.has('names')) ||
      (label === 'born' && changedEntity.has('birth_dates')) || (label === 'countries' && changedEntity.has('countries'));
    return h('tr', {},
      h('th', {scope: 'row'}, label),
      h('td', {class: 'party' + (pc ? ' changed' : '')}, lines(p)),
      h('td', {class: 'entity' + (ec ? ' changed' : '')}, lines(e)));
  }));
  return h('table', {class: 'compare'},
    h('thead', {}, h('tr', {}, h('th', {}), h('th', {scope: 'col'}, 'Party (screened fields)'), h('th', {scope: 'col'}, 'Listed entity (record)'))),
    tbody);
}

function explanation(a) {
  const x = a.explanation || {};
  const tokens = (x.explanation && x.explanation.tokens) || x.tokens || [];
  const evidence = x.evidence || [];
  return h('section', {id: 'explanation'},
    h('h2', {}, 'Why it alerted'),
    h('p', {}, 'The party\'s name ', h('q', {}, x.party_name || '—'), ' matched the listed ',
      words(x.matched_name_kind || 'name'), ' ', h('q', {}, x.matched_name || a.entity_name), ': score ',
      h('strong', {}, score(typeof x.score === 'number' ? x.score : a.score)),
      typeof x.name_score === 'number' ? ' (names alone ' + score(x.name_score) + ')' : '', '.'),
    typeof x.one_word_name === 'string' ? h('p', {class: 'one-word', id: 'one-word'}, h('strong', {}, 'Review: '), x.one_word_name) : null,
    tokens.length ? h('div', {class: 'tokens'}, tokens.map(tokenChip)) : h('p', {class: 'muted'}, 'No token alignment recorded.'),
    evidence.length ? [h('h3', {}, 'Evidence'), h('ul', {class: 'evidence'}, evidence.map((e) =>
      h('li', {}, h('span', {class: e.effect >= 0 ? 'up' : 'down'}, (e.effect >= 0 ? '+' : '') + Number(e.effect).toFixed(3)),
        ' ', words(e.attribute), ': ', e.note, ' (party ', text(e.query), ', list ', text(e.list), ')')))] : null);
}

function historyTable(history) {
  if (!history || !history.length) return h('p', {class: 'muted', id: 'history-empty'}, 'No decision yet.');
  return h('table', {class: 'history'},
    h('thead', {}, h('tr', {}, ['When', 'Who', 'Decision', 'Reason', 'Against version'].map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, history.map((d) => h('tr', {'data-decision': d.decision},
      h('td', {class: 'nowrap'}, when(d.at)), h('td', {class: 'nowrap'}, d.by), h('td', {}, stateBadge(d.decision === 'escalate' ? 'escalated' : d.decision)),
      h('td', {class: 'reason'}, d.reason || h('span', {class: 'muted'}, '—')), h('td', {class: 'num'}, String(d.alert_version))))));
}

function decisionForm(a, message) {
  const reason = h('textarea', {id: 'reason', name: 'reason', rows: 3, maxlength: 2000,
    placeholder: 'Why: e.g. "different date of birth and nationality; the party is a US citizen born 1990"'});
  const msg = h('p', {id: 'decidemsg', role: 'alert', class: message ? message.kind : null}, message ? message.text : '');
  const buttons = [['true_match', 'True match'], ['false_positive', 'False positive'], ['escalate', 'Escalate']]
    .map(([v, t]) => h('button', {type: 'submit', name: 'decision', value: v, class: 'decide ' + v}, t));
  const form = h('form', {id: 'decide', class: 'decide', novalidate: true, 'data-version': a.version},
    h('label', {for: 'reason'}, 'Reason ', h('span', {class: 'muted'}, '(required for a false positive; kept in the audit trail)')),
    reason,
    h('div', {class: 'buttons'}, buttons,
      h('span', {class: 'muted'}, ' deciding version ' + a.version + ' of this alert')),
    msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const decision = ev.submitter ? ev.submitter.value : '';
    if (!decision) return;
    const why = reason.value.trim();
    reason.removeAttribute('aria-invalid');
    if (decision === 'false_positive' && !why) {
      reason.setAttribute('aria-invalid', 'true');
      msg.className = 'error';
      msg.textContent = 'Not sent: a false positive needs a reason. Write why this party is not the listed entity.';
      reason.focus();
      return;
    }
    for (const b of buttons) b.disabled = true;
    msg.className = '';
    msg.textContent = 'Recording…';
    try {
      const {body} = await api('/v1/alerts/' + encodeURIComponent(a.id) + '/decisions', {
        method: 'POST', headers: {'If-Match': '"' + a.version + '"'}, body: {decision, reason: why}});
      const updated = body && body.alert ? body.alert : (await api('/v1/alerts/' + encodeURIComponent(a.id))).body;
      const last = (updated.history || [])[updated.history.length - 1];
      renderAlert(updated, {kind: 'ok', text: 'Recorded: ' + words(decision) + (last ? ' by ' + last.by : '') +
        '. The alert is now ' + words(updated.state) + ' (version ' + updated.version + ').'});
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      msg.className = 'error';
      if (err instanceof ApiError && err.status === 409) {
        const current = err.body && err.body.current_version ? ' (it is at version ' + err.body.current_version + ', this page shows version ' + a.version + ')' : '';
        msg.replaceChildren('Another analyst decided this alert meanwhile; reload to see their decision before deciding again' + current + '. ',
          h('button', {type: 'button', id: 'reload', onclick: () => location.reload()}, 'Reload'));
        for (const b of buttons) b.disabled = true;
      } else if (err instanceof ApiError && err.status === 401) {
        msg.textContent = 'Not recorded: the server needs a valid API key (401). ' + err.message;
      } else if (err instanceof ApiError && err.status === 403) {
        msg.textContent = 'Not recorded: this API key may not decide alerts (403). ' + err.message;
      } else {
        msg.textContent = 'Not recorded: ' + err.message;
      }
    }
  });
  return form;
}

// A red-flag alert: the flags with their evidence and sources, and the party's cluster.
function renderRedFlagAlert(a, message) {
  document.title = 'Alert #' + a.id + ' — red flags — Vigil';
  const x = a.explanation || {};
  const changes = a.changes && (a.changes.party || a.changes.entity) ? a.changes : null;
  const pf = a.party_fields || {};
  $('main').replaceChildren(...[
    h('a', {class: 'back', href: '/alerts'}, '← Alert queue'),
    h('h1', {}, 'Alert #' + a.id + ': ', h('span', {class: 'pname'}, pf.name || a.party_id), ' — ',
      h('span', {class: 'badge redflags'}, 'red flags'), ' ', h('span', {class: 'ename'}, a.entity_name), ' ', stateBadge(a.state)),
    h('table', {class: 'meta-table'},
      row('risk', h('strong', {id: 'rf-risk', class: 'risk risk-' + (x.risk || 'high')}, x.risk || 'high'),
        ' score ', h('strong', {}, score(a.score)), ' ', bandBadge(a.band)),
      row('party', partyLink(a.party_id), h('span', {class: 'muted'}, ' version ' + a.party_version),
        (a.party_tags || []).map((t) => [' ', h('span', {class: 'tag'}, t)])),
      row('raised', when(a.created_at), h('span', {class: 'muted'}, ' by a red-flag run, rules ' + (a.lists_version || '—'))),
      row('updated', when(a.updated_at), h('span', {class: 'muted'}, ', alert version ' + a.version)),
      a.previous_alert_id ? row('earlier alert', alertLink(a.previous_alert_id), h('span', {class: 'muted'}, ' (decided before; the flags changed since)')) : null),
    changes ? h('section', {id: 'changes', class: 'changes'},
      h('h2', {}, 'Raised again: what changed since the earlier decision'),
      h('h3', {}, 'Flags'), diffTable(changes.entity)) : null,
    h('section', {id: 'redflags'}, h('h2', {}, 'Red flags (' + (x.flags || []).length + ')'),
      h('p', {class: 'muted small'}, 'Each flag is a published sign of North Korean IT workers, with what the party\'s record shows and the advisory it comes from. One flag alone is often benign; the risk combines them.'),
      redFlagList(x.flags)),
    x.cluster ? h('section', {id: 'cluster'}, h('h2', {}, 'Network: cluster ' + x.cluster.id + ' (' + (x.cluster.parties || []).length + ' parties)'),
      clusterGraph(x.cluster, (x.cluster.parties || []).map((id) => ({id})), a.party_id),
      h('details', {}, h('summary', {}, 'The links (' + (x.cluster.links || []).length + ')'), clusterLinks(x.cluster))) : null,
    h('section', {id: 'decision'}, h('h2', {}, 'Decide'), decisionForm(a, message)),
    h('section', {id: 'history'}, h('h2', {}, 'Decision history'), historyTable(a.history)),
  ].filter(Boolean));
}

function renderAlert(a, message) {
  if (isRedFlag(a)) return renderRedFlagAlert(a, message);
  document.title = 'Alert #' + a.id + ' — ' + a.entity_name + ' — Vigil';
  const pf = a.party_fields || {};
  const changes = a.changes && (a.changes.party || a.changes.entity) ? a.changes : null;
  $('main').replaceChildren(...[
    h('a', {class: 'back', href: '/alerts'}, '← Alert queue'),
    h('h1', {}, 'Alert #' + a.id + ': ', h('span', {class: 'pname'}, pf.name || a.party_id), ' ≈ ',
      h('span', {class: 'ename'}, a.entity_name), ' ', stateBadge(a.state)),
    h('table', {class: 'meta-table'},
      row('score', h('strong', {}, score(a.score)), ' ', bandBadge(a.band)),
      row('party', partyLink(a.party_id), h('span', {class: 'muted'}, ' version ' + a.party_version),
        (a.party_tags || []).map((t) => [' ', h('span', {class: 'tag'}, t)])),
      row('listed entity', a.entity_id, h('span', {class: 'muted'}, ' on ' + a.list)),
      row('raised', when(a.created_at), a.rescreen_run ? [' by ', raisedBy(a, null)] : null,
        a.screening_id ? h('span', {class: 'muted'}, (a.rescreen_run ? ', ' : ' by ') + 'screening #' + a.screening_id) : null,
        h('span', {class: 'muted'}, ', lists ' + (a.lists_version || '—'))),
      row('updated', when(a.updated_at), h('span', {class: 'muted'}, ', alert version ' + a.version)),
      a.previous_alert_id ? row('earlier alert', alertLink(a.previous_alert_id), h('span', {class: 'muted'}, ' (the same pair, decided before)')) : null),
    a.delisted ? h('p', {id: 'delisted', class: 'delisted-note', role: 'note'}, h('strong', {}, 'Delisted: '),
      'the listed entity was removed from its list (', a.delisted, ').',
      a.state === 'closed' ? ' The alert was closed by the system; the decision history says so.' : '') : null,
    changes ? h('section', {id: 'changes', class: 'changes'},
      h('h2', {}, 'Raised again: what changed since the earlier decision'),
      h('p', {class: 'muted'}, 'This pair was decided before', a.previous_alert_id ? [' (', alertLink(a.previous_alert_id), ')'] : '',
        '. It alerts again because these fields changed:'),
      h('h3', {}, 'Party side'), diffTable(changes.party),
      h('h3', {}, 'Listed entity side'), diffTable(changes.entity)) : null,
    h('section', {id: 'sides'},
      h('h2', {}, 'Party beside listed entity'),
      comparison(pf, a.entity_record, changes),
      h('p', {class: 'muted small'}, 'Hashes when raised: party ', shortHash(a.party_hash), ' · listed entity ', shortHash(a.entity_hash))),
    explanation(a),
    h('section', {id: 'decision'}, h('h2', {}, 'Decide'), decisionForm(a, message)),
    h('section', {id: 'history'}, h('h2', {}, 'Decision history'), historyTable(a.history)),
  ].filter(Boolean));
}

async function showAlert(id) {
  document.title = 'Alert #' + id + ' — Vigil';
  $('main').replaceChildren(h('a', {class: 'back', href: '/alerts'}, '← Alert queue'), h('p', {class: 'muted'}, 'Loading alert #' + id + '…'));
  try {
    const {body} = await api('/v1/alerts/' + encodeURIComponent(id));
    renderAlert(body);
  } catch (err) {
    $('main').replaceChildren(h('a', {class: 'back', href: '/alerts'}, '← Alert queue'), h('h1', {}, 'Alert #' + id), failure(err));
  }
}

// ---- One party: /parties/<id> ----

function versionsSection(versions) {
  const vs = (versions || []).slice().sort((x, y) => y.version - x.version);  // newest first
  const byNumber = new Map((versions || []).map((v) => [v.version, v]));
  return h('ol', {class: 'versions', reversed: true}, vs.map((v) => {
    const prev = byNumber.get(v.version - 1);
    const screened = prev ? (prev.screened_hash === v.screened_hash ? 'screened fields unchanged' : 'screened fields changed') : 'first version';
    return h('li', {class: 'version', 'data-version': v.version},
      h('div', {}, h('strong', {}, 'version ' + v.version), ' — ', when(v.recorded_at), ' by ', v.recorded_by || '—',
        ' — ', h('span', {class: prev && prev.screened_hash !== v.screened_hash ? 'warn' : 'muted'}, screened),
        ' ', shortHash(v.screened_hash)),
      prev ? diffTable(fieldDiff(prev.record, v.record)) : h('p', {class: 'muted'}, 'Imported.'));
  }));
}

function screeningsSection(screenings) {
  if (!screenings || !screenings.length) return h('p', {class: 'muted'}, 'Never screened.');
  return h('div', {}, screenings.map((s) => {
    const hits = Array.isArray(s.hits) ? s.hits : [];
    return h('div', {class: 'screening', 'data-id': s.id},
      h('div', {}, h('strong', {}, 'Screening #' + s.id), ' — ', when(s.at), ' by ', s.by || '—',
        ', party version ' + s.party_version + ', lists ' + (s.lists_version || '—')),
      h('div', {class: 'muted small'}, (s.lists || []).map((l) => [l.source, l.file].filter(Boolean).join('/') +
        (l.published ? ' published ' + String(l.published).slice(0, 10) : '') +
        (l.sha256 ? ', sha256 ' + String(l.sha256).slice(0, 12) + '…' : '')).join(' · ')),
      hits.length ? h('table', {class: 'hits'},
        h('thead', {}, h('tr', {}, ['Listed entity', 'List', 'Score', 'Band', 'Outcome', 'Alert'].map((t) => h('th', {scope: 'col'}, t)))),
        h('tbody', {}, hits.map((x) => h('tr', {'data-outcome': x.outcome},
          h('td', {}, x.entity_name, h('div', {class: 'muted small'}, x.entity_id)), h('td', {}, x.list),
          h('td', {class: 'num'}, score(x.score)), h('td', {}, bandBadge(x.band)),
          h('td', {}, h('span', {class: 'outcome ' + x.outcome}, OUTCOMES[x.outcome] || words(x.outcome))),
          h('td', {}, x.alert_id ? alertLink(x.alert_id) : h('span', {class: 'muted'}, '—'))))))
        : h('p', {class: 'clean'}, 'No hit: clean.'));
  }));
}

function alertsSection(alerts) {
  if (!alerts || !alerts.length) return h('p', {class: 'muted'}, 'No alert.');
  return h('table', {class: 'queue party-alerts'},
    h('thead', {}, h('tr', {}, ['Alert', 'Listed entity', 'Score', 'Band', 'State', 'Decisions', 'Raised'].map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, alerts.map((a) => {
      const last = (a.history || [])[(a.history || []).length - 1];
      return h('tr', {class: 'alert-row', 'data-id': a.id, 'data-state': a.state},
        h('td', {}, alertLink(a.id), a.changes ? h('span', {class: 'badge changed'}, 'changed') : null, delistedBadge(a)),
        h('td', {}, a.entity_name, h('div', {class: 'muted small'}, a.entity_id)),
        h('td', {class: 'num'}, score(a.score)), h('td', {}, bandBadge(a.band)), h('td', {}, stateBadge(a.state)),
        h('td', {}, (a.history || []).length ? [String(a.history.length), h('span', {class: 'muted'}, ' (last: ' + words(last.decision) + ' by ' + last.by + ')')] : '—'),
        h('td', {}, when(a.created_at)));
    })));
}

async function showParty(id) {
  document.title = 'Party ' + id + ' — Vigil';
  const main = $('main');
  main.replaceChildren(h('a', {class: 'back', href: '/alerts'}, '← Alert queue'), h('p', {class: 'muted'}, 'Loading party ' + id + '…'));
  let p;
  try {
    p = (await api('/v1/parties/' + encodeURIComponent(id))).body;
  } catch (err) {
    main.replaceChildren(h('a', {class: 'back', href: '/alerts'}, '← Alert queue'), h('h1', {}, 'Party ' + id), failure(err));
    return;
  }
  const versions = p.versions || [];
  const current = p.current || versions[versions.length - 1] || {record: {}};
  const rec = current.record || {};
  document.title = (rec.name || p.id) + ' — party — Vigil';
  const screenMsg = h('span', {id: 'screenmsg', role: 'status'});
  const screenBtn = h('button', {type: 'button', id: 'screen'}, 'Screen now');
  screenBtn.addEventListener('click', async () => {
    screenBtn.disabled = true;
    screenMsg.className = '';
    screenMsg.textContent = ' Screening…';
    try {
      const {body} = await api('/v1/parties/' + encodeURIComponent(p.id) + '/screen', {method: 'POST'});
      // What became of each hit, from the recorded screening.
      const hits = body && body.screening && Array.isArray(body.screening.hits) ? body.screening.hits : [];
      const n = {};
      for (const x of hits) n[x.outcome] = (n[x.outcome] || 0) + 1;
      const parts = Object.entries(n).map(([k, c]) => c + ' × ' + (OUTCOMES[k] || words(k)));
      sessionStorage.setItem('vigil-flash', 'Screened: ' + (parts.length ? parts.join('; ') : 'clean, no hit') + '.');
      await showParty(id);
    } catch (err) {
      screenBtn.disabled = false;
      screenMsg.className = 'error';
      screenMsg.textContent = ' Not screened: ' + err.message;
    }
  });
  const flash = sessionStorage.getItem('vigil-flash');
  if (flash) { sessionStorage.removeItem('vigil-flash'); screenMsg.textContent = ' ' + flash; }
  const recordRows = Object.entries(rec).filter(([k]) => k !== 'id').map(([k, v]) =>
    row(words(k), Array.isArray(v) ? lines(v) : text(v)));
  main.replaceChildren(
    h('a', {class: 'back', href: '/alerts'}, '← Alert queue'),
    h('h1', {}, rec.name || p.id, ' ', h('span', {class: 'muted pid'}, p.id), ' ',
      (rec.tags || []).map((t) => [h('span', {class: 'tag'}, t), ' '])),
    h('p', {}, 'Current: version ' + current.version + ', recorded ', when(current.recorded_at), ' by ', current.recorded_by || '—', '. ',
      partyQueueLink(p.id), ' ', screenBtn, screenMsg),
    h('section', {id: 'record'}, h('h2', {}, 'Record'), h('table', {class: 'meta-table'}, recordRows)),
    h('section', {id: 'versions'}, h('h2', {}, 'Versions (' + versions.length + ')'), versionsSection(versions)),
    h('section', {id: 'screenings'}, h('h2', {}, 'Screenings (' + (p.screenings || []).length + ')'), screeningsSection(p.screenings)),
    h('section', {id: 'alerts'}, h('h2', {}, 'Alerts (' + (p.alerts || []).length + ')'), alertsSection(p.alerts)),
    redFlagsSection(p.id),
    exposureSection(p.id));
}

// The party's exposure (GET /v1/parties/{id}/exposure, web/links.js): its status under the
// 50% rule with the bounds of the share blocked owners hold, the ranked paths to listed
// entities in words, and the graph of those paths.
function exposureSection(id) {
  const graph = h('div', {id: 'link-graph', class: 'link-graph', role: 'img', 'aria-label': 'Exposure of ' + id});
  const box = h('section', {id: 'exposure'}, h('h2', {}, 'Exposure'), h('p', {class: 'muted'}, 'Following the links…'));
  api('/v1/parties/' + encodeURIComponent(id) + '/exposure').then(({body}) => {
    if (!box.isConnected) return;
    const pct = (v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : '—') + '%';
    const blocked = {};
    for (const n of body.graph.nodes || []) if (n.status === 'blocked' || n.status === 'possibly_blocked') blocked[n.id] = n.status;
    if (body.status !== 'not_blocked') blocked[body.id] = body.status;
    box.replaceChildren(...[
      h('h2', {}, 'Exposure'),
      h('p', {id: 'exposure-summary'}, linkStatusBadge(body.status), ' under the 50% rule: blocked owners hold ',
        body.low === body.high ? pct(body.low) : pct(body.low) + ' to ' + pct(body.high), '. ',
        body.status_explanation ? h('span', {class: 'muted'}, body.status_explanation) : ''),
      (body.control_paths || []).length ? h('p', {class: 'muted small'}, (body.control_paths || []).length +
        ' control, director or officer tie(s) to blocked persons: reported, not blocking under OFAC.') : null,
      h('h3', {}, 'Paths to listed entities (' + (body.paths || []).length + (body.truncated ? ', search cut' : '') + ')'),
      exposurePaths(body.paths, false),
      (body.graph.nodes || []).length > 1 ? [graph, linkLegend()] : null,
    ].flat().filter(Boolean));
    if ((body.graph.nodes || []).length > 1) drawLinkGraph(graph, body.graph, body.id, {blocked});
  }).catch((err) => {
    box.replaceChildren(h('h2', {}, 'Exposure'), failure(err));
  });
  return box;
}

// The party's red flags, checked among all stored parties (GET /v1/parties/{id}/red-flags):
// the risk, each flag with its evidence and source, and its cluster as a graph.
function redFlagsSection(id) {
  const box = h('section', {id: 'redflags'}, h('h2', {}, 'Red flags'), h('p', {class: 'muted'}, 'Checking the red flags…'));
  api('/v1/parties/' + encodeURIComponent(id) + '/red-flags').then(({body}) => {
    const r = body.result || {};
    const flags = r.flags || [];
    box.replaceChildren(...[
      h('h2', {}, 'Red flags'),
      h('p', {}, 'Risk ', h('strong', {id: 'rf-risk', class: 'risk risk-' + r.risk}, r.risk || '—'),
        ', score ', h('strong', {}, score(r.score)), ' — ', flags.length + ' flag' + (flags.length === 1 ? '' : 's'),
        h('span', {class: 'muted'}, ', checked among ' + body.parties_evaluated + ' stored parties (rules ' + (body.rules_version || '—') + ')'),
        body.alert ? [' · ', alertLink(body.alert.id, 'its red-flag alert #' + body.alert.id), ' ', stateBadge(body.alert.state)] : ''),
      (body.notes || []).length ? h('p', {class: 'muted small notes'}, 'Not checked: ', body.notes.join('; ')) : null,
      redFlagList(flags),
      // Networks (AS) in the evidence come from DB-IP's table, whose licence asks for a link.
      flags.some((f) => /\bAS\d+/.test(f.evidence || '')) ?
        h('p', {class: 'muted small'}, 'IP networks: ', h('a', {href: 'https://db-ip.com', 'data-attribution': 'dbip'}, 'IP Geolocation by DB-IP')) : null,
      body.cluster ? h('div', {id: 'cluster'}, h('h3', {}, 'Network: cluster ' + body.cluster.id + ' (' + (body.cluster.parties || []).length + ' parties)'),
        clusterGraph(body.cluster, body.members, id),
        h('table', {class: 'members'},
          h('thead', {}, h('tr', {}, ['Party', 'Name', 'Country', 'Risk', 'Score'].map((t) => h('th', {scope: 'col'}, t)))),
          h('tbody', {}, (body.members || []).map((m) => h('tr', {'data-id': m.id},
            h('td', {}, partyLink(m.id)), h('td', {}, m.name || '—'), h('td', {}, m.country || '—'),
            h('td', {}, h('span', {class: 'risk risk-' + m.risk}, m.risk || '—')), h('td', {class: 'num'}, score(m.score)))))),
        h('details', {}, h('summary', {}, 'The links (' + (body.cluster.links || []).length + ')'), clusterLinks(body.cluster)))
        : h('p', {class: 'muted', id: 'no-cluster'}, 'In no cluster: no strong value shared with other parties.'),
    ].filter(Boolean));
  }).catch((err) => {
    box.replaceChildren(h('h2', {}, 'Red flags'), failure(err));
  });
  return box;
}

function partyQueueLink(id) {
  return h('a', {href: queueUrl({...QUEUE_DEFAULTS, status: 'all', party: id})}, 'Its alerts in the queue');
}

// ---- Ownership to review (web/links.js: ownershipReviewPanel) ----

function showOwnershipReview() {
  document.title = 'Ownership to review — Vigil';
  $('main').replaceChildren(ownershipReviewPanel(api, failure));
}

// ---- Routing by path ----

function route() {
  $('authmsg').hidden = true;
  const path = location.pathname.replace(/\/+$/, '');
  let m;
  if ((m = /^\/alerts\/([^/]+)$/.exec(path))) return showAlert(decodeURIComponent(m[1]));
  if ((m = /^\/parties\/(.+)$/.exec(path))) return showParty(decodeURIComponent(m[1]));
  if (path === '/ownership') return showOwnershipReview();
  return showQueue();
}

document.addEventListener('DOMContentLoaded', () => {
  $('apikey').value = sessionStorage.getItem(KEY) || '';
  $('keyform').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const v = $('apikey').value.trim();
    if (v) sessionStorage.setItem(KEY, v); else sessionStorage.removeItem(KEY);
    route();
  });
  $('forgetkey').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    $('apikey').value = '';
    route();
  });
  window.addEventListener('popstate', route);
  route();
});
