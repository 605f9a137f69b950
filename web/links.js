// The relationship graph on the entity page (app.js) and the party page (cases.js): a node's
// neighbourhood drawn with Cytoscape.js (npm cytoscape, pinned in web/vendor/package-lock.json
// and compiled into the program: /vendor/cytoscape.min.js, nothing from the network), its
// status (listed; blocked, possibly blocked or not blocked under the 50% rule) and its paths
// in words. Loaded after dom.js and the library; every value shown stays text (labels are
// drawn on the canvas, tables are built with h()).
'use strict';

// The status of a node under OFAC's 50% rule, or "listed", as a badge.
const LINK_STATUS = {blocked: 'blocked', possibly_blocked: 'possibly blocked', not_blocked: 'not blocked', listed: 'listed'};
function linkStatusBadge(status) {
  return h('span', {class: 'badge link-' + status, id: 'link-status'}, LINK_STATUS[status] || String(status || '—'));
}

// An edge type in words: "linked to", "ownership 60%", "shares address".
function edgeLabel(e) {
  let words = String(e.type || '').replace(/^shares_/, 'shares ').replace(/_/g, ' ');
  if (e.share && typeof e.share === 'object') words += ' ' + (e.share.text ? e.share.text + '%' : '(share unknown)');
  return words;
}

// Where a click on a node goes: an entity's page, a party's page; outside nodes (a name that
// resolved to no record) go nowhere. `onEntityPage` is true on the screening page (index.html),
// where entity pages live in the hash.
function nodeHref(node, onEntityPage) {
  if (node.kind === 'entity') return (onEntityPage ? '#' : '/#') + '/entity/' + encodeURIComponent(node.id);
  if (node.kind === 'party') return '/parties/' + encodeURIComponent(node.id.replace(/^party:/, ''));
  return null;
}

// Draws `graph` ({nodes, edges}: GraphNode and GraphEdge of /openapi.json) into `container`
// (already in the document), centred on `focus`. `blocked` (optional): node id -> status
// ("blocked", "possibly_blocked") to mark. Returns the Cytoscape instance, also kept as
// container.cy (the browser tests read it). A click on a node opens its page.
function drawLinkGraph(container, graph, focus, {onEntityPage = false, blocked = {}} = {}) {
  if (typeof cytoscape !== 'function') {
    container.replaceChildren(h('p', {class: 'muted'}, 'This build has no graph library (run tools/deps.sh and build again).'));
    return null;
  }
  const ids = new Set();
  const elements = [];
  let maxHops = 0;
  for (const n of graph.nodes || []) {
    if (ids.has(n.id)) continue;
    ids.add(n.id);
    maxHops = Math.max(maxHops, n.hops || 0);
    const label = n.name.length > 32 ? n.name.slice(0, 31) + '…' : n.name;
    const classes = [n.kind];
    if (n.id === focus) classes.push('focus');
    if (blocked[n.id]) classes.push(blocked[n.id]);
    elements.push({group: 'nodes', data: {id: n.id, label, name: n.name, kind: n.kind, hops: n.hops || 0,
      href: nodeHref(n, onEntityPage) || ''}, classes: classes.join(' ')});
  }
  let i = 0;
  for (const e of graph.edges || []) {
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    elements.push({group: 'edges', data: {id: 'e' + (i++), source: e.from, target: e.to, label: edgeLabel(e), type: e.type},
      classes: String(e.type || '').startsWith('shares_') ? 'shared' : (e.type === 'ownership' ? 'ownership' : '')});
  }
  container.replaceChildren();
  container.classList.add('link-graph');
  const cy = cytoscape({
    container,
    elements,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 1.5,  // a small graph is not blown up to fill the box
    style: [
      {selector: 'node', style: {label: 'data(label)', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 3,
        'text-wrap': 'wrap', 'text-max-width': 120, width: 22, height: 22, 'background-color': '#98a2b3',
        color: '#101828', 'border-width': 1, 'border-color': '#475467'}},
      {selector: 'node.entity', style: {'background-color': '#d92d20', shape: 'round-rectangle'}},
      {selector: 'node.party', style: {'background-color': '#2e5aac', shape: 'ellipse'}},
      {selector: 'node.outside', style: {'background-color': '#d0d5dd', shape: 'diamond'}},
      {selector: 'node.blocked', style: {'border-width': 4, 'border-color': '#101828'}},
      {selector: 'node.possibly_blocked', style: {'border-width': 4, 'border-color': '#b54708', 'border-style': 'dashed'}},
      {selector: 'node.focus', style: {width: 34, height: 34, 'font-weight': 'bold', 'font-size': 11}},
      {selector: 'edge', style: {width: 1.5, 'line-color': '#98a2b3', 'target-arrow-color': '#98a2b3',
        'target-arrow-shape': 'triangle', 'curve-style': 'bezier', label: 'data(label)', 'font-size': 8,
        color: '#475467', 'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.8}},
      {selector: 'edge.ownership', style: {width: 2.5, 'line-color': '#101828', 'target-arrow-color': '#101828'}},
      {selector: 'edge.shared', style: {'line-style': 'dashed', 'target-arrow-shape': 'none'}},
    ],
    // Rings by distance from the node the page is about.
    layout: {name: 'concentric', concentric: (n) => maxHops + 1 - n.data('hops'), levelWidth: () => 1,
      minNodeSpacing: 50, animate: false, fit: true, padding: 24},
  });
  cy.on('tap', 'node', (ev) => {
    const href = ev.target.data('href');
    if (!href || ev.target.id() === focus) return;
    location.assign(href);
  });
  cy.on('mouseover', 'node', (ev) => { container.style.cursor = ev.target.data('href') ? 'pointer' : 'default'; });
  cy.on('mouseout', 'node', () => { container.style.cursor = 'default'; });
  container.cy = cy;
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  return cy;
}

// A legend for the graph's shapes and marks.
function linkLegend() {
  return h('p', {class: 'muted small legend'},
    h('span', {class: 'key entity'}), ' listed entity · ', h('span', {class: 'key party'}), ' party · ',
    h('span', {class: 'key outside'}), ' named, not on a list · thick border: blocked under the 50% rule, dashed: possibly · ',
    'click a node to open it');
}

// The paths of an exposure answer as a ranked list, each explained in words.
function exposurePaths(paths, onEntityPage) {
  if (!paths || !paths.length) return h('p', {class: 'muted', id: 'no-paths'}, 'No path to a listed entity.');
  return h('ol', {class: 'paths', id: 'paths'}, paths.map((p) => h('li', {'data-entity': p.entity_id},
    h('span', {class: 'score'}, typeof p.score === 'number' ? p.score.toFixed(2) : '—'), ' ',
    p.explanation || '', ' → ',
    h('a', {href: nodeHref({kind: 'entity', id: p.entity_id}, onEntityPage)}, p.entity_name || p.entity_id),
    p.list ? h('span', {class: 'muted'}, ' ' + p.list + ((p.programs || []).length ? ' · ' + p.programs.join(', ') : '')) : '')));
}

// The edges of a listed entity both ways (GET /v1/entities/{id}/links), as rows in words.
function entityLinkRows(body, onEntityPage) {
  const rows = [];
  for (const [dir, edges] of [['outgoing', body.outgoing || []], ['incoming', body.incoming || []]]) {
    for (const e of edges) {
      const n = e.node || {};
      const href = nodeHref(n, onEntityPage);
      const what = edgeLabel(e);
      rows.push(h('tr', {'data-direction': dir},
        h('th', {}, dir === 'outgoing' ? what : what.replace(/ to$/, ' from')),
        h('td', {}, href ? h('a', {href}, n.name || n.id) : (n.name || n.id),
          h('span', {class: 'muted'}, ' ' + (n.kind === 'entity' ? n.id : n.kind || '') + ' · ' + (e.source || '') + (e.as_of ? ' (' + e.as_of + ')' : '')))));
    }
  }
  return rows.length ? h('table', {class: 'links'}, rows) : h('p', {class: 'muted'}, 'No links in the lists.');
}

// ---- Ownership to review (GET /v1/ownership?review=to_review, POST /v1/ownership/{id}/review) ----

// One end of an imported edge in words: the name as the file gave it, and what it resolved
// to (a name match with the entity and the score; a party; a listed entity; an outside node).
function ownershipEnd(end, onEntityPage) {
  const given = h('span', {class: 'given'}, end.given || '');
  if (end.how === 'name_match') {
    return h('span', {}, given, ' → ',
      h('a', {href: nodeHref({kind: 'entity', id: end.matched_id}, onEntityPage), class: 'matched'}, end.matched_name || end.matched_id),
      h('span', {class: 'muted'}, ' ' + end.matched_id + ' · name match '),
      h('span', {class: 'score'}, typeof end.score === 'number' ? end.score.toFixed(2) : '—'),
      end.review === 'to_review' ? h('span', {class: 'badge review'}, 'to review') : null);
  }
  if (end.how === 'party') return h('span', {}, h('a', {href: nodeHref({kind: 'party', id: end.node})}, end.given || end.node), h('span', {class: 'muted'}, ' party'));
  if (end.how === 'entity') return h('span', {}, given, h('span', {class: 'muted'}, ' ' + end.node));
  return h('span', {}, given, h('span', {class: 'muted'}, ' (not on the lists)'));
}

// The panel: a table of the edges still to review, each with Accept and Reject. `api` is the
// page's API call (cases.js). A reject takes an optional node (party:ID or an entity id;
// empty: keep the name as an outside node) and an optional note. Reviewed rows leave the
// table and say what was recorded.
function ownershipReviewPanel(api, failure) {
  const box = h('section', {id: 'ownership-review'}, h('h2', {}, 'Ownership to review'),
    h('p', {class: 'muted'}, 'Loading…'));
  const status = h('p', {id: 'ownership-status', class: 'muted', role: 'status'});
  const load = () => api('/v1/ownership?review=to_review').then(({body}) => {
    const edges = body.edges || [];
    const rows = edges.map((e) => {
      const node = h('input', {class: 'node', name: 'node', size: 18, placeholder: 'party:ID or entity id'});
      const note = h('input', {class: 'note', name: 'note', size: 18, placeholder: 'note'});
      const row = h('tr', {'data-edge': String(e.id)},
        h('td', {}, String(e.id)),
        h('td', {class: 'owner'}, ownershipEnd(e.owner, false)),
        h('td', {class: 'kind'}, edgeLabel({type: e.kind, share: e.kind === 'ownership' ? {text: e.percentage} : null})),
        h('td', {class: 'owned'}, ownershipEnd(e.owned, false)),
        h('td', {class: 'muted small'}, e.file + ':' + e.line + (e.source ? ' · ' + e.source : '')),
        h('td', {}, node, ' ', note));
      const decide = async (decision) => {
        for (const b of row.querySelectorAll('button')) b.disabled = true;
        const body = {decision};
        if (decision === 'reject' && node.value.trim()) body.node = node.value.trim();
        if (note.value.trim()) body.note = note.value.trim();
        try {
          const {body: answer} = await api('/v1/ownership/' + encodeURIComponent(e.id) + '/review', {method: 'POST', body});
          row.remove();
          const after = answer.edge || {};
          status.textContent = 'Edge ' + e.id + ' ' + (decision === 'accept' ? 'accepted' : 'rejected') +
            (after.review === 'to_review' ? ' (its other end is still to review; reload)' : '') + '.';
          status.className = 'ok';
          if (!box.querySelector('tr[data-edge]')) load();
        } catch (err) {
          for (const b of row.querySelectorAll('button')) b.disabled = false;
          status.replaceChildren(failure(err));
          status.className = '';
        }
      };
      row.append(h('td', {class: 'actions'},
        h('button', {type: 'button', class: 'accept', onclick: () => decide('accept')}, 'Accept'), ' ',
        h('button', {type: 'button', class: 'reject', onclick: () => decide('reject')}, 'Reject')));
      return row;
    });
    box.replaceChildren(h('h2', {}, 'Ownership to review'),
      h('p', {class: 'muted'}, 'Ends of imported ownership edges that were resolved by a name match. They count in the graph ' +
        'and the 50% rule until reviewed; a reject keeps the name as an outside node, or points the end to the party or ' +
        'entity you give.'),
      status,
      rows.length
        ? h('table', {id: 'ownership-edges', class: 'links'},
          h('thead', {}, h('tr', {}, ['Edge', 'Owner', 'Kind', 'Owned', 'From', 'If rejected', ''].map((t) => h('th', {}, t)))),
          h('tbody', {}, rows))
        : h('p', {id: 'no-ownership-review', class: 'muted'}, 'No name match to review.'));
  }).catch((err) => {
    box.replaceChildren(h('h2', {}, 'Ownership to review'), failure(err));
  });
  load();
  return box;
}
