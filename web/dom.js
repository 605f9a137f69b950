// Building the pages' DOM, shared by the screening page (app.js) and the case pages
// (cases.js), loaded before either. Every value from the server (list records, party
// records, reasons) is untrusted: it only ever becomes text nodes or attribute values
// through h(), never HTML.
'use strict';

const $ = (id) => document.getElementById(id);

// h('a', {href: '#'}, 'text', child...) — builds elements; text is never parsed as HTML.
// Children may be nested arrays; undefined, null and false are left out.
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// svg('circle', {cx: 1}, ...) — the same for SVG elements (their own namespace).
function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// What a shared value is, in words: "phone", "payment account", "shipping address", "IP".
const LINK_KINDS = {ip: 'login IP', payment_account: 'payment account', photo_hash: 'photo',
                    shipping_address: 'shipping address', bank_account: 'bank account'};
function linkKind(kind) { return LINK_KINDS[kind] || String(kind || '').replace(/_/g, ' '); }

// A red-flag cluster as a small graph: its parties on an outer ring, each value they share
// (a phone, a payment account, a shipping address, a login IP) as a square on an inner ring,
// with a line from each party to each value it shares. `members` (optional) gives the
// parties' names and risks; `focus` is the party the page is about. Plain SVG, no library.
function clusterGraph(cluster, members, focus) {
  const info = new Map((members || []).map((m) => [m.id, m]));
  const parties = (cluster.parties || []).slice(0, 60);
  const values = new Map();  // kind + value -> {kind, value, parties: Set}
  for (const l of cluster.links || []) {
    const key = l.kind + '\u0000' + l.value;
    if (!values.has(key)) values.set(key, {kind: l.kind, value: l.value, parties: new Set()});
    values.get(key).parties.add(l.a);
    values.get(key).parties.add(l.b);
  }
  const W = 640, H = Math.max(360, Math.min(640, 200 + parties.length * 18));
  const cx = W / 2, cy = H / 2, R = Math.min(W, H) / 2 - 46, r = R * 0.5;
  const pos = new Map();
  parties.forEach((p, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, parties.length);
    pos.set(p, {x: cx + R * Math.cos(a), y: cy + R * Math.sin(a), a});
  });
  // The values on an inner ring, in the order of the mean angle of their parties, evenly
  // spaced (between the parties' angles) so that their labels do not overlap.
  const vs = [...values.values()].filter((v) => [...v.parties].some((p) => pos.has(p))).slice(0, 40);
  for (const v of vs) {
    let sx = 0, sy = 0;
    for (const p of v.parties) if (pos.has(p)) { sx += Math.cos(pos.get(p).a); sy += Math.sin(pos.get(p).a); }
    v.angle = Math.hypot(sx, sy) < 1e-6 ? 0 : Math.atan2(sy, sx);
  }
  vs.sort((a, b) => a.angle - b.angle);
  const start = -Math.PI / 2 + Math.PI / Math.max(1, parties.length);
  vs.forEach((v, i) => {
    const a = start + (2 * Math.PI * i) / vs.length;
    const rr = vs.length === 1 ? 0 : r;
    v.x = cx + rr * Math.cos(a);
    v.y = cy + rr * Math.sin(a);
  });
  const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);
  const edges = [];
  for (const v of vs) {
    for (const p of v.parties) {
      if (!pos.has(p)) continue;
      const q = pos.get(p);
      edges.push(svg('line', {class: 'edge kind-' + v.kind, x1: q.x, y1: q.y, x2: v.x, y2: v.y,
                              'data-party': p, 'data-kind': v.kind}));
    }
  }
  const valueNodes = vs.map((v) => svg('g', {class: 'node value kind-' + v.kind, 'data-kind': v.kind, 'data-value': v.value,
                                             transform: `translate(${v.x.toFixed(1)},${v.y.toFixed(1)})`},
    svg('title', {}, linkKind(v.kind) + ': ' + v.value + ' (' + v.parties.size + ' parties)'),
    svg('rect', {x: -6, y: -6, width: 12, height: 12, rx: 2}),
    svg('text', {class: 'kind', y: -10, 'text-anchor': 'middle'}, linkKind(v.kind)),
    svg('text', {class: 'val', y: 20, 'text-anchor': 'middle'}, short(String(v.value), 22))));
  const partyNodes = parties.map((p) => {
    const q = pos.get(p);
    const m = info.get(p) || {};
    const below = q.y >= cy;
    return svg('a', {href: '/parties/' + encodeURIComponent(p)},
      svg('g', {class: 'node party' + (p === focus ? ' focus' : '') + (m.risk ? ' risk-' + m.risk : ''), 'data-id': p,
                transform: `translate(${q.x.toFixed(1)},${q.y.toFixed(1)})`},
        svg('title', {}, p + (m.name ? ' — ' + m.name : '') + (m.risk ? ', risk ' + m.risk : '')),
        svg('circle', {r: p === focus ? 11 : 9}),
        svg('text', {y: below ? 24 : -15, 'text-anchor': 'middle'}, p),
        m.name ? svg('text', {class: 'pname', y: below ? 37 : -28, 'text-anchor': 'middle'}, short(m.name, 20)) : null));
  });
  const more = (cluster.parties || []).length - parties.length;
  return h('figure', {class: 'cluster-graph'},
    svg('svg', {id: 'cluster-graph', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
                'aria-label': 'Cluster ' + cluster.id + ': ' + (cluster.parties || []).length + ' parties linked by ' + vs.length + ' shared values'},
      svg('g', {class: 'edges'}, edges), svg('g', {class: 'values'}, valueNodes), svg('g', {class: 'parties'}, partyNodes)),
    h('figcaption', {class: 'muted small'}, 'Cluster ', cluster.id, ': ', (cluster.parties || []).length, ' parties (circles) and the ',
      vs.length, ' values they share (squares).', more > 0 ? ' ' + more + ' more parties not drawn.' : ''));
}

// A party's red flags: each with its evidence, the advisory it comes from and the sentence.
function redFlagList(flags) {
  if (!flags || !flags.length) return h('p', {class: 'muted', id: 'no-flags'}, 'No red flag.');
  return h('ol', {class: 'flags'}, flags.map((f) => h('li', {class: 'flag', 'data-rule': f.rule},
    h('div', {}, h('strong', {class: 'rule'}, f.rule), typeof f.weight === 'number'
      ? h('span', {class: 'muted small'}, ' +' + f.weight.toFixed(2)) : null),
    h('div', {class: 'flag-evidence'}, f.evidence),
    h('div', {class: 'flag-source small'}, 'Source: ', h('cite', {}, f.source || '—')),
    f.quote ? h('blockquote', {class: 'flag-quote small'}, f.quote) : null)));
}

// The links of a cluster as a table: which value ties which two parties.
function clusterLinks(cluster) {
  const links = (cluster.links || []).slice(0, 200);
  return h('table', {class: 'cluster-links'},
    h('thead', {}, h('tr', {}, ['Party', 'Party', 'Shared', 'Value', 'Strength'].map((t) => h('th', {scope: 'col'}, t)))),
    h('tbody', {}, links.map((l) => h('tr', {'data-kind': l.kind},
      h('td', {}, l.a), h('td', {}, l.b), h('td', {}, linkKind(l.kind)), h('td', {class: 'val'}, l.value),
      h('td', {class: 'num'}, typeof l.strength === 'number' ? l.strength.toFixed(2) : '—')))));
}
