// dom.js: tiny DOM builders.  Every piece of data becomes a text node
// (textContent), never HTML, so nothing the server or a user typed can
// inject markup.  No inline styles or handlers (the CSP forbids them).

const SVG_NS = 'http://www.w3.org/2000/svg';

// Appends children (strings, numbers, nodes, arrays, null) to el.
function add(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      add(el, c);
    } else if (c instanceof Node) {
      el.appendChild(c);
    } else {
      el.appendChild(document.createTextNode(String(c)));
    }
  }
}

// Sets attributes: class, testid (data-testid), on (event map), others as is.
function attrs(el, a) {
  if (!a) {
    return;
  }
  for (const [k, v] of Object.entries(a)) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) {
        el.addEventListener(ev, fn);
      }
    } else if (k === 'testid') {
      el.setAttribute('data-testid', v);
    } else if (k === 'class') {
      el.setAttribute('class', v);
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
}

// An HTML element: h('p', {class: 'x'}, 'text', child, ...).
export function h(tag, a, ...children) {
  const el = document.createElement(tag);
  attrs(el, a);
  add(el, children);
  return el;
}

// An SVG element.
export function s(tag, a, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  attrs(el, a);
  add(el, children);
  return el;
}

// Replaces the content of el with children.
export function mount(el, ...children) {
  el.replaceChildren();
  add(el, children);
  return el;
}

// Unique ids for label/input pairs.
let seq = 0;
export function uid(prefix) {
  seq += 1;
  return (prefix || 'f') + '-' + seq;
}

// Runs fn at most once per ms of quiet (debounce).
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
