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
