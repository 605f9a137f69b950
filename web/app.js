// Vigil's analyst page: search, ranked results with the reasons, entity pages. Plain DOM,
// no build step; it only calls the /v1 API of the server that served it. Routes live in the
// location hash: #/search?q=...&kind=...&dob=...&country=...  and  #/entity/<id>. h() and $()
// come from dom.js.
'use strict';

let selected = -1;
let lastResults = [];
let searchSeq = 0;

async function api(path) {
  const headers = {};
  const key = sessionStorage.getItem('vigil-api-key');
  if (key) headers['Authorization'] = 'Bearer ' + key;
  const res = await fetch(path, {headers});
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (res.status === 401) $('auth').hidden = false;
  if (!res.ok) {
    const msg = body && body.error ? body.error.message : res.status + ' ' + res.statusText;
    throw new Error(msg);
  }
  return body;
}

function setStatus(text, error) {
  const s = $('status');
  s.textContent = text;
  s.className = error ? 'error' : '';
}

// Lower case, accents off, letters and digits only: how the page lines up name words with
// the matcher's normalized tokens.
function fold(s) {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

// The matched name with each word the matcher paired highlighted (full or partial). An
// explanation entry's list side is one or more words of the matched name as written.
function highlighted(name, tokens) {
  const sims = new Map();
  for (const t of tokens || []) {
    if (!t.list) continue;
    for (const word of t.list.split(/(?:\s+|[,;()/-])/)) {
      const k = fold(word);
      if (k) sims.set(k, Math.max(sims.get(k) || 0, t.similarity));
    }
  }
  const out = [];
  for (const part of name.split(/(\s+|[,;()/-])/)) {
    const k = fold(part);
    if (k && sims.has(k)) {
      const sim = sims.get(k);
      out.push(h('mark', {class: sim >= 0.999 ? null : 'partial',
                          title: 'similarity ' + sim.toFixed(2)}, part));
    } else {
      out.push(part);
    }
  }
  return out;
}

// "published 2024-05-03 (date of the file), 3 days old" for a list's status.
function published(l) {
  if (l.age_days === null || l.age_days === undefined) return 'publication date unknown';
  return 'published ' + l.version +
    (l.published_source === 'file_date' ? ' (date of the file: it states none)' : '') +
    ', ' + l.age_days + ' day' + (l.age_days === 1 ? '' : 's') + ' old' +
    (l.published_source === 'file_date' && l.newest_entry ? ', newest entry ' + l.newest_entry : '');
}

// The lists an answer was screened against, as the analyst reads them: "OFAC SDN as of
// 2024-05-03, UN as of 2026-02-27".
function asOf(lists) {
  return (lists || []).map((l) => (l.title || l.source) + (l.sample ? ' (SAMPLE)' : '') +
    (l.version ? ' as of ' + l.version : '')).join(', ');
}

// The banners every answer feeds: the sample (red, never to be missed) and the other
// warnings about the lists (out of date, loaded without a companion file).
function showListStatus(body) {
  if (!body || !Array.isArray(body.warnings)) return;
  const sample = $('sample');
  const rest = body.sample ? body.warnings.slice(1) : body.warnings;
  sample.hidden = !body.sample;
  if (body.sample) {
    const parts = body.warnings[0].split('`');
    sample.replaceChildren('SAMPLE LIST, NOT THE OFFICIAL LISTS. ',
      ...parts.map((p, i) => (i % 2 ? h('code', {}, p) : p)));
  }
  const box = $('warnings');
  box.hidden = rest.length === 0;
  box.replaceChildren(h('ul', {}, rest.map((w) => h('li', {}, w))));
}

// A relation as words: "linked to", and seen from the other side "linked from".
function relationLabel(relation, incoming) {
  const words = relation.replace(/_/g, ' ');
  if (!incoming) return words;
  return / to$/.test(words) ? words.replace(/ to$/, ' from') : words + ' (from the other side)';
}

function badge(decision) {
  return h('span', {class: 'badge ' + (decision || 'none')}, decision === 'none' ? 'no alert' : decision);
}

// One explanation entry: the query's words and the list name's words as written, and the
// rule that related them when they are not written alike ("same Korean syllable 박").
function tokenChip(t) {
  const same = t.list && t.similarity >= 0.999 && !t.rule;
  return h('span', {class: 'tok' + (t.list ? '' : ' miss'),
                    title: 'similarity ' + t.similarity.toFixed(2) + ', weight ' + t.weight.toFixed(2)},
    t.query + (t.list ? (same ? ' = ' : ' ≈ ') + t.list : ' — no partner'),
    t.rule ? h('span', {class: 'rule'}, ': ' + t.rule) : null);
}

function resultItem(m, i) {
  const tokens = (m.explanation && m.explanation.tokens) || [];
  const bar = h('span');
  bar.style.width = Math.round(m.score * 100) + '%';
  const li = h('li', {class: 'result', tabindex: '-1', 'data-id': m.id, 'data-index': i,
                      onclick: () => openEntity(m.id)},
    h('div', {class: 'score'}, h('div', {class: 'num'}, m.score.toFixed(3)),
      h('div', {class: 'bar'}, bar), badge(m.decision)),
    h('div', {class: 'title'}, h('a', {href: '#/entity/' + encodeURIComponent(m.id)}, m.name)),
    h('div', {class: 'meta'}, [m.kind, m.id, m.list].join(' · '),
      m.programs ? ' · ' + m.programs.join(', ') : '',
      m.birth_dates ? ' · born ' + m.birth_dates.join('; ') : '',
      m.countries ? ' · ' + m.countries.join(', ') : ''),
    // One party, one card: the same party's records on other lists.
    m.also_on ? h('div', {class: 'also-on'}, 'also on ', ...m.also_on.flatMap((o, k) => [
      k ? ' · ' : '',
      h('a', {href: '#/entity/' + encodeURIComponent(o.id), onclick: (ev) => ev.stopPropagation()},
        o.list_name || o.list),
      h('span', {class: 'muted'}, ' ' + o.id)])) : null,
    h('div', {class: 'why'}, 'matched ', h('span', {class: 'matched'}, highlighted(m.matched_name, tokens)),
      h('span', {class: 'muted'}, ' (' + m.matched_name_kind.replace('_', ' ') +
        (m.name_score !== undefined ? ', name alone ' + m.name_score.toFixed(3) : '') + ')'),
      h('div', {class: 'tokens'}, tokens.map(tokenChip))),
    m.evidence ? h('ul', {class: 'evidence'}, m.evidence.map((e) =>
      h('li', {}, h('span', {class: e.effect >= 0 ? 'up' : 'down'},
        (e.effect >= 0 ? '+' : '') + e.effect.toFixed(3)), ' ', e.attribute.replace('_', ' '), ': ',
        e.note, ' (query ', e.query, ', list ', e.list, ')'))) : null);
  return li;
}

function select(i) {
  const items = $('results').children;
  if (!items.length) return;
  selected = Math.max(0, Math.min(items.length - 1, i));
  for (const el of items) el.classList.remove('selected');
  items[selected].classList.add('selected');
  items[selected].focus({preventScroll: true});
  items[selected].scrollIntoView({block: 'nearest'});
}

function formParams() {
  const p = new URLSearchParams();
  for (const id of ['q', 'kind', 'dob', 'country']) {
    const v = $(id).value.trim();
    if (v) p.set(id, v);
  }
  return p;
}

async function runSearch(params) {
  $('entity').hidden = true;
  $('noalert').hidden = true;
  $('results').hidden = false;
  for (const id of ['q', 'kind', 'dob', 'country']) $(id).value = params.get(id) || '';
  const q = params.get('q') || '';
  if (!q.trim()) {
    $('help').hidden = false;
    $('results').replaceChildren();
    setStatus('');
    return;
  }
  $('help').hidden = true;
  const seq = ++searchSeq;
  setStatus('Screening…');
  const started = performance.now();
  try {
    const body = await api('/v1/search?limit=20&' + params.toString());
    if (seq !== searchSeq) return;  // a newer search is under way
    showListStatus(body);
    const ms = Math.round(performance.now() - started);
    const alerts = body.matches.filter((m) => m.decision !== 'none').length;
    selected = -1;
    if (alerts === 0) {
      // No alert: said in words, with the lists and their dates; the weaker results only
      // when asked for, so that unrelated cards do not read as hits.
      const weak = body.matches;
      lastResults = [];
      $('results').replaceChildren();
      const note = $('noalert');
      note.hidden = false;
      note.replaceChildren(`No alert for “${q}” on ${asOf(body.lists)}.`,
        weak.length ? h('button', {type: 'button', class: 'more', onclick: () => {
          lastResults = weak;
          $('results').replaceChildren(...weak.map(resultItem));
          note.querySelector('button.more').remove();
        }}, ` Show ${weak.length} weaker result${weak.length > 1 ? 's' : ''} (below review)`) : '');
      setStatus(`${ms} ms, lists ${body.lists_version}`);
      return;
    }
    lastResults = body.matches;
    $('results').replaceChildren(...body.matches.map(resultItem));
    setStatus(`${body.matches.length} result${body.matches.length > 1 ? 's' : ''}, ${alerts} alerting, for “${q}” on ${asOf(body.lists)} (${ms} ms, lists ${body.lists_version})`);
  } catch (e) {
    if (seq === searchSeq) setStatus(e.message, true);
  }
}

function row(label, ...value) {
  return h('tr', {}, h('th', {}, label), h('td', {}, ...value));
}

async function showEntity(id) {
  $('help').hidden = true;
  $('results').hidden = true;
  $('noalert').hidden = true;
  // The header's search belongs to the results, not to this page (opened by its address).
  for (const f of ['q', 'kind', 'dob', 'country']) $(f).value = '';
  const box = $('entity');
  box.hidden = false;
  box.replaceChildren(h('p', {class: 'muted'}, 'Loading…'));
  setStatus('');
  try {
    const body = await api('/v1/entities/' + encodeURIComponent(id));
    showListStatus(body);
    const e = body.entity;
    const rows = [
      row('id', e.id), row('kind', e.kind),
      row('list', body.list.title || e.source, h('span', {class: 'muted'}, ' (' + published(body.list) + ')')),
    ];
    // What this entry may lack: its list was loaded without a companion file.
    for (const m of body.list.incomplete || []) rows.push(row('not loaded', h('strong', {}, m)));
    if (e.programs) rows.push(row('programs', e.programs.join(', ')));
    if (e.listed_on) rows.push(row('listed on', e.listed_on));
    if (e.gender) rows.push(row('gender', e.gender));
    for (const t of e.titles || []) rows.push(row('title', t));
    for (const b of e.birth_dates || []) rows.push(row('born', (b.circa ? 'circa ' : '') + b.date + (b.to ? ' to ' + b.to : ''), b.text && b.text !== b.date ? h('span', {class: 'muted'}, ' (' + b.text + ')') : ''));
    for (const p of e.birth_places || []) rows.push(row('birth place', p));
    for (const c of e.countries || []) rows.push(row(c.role, c.name + (c.code ? ' (' + c.code + ')' : '')));
    for (const i of e.identifiers || []) rows.push(row(i.type || i.kind, i.value, [i.country, i.currency, i.note].filter(Boolean).length ? h('span', {class: 'muted'}, ' ' + [i.country, i.currency, i.note].filter(Boolean).join(' · ')) : ''));
    for (const a of e.addresses || []) rows.push(row('address', [a.street, a.city, a.region, a.postal_code, a.country_name].filter(Boolean).join(', ')));
    for (const p of e.properties || []) rows.push(row(p.key, p.value));
    const names = h('table', {}, e.names.map((n) => row(n.kind.replace('_', ' '), n.name)));
    const related = body.related.length ? h('table', {class: 'related'}, body.related.map((r) =>
      row(relationLabel(r.relation, r.direction === 'incoming'),
        r.id ? h('a', {href: '#/entity/' + encodeURIComponent(r.id)}, r.name) : r.name,
        r.id ? h('span', {class: 'muted'}, ' ' + r.id + (r.kind ? ' · ' + r.kind : '')) : ''))) : h('p', {class: 'muted'}, 'None listed.');
    box.replaceChildren(...[
      h('a', {class: 'back', href: '#', onclick: (ev) => { ev.preventDefault(); history.back(); }}, '← back to results (Esc)'),
      h('h1', {}, e.name),
      h('table', {}, rows),
      h('h2', {}, 'Names'), names,
      h('h2', {}, 'Related entities'), related,
      linksSection(e.id),
      e.remarks ? [h('h2', {}, 'Remarks'), h('p', {}, e.remarks)] : null,
      e.unparsed_remarks ? [h('h2', {}, 'Remarks not parsed'), h('ul', {}, e.unparsed_remarks.map((u) => h('li', {}, u)))] : null,
    ].flat().filter(Boolean));
    document.title = e.name + ' — Vigil';
    $('main').focus({preventScroll: true});
  } catch (err) {
    box.replaceChildren(h('p', {class: 'muted'}, err.message));
  }
}

// The entity's neighbourhood as a graph (GET /v1/entities/{id}/links, web/links.js): the
// entities it names and those that name it, two edges out, with its status. Filled in once
// the section is on the page (Cytoscape measures its container).
function linksSection(id) {
  const graph = h('div', {id: 'link-graph', class: 'link-graph', role: 'img', 'aria-label': 'Links of ' + id});
  const status = h('p', {id: 'link-summary'}, h('span', {class: 'muted'}, 'Loading the links…'));
  const box = h('section', {id: 'links'}, h('h2', {}, 'Links'), status, graph, linkLegend());
  api('/v1/entities/' + encodeURIComponent(id) + '/links?hops=2').then((body) => {
    if (!box.isConnected) return;  // the page moved on
    const n = (body.outgoing || []).length + (body.incoming || []).length;
    status.replaceChildren(linkStatusBadge(body.status.status), ' ', body.status.explanation || '',
      h('span', {class: 'muted'}, ' · ' + n + ' link' + (n === 1 ? '' : 's') + ' in the lists; the graph reaches ' +
        body.graph.hops + ' edges out (' + body.graph.nodes.length + ' nodes' + (body.graph.truncated ? ', cut' : '') + ')'));
    drawLinkGraph(graph, body.graph, body.id, {onEntityPage: true});
    box.append(h('h3', {}, 'Paths'), entityLinkRows(body, true));
  }).catch((err) => {
    status.replaceChildren(h('span', {class: 'error'}, 'Links not loaded: ' + err.message));
    graph.hidden = true;
  });
  return box;
}

// ---- IP addresses: #/ip?ip=ADDR (GET /v1/ip) ----

function showIpPanel(params) {
  for (const id of ['help', 'entity', 'noalert']) $(id).hidden = true;
  $('results').hidden = true;
  $('ip').hidden = false;
  setStatus('');
  document.title = 'IP address — Vigil';
  const addr = (params.get('ip') || '').trim();
  $('ipaddr').value = addr;
  if (!addr) {
    $('ipanswer').replaceChildren();
    $('ipaddr').focus();
    return;
  }
  lookupIp(addr);
}

async function lookupIp(addr) {
  const box = $('ipanswer');
  box.replaceChildren(h('p', {class: 'muted'}, 'Looking up ' + addr + '…'));
  try {
    const a = await api('/v1/ip?ip=' + encodeURIComponent(addr));
    document.title = addr + ' — IP — Vigil';
    box.replaceChildren(ipAnswer(a));
  } catch (e) {
    box.replaceChildren(h('p', {class: 'error', id: 'iperror'}, e.message));
  }
}

// One answer of /v1/ip (ip::ToJson): what it is, why, from which data.
function ipAnswer(a) {
  const sanctions = a.sanctions || [];
  const dprk = a.dprk_range;
  const rows = [
    row('address', h('code', {}, a.address || a.ip), h('span', {class: 'muted'}, ' IPv' + (a.version || 4))),
    row('country', h('strong', {'data-field': 'country'}, a.country || 'unknown'),
      a.subdivision ? h('span', {class: 'muted'}, ' (' + a.subdivision + ')') : null),
    row('network', h('span', {'data-field': 'asn'}, a.asn ? 'AS' + a.asn : 'unknown'), a.as_org ? ' ' + a.as_org : ''),
    row('sanctioned', a.sanctioned
      ? h('span', {class: 'sanctioned', 'data-field': 'sanctioned'}, 'SANCTIONED')
      : h('span', {class: 'not-sanctioned', 'data-field': 'sanctioned'}, 'no'),
      sanctions.length ? h('ul', {class: 'plain sanctions'}, sanctions.map((s) => h('li', {'data-program': s.program},
        h('strong', {}, (s.name || s.country) + ' (' + s.country + ')'), ', program ', h('strong', {}, s.program),
        h('div', {class: 'small'}, 'Source: ', s.source || '—', s.date ? ' (' + s.date + ')' : ''),
        s.note ? h('div', {class: 'muted small'}, s.note) : null))) : null),
    row('DPRK address space', dprk
      ? [h('span', {class: 'sanctioned', 'data-field': 'dprk'}, dprk.cidr, dprk.asn ? ' AS' + dprk.asn : '', dprk.holder ? ' ' + dprk.holder : ''),
         h('div', {class: 'small'}, 'Documented ', dprk.date || '—', ' — ', dprk.source || ''), dprk.note ? h('div', {class: 'muted small'}, dprk.note) : null]
      : h('span', {'data-field': 'dprk'}, 'not in a known North Korean range')),
  ];
  if (a.special) rows.push(row('special', a.special));
  if ((a.not_covered || []).length) rows.push(row('not covered', h('ul', {class: 'plain'}, a.not_covered.map((n) => h('li', {class: 'muted'}, n)))));
  const evidence = a.evidence || [];
  const sources = a.sources || [];
  return h('div', {class: 'ip-answer', 'data-address': a.address || a.ip},
    h('table', {class: 'ip-summary'}, rows),
    h('h2', {}, 'Evidence'),
    evidence.length ? h('table', {class: 'ip-evidence'},
      h('thead', {}, h('tr', {}, ['What', 'Table', 'Row', 'Range', 'Value'].map((t) => h('th', {scope: 'col'}, t)))),
      h('tbody', {}, evidence.map((e) => h('tr', {'data-part': e.part},
        h('td', {}, e.part), h('td', {}, h('code', {}, e.table)), h('td', {class: 'num'}, e.row ? String(e.row) : '—'),
        h('td', {}, h('code', {}, e.range || '—')), h('td', {}, e.value || '—')))))
      : h('p', {class: 'muted'}, 'No table knows this address.'),
    h('h2', {}, 'Data'),
    h('ul', {class: 'ip-sources'}, sources.map((s) => h('li', {'data-source': s.name},
      h('strong', {}, s.name), ' ', s.version || '', s.date ? ' (data of ' + s.date + ')' : '',
      s.licence ? h('span', {class: 'muted'}, ', ' + s.licence) : null,
      s.note ? h('div', {class: 'muted small'}, s.note) : null))),
    // The DB-IP licence of the AS table asks a web page that shows its results to link back.
    sources.some((s) => /DBIP/.test(s.licence || '')) ?
      h('p', {class: 'muted small'}, h('a', {href: 'https://db-ip.com', 'data-attribution': 'dbip'}, 'IP Geolocation by DB-IP')) : null);
}

function openEntity(id) { location.hash = '#/entity/' + encodeURIComponent(id); }

function route() {
  const hash = location.hash.slice(1) || '/';
  $('ip').hidden = !hash.startsWith('/ip');
  if (hash === '/ip' || hash.startsWith('/ip?')) return showIpPanel(new URLSearchParams(hash.slice(4)));
  if (hash.startsWith('/entity/')) return showEntity(decodeURIComponent(hash.slice(8)));
  document.title = 'Vigil — sanctions screening';
  const qs = hash.startsWith('/search?') ? hash.slice(8) : '';
  return runSearch(new URLSearchParams(qs));
}

async function showLists() {
  try {
    const body = await api('/v1/lists');
    showListStatus(body);
    // Each list's publication date and age (not when the server loaded it), and what to
    // distrust: out of date, loaded without a companion file.
    const parts = body.lists.map((l) => `${l.title || l.source}${l.sample ? ' (SAMPLE)' : ''} — version ${l.version}, ${published(l)}, ${l.entities} entities` +
      (l.stale ? ' — OUT OF DATE' : '') +
      (l.incomplete && l.incomplete.length ? ' — INCOMPLETE: ' + l.incomplete.join('; ') : ''));
    $('lists').textContent = `Lists in use (${body.lists_version}): ` + parts.join(' · ');
  } catch (e) {
    $('lists').textContent = 'Lists: ' + e.message;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  $('search').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const target = '#/search?' + formParams().toString();
    if (location.hash === target) route(); else location.hash = target;
  });
  $('ipform').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const target = '#/ip?ip=' + encodeURIComponent($('ipaddr').value.trim());
    if (location.hash === target) route(); else location.hash = target;
  });
  $('savekey').addEventListener('click', () => {
    sessionStorage.setItem('vigil-api-key', $('apikey').value.trim());
    $('auth').hidden = true;
    showLists();
    route();
  });
  document.addEventListener('keydown', (ev) => {
    const typing = ['INPUT', 'SELECT', 'TEXTAREA'].includes(document.activeElement.tagName);
    if (ev.key === '/' && !typing) { ev.preventDefault(); $('q').focus(); $('q').select(); return; }
    if (ev.key === 'Escape') {
      if (!$('entity').hidden) { history.back(); return; }
      if (typing) document.activeElement.blur();
      return;
    }
    if (!$('entity').hidden) return;
    const down = ev.key === 'ArrowDown' || (!typing && ev.key === 'j');
    const up = ev.key === 'ArrowUp' || (!typing && ev.key === 'k');
    if (down && (!typing || document.activeElement.id === 'q')) { ev.preventDefault(); select(selected + 1); }
    else if (up && !typing) { ev.preventDefault(); select(selected - 1); }
    else if (ev.key === 'Enter' && !typing && selected >= 0 && lastResults[selected]) {
      ev.preventDefault();
      openEntity(lastResults[selected].id);
    }
  });
  window.addEventListener('hashchange', route);
  showLists();
  route();
});
