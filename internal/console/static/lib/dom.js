// dom.js: small helpers to build accessible markup without a framework.
// Every control made here has a visible label tied to it, and every form
// has places where the API's errors appear next to what caused them.

import { ApiError } from './api.js';

let seq = 0;
/** uid returns a fresh id for label/aria wiring. */
export function uid(prefix = 'c') { seq += 1; return `${prefix}-${seq}`; }

const props = new Set(['value', 'checked', 'selected', 'indeterminate', 'multiple']);

/** h builds an element: h('button', {type: 'button', onclick: fn}, 'Save'). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (props.has(k)) {
      el[k] = v;
      if (k === 'checked') el.defaultChecked = v; // form.reset() returns to it
      if (k === 'value' && tag === 'input') el.defaultValue = v;
    }
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** replace empties el and fills it with children. */
export function replace(el, ...children) { el.replaceChildren(); append(el, children); return el; }

/** errorSlot is where the API's message for one field (name) appears. */
export function errorSlot(name) {
  return h('p', { class: 'field-error', id: uid('err'), 'data-error-for': name, hidden: true });
}

/**
 * field wraps a control with its label and its error slot. name is the
 * key the API uses for it in `errors` (e.g. "name", "schema.2.uid").
 */
export function field(label, control, { name, hint } = {}) {
  const id = control.id || uid('f');
  control.id = id;
  const err = errorSlot(name || control.name || id);
  const described = [err.id];
  let hintEl = null;
  if (hint) { hintEl = h('p', { class: 'hint', id: uid('hint') }, hint); described.push(hintEl.id); }
  control.setAttribute('aria-describedby', described.join(' '));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl, err);
}

/** input makes a text-like input; attrs pass through (name, type, value…). */
export function input(attrs = {}) { return h('input', { type: 'text', ...attrs }); }

/** select makes a select from [value, label] pairs (or plain strings). */
export function select(attrs, options) {
  const el = h('select', attrs);
  const want = [].concat(attrs.value ?? []);
  for (const o of options) {
    const [value, label] = Array.isArray(o) ? o : [o, o];
    el.append(h('option', { value, selected: want.includes(value) }, label));
  }
  return el;
}

/** checkbox is a labelled checkbox (label after the box). */
export function checkbox(label, attrs = {}) {
  const box = h('input', { type: 'checkbox', id: uid('cb'), ...attrs });
  return h('div', { class: 'check' }, box, h('label', { for: box.id }, label), errorSlot(attrs.name || box.id));
}

/** button is a push button (never a submit unless said). */
export function button(label, onclick, attrs = {}) {
  return h('button', { type: 'button', onclick, ...attrs }, label);
}

/** heading is a page's h1; it takes focus after navigation. */
export function heading(text) { return h('h1', { tabindex: '-1' }, text); }

/** say announces a short notice in the page's status region. */
export function say(text) {
  const s = document.getElementById('status');
  s.textContent = '';
  setTimeout(() => { s.textContent = text; }, 30);
}

/**
 * showErrors puts an ApiError's messages next to what caused them: each
 * key of `errors` in the slot of the same name inside scope (or the slot
 * of its longest dotted prefix), the rest and error_message in the form's
 * general slot ([data-error-for="*"]).
 */
export function showErrors(scope, err) {
  clearErrors(scope);
  const general = scope.querySelector('[data-error-for="*"]');
  const rest = [];
  const e = err instanceof ApiError ? err : new ApiError(0, { error_message: String((err && err.message) || err), errors: err && err.errors });
  for (const [key, msgs] of Object.entries(e.errors || {})) {
    const text = [].concat(msgs).join(' ');
    const slot = findSlot(scope, key);
    if (slot) fill(slot, slot.dataset.errorFor === key ? text : `${key} ${text}`);
    else if (!e.message.includes(text)) rest.push(`${key}: ${text}`);
  }
  if (general) fill(general, [e.message, ...rest].join(' '));
  else if (rest.length || !Object.keys(e.errors || {}).length) say(e.message);
}

function findSlot(scope, key) {
  const parts = key.split('.');
  for (let n = parts.length; n > 0; n -= 1) {
    const k = parts.slice(0, n).join('.');
    const slot = scope.querySelector(`[data-error-for="${CSS.escape(k)}"]`);
    if (slot) return slot;
  }
  return null;
}

function fill(slot, text) {
  slot.textContent = text;
  slot.hidden = false;
  if (slot.dataset.errorFor === '*') return;
  slot.setAttribute('role', 'alert');
  const ctl = slot.parentElement && slot.parentElement.querySelector('input, select, textarea');
  if (ctl) ctl.setAttribute('aria-invalid', 'true');
}

/** clearErrors hides every error slot inside scope. */
export function clearErrors(scope) {
  scope.querySelectorAll('[data-error-for]').forEach((s) => { s.hidden = true; s.textContent = ''; });
  scope.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
}

/** generalError is a form's slot for error_message and unplaced errors. */
export function generalError() {
  return h('p', { class: 'form-error', role: 'alert', 'data-error-for': '*', hidden: true });
}

/**
 * form builds a <form> whose submit runs action(form) with the submit
 * button busy; an ApiError lands next to its fields.
 */
export function form(label, children, action, submitLabel = 'Save') {
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const f = h('form', { 'aria-label': label, novalidate: true }, generalError(), children, h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await busy(submit, async () => {
      clearErrors(f);
      try { await action(f); } catch (err) { showErrors(f, err); }
    });
  });
  return f;
}

/** busy disables btn while fn runs, marking it aria-busy. */
export async function busy(btn, fn) {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try { return await fn(); } finally { btn.disabled = false; btn.removeAttribute('aria-busy'); }
}

/** act runs fn for a button outside a form; errors go to slot (or say). */
export function act(btn, slot, fn) {
  return busy(btn, async () => {
    if (slot) { slot.hidden = true; slot.textContent = ''; }
    try { await fn(); } catch (err) {
      if (slot) fill(slot, err.message); else say(err.message);
    }
  });
}

/** table renders rows with a caption and column headers. */
export function table(caption, columns, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c[0])))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', {}, c[1](r)))))));
}

/** when formats an ISO time for people ("—" when absent). */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

/** link is an in-app link (the router intercepts it). */
export function link(href, text, attrs = {}) { return h('a', { href, ...attrs }, text); }

/** values reads a form's named controls into an object of strings/bools. */
export function values(f) {
  const out = {};
  for (const el of f.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.multiple) out[el.name] = [...el.selectedOptions].map((o) => o.value);
    else out[el.name] = el.value;
  }
  return out;
}

/** section is a titled region of a page. */
export function section(title, ...children) {
  const id = uid('s');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), children);
}

/** confirmButton asks once more inline before running fn (no modal). */
export function confirmButton(label, question, fn, slot, name) {
  const wrap = h('span', { class: 'confirm' });
  const start = button(label, () => {
    const yes = button(`Yes, ${label.toLowerCase()}`, () => act(yes, slot, fn), { class: 'danger' });
    const no = button('Cancel', () => { replace(wrap, start); start.focus(); });
    replace(wrap, h('span', { class: 'question' }, question), ' ', yes, ' ', no);
    yes.focus();
  }, { class: 'danger', 'aria-label': name || label });
  wrap.append(start);
  return wrap;
}
