// fields.js: the entry editor generated from a schema. Each data type has
// an editor that shows a value and reads it back; each editor has an error
// slot named by the value's path (title, author.name, sections.0.hero.heading,
// related.0) where the API's validation errors appear.

import { api } from './api.js';
import { h, replace, field, input, button, errorSlot, uid } from './dom.js';

/**
 * entryForm builds editors for every field of schema from the values in
 * entry; ctx = {key, globalFields (uid → schema)}. It returns {el, read()}.
 */
export function entryForm(schema, entry, ctx) {
  const eds = schema.map((f) => editor(f, entry[f.uid], f.uid, ctx));
  return {
    el: h('div', { class: 'entry-fields' }, eds.map((e) => e.el)),
    read() {
      const out = {};
      schema.forEach((f, i) => { out[f.uid] = eds[i].read(); });
      return out;
    },
  };
}

function editor(f, value, path, ctx) {
  if (f.data_type === 'blocks') return blocksEditor(f, value, path, ctx);
  if (f.multiple) return listEditor(f, value, path, ctx);
  return single(f, value, path, ctx, f.display_name || f.uid);
}

function single(f, value, path, ctx, label) {
  switch (f.data_type) {
    case 'number': return numberEditor(value, path, label);
    case 'isodate': return dateEditor(value, path, label);
    case 'boolean': return boolEditor(value, path, label);
    case 'link': return linkEditor(value, path, label);
    case 'json': return jsonEditor(value, path, label);
    case 'file': return fileEditor(value, path, label, ctx);
    case 'reference': return referenceEditor(f, value, path, label, ctx);
    case 'group': return groupEditor(f.schema || [], value, path, label, ctx);
    case 'global_field': return groupEditor(globalSchema(f, ctx), value, path, label, ctx);
    default: return textEditor(f, value, path, label);
  }
}

function globalSchema(f, ctx) {
  return f.schema || ctx.globalFields[[].concat(f.reference_to)[0]] || [];
}

function textEditor(f, value, path, label) {
  const m = f.field_metadata || {};
  const long = m.multiline || m.markdown || m.allow_rich_text;
  const el = long ? h('textarea', { name: path, rows: 5 }) : input({ name: path });
  el.value = value == null ? '' : String(value);
  const hint = m.allow_rich_text ? 'HTML' : m.markdown ? 'Markdown' : '';
  return { el: field(label, el, { name: path, hint }), read: () => el.value };
}

function numberEditor(value, path, label) {
  const el = input({ name: path, type: 'number', step: 'any', value: value == null ? '' : String(value) });
  return { el: field(label, el, { name: path }), read: () => (el.value === '' ? null : Number(el.value)) };
}

function dateEditor(value, path, label) {
  const day = typeof value === 'string' ? value.slice(0, 10) : '';
  const el = input({ name: path, type: 'date', value: day });
  // A time of day the date control cannot show is kept while the day is unchanged.
  return { el: field(label, el, { name: path }), read: () => (el.value === day ? value ?? null : el.value || null) };
}

function boolEditor(value, path, label) {
  const id = uid('cb');
  const box = h('input', { type: 'checkbox', id, name: path, checked: value === true });
  return { el: h('div', { class: 'check' }, box, h('label', { for: id }, label), errorSlot(path)), read: () => box.checked };
}

function linkEditor(value, path, label) {
  const v = value || {};
  const title = input({ name: `${path}.title`, value: v.title || '' });
  const href = input({ name: `${path}.href`, type: 'url', value: v.href || '' });
  return {
    el: h('fieldset', {}, h('legend', {}, label), field('Link title', title, { name: `${path}.title` }),
      field('Link URL', href, { name: `${path}.href` }), errorSlot(path)),
    read: () => (title.value || href.value ? { title: title.value, href: href.value } : null),
  };
}

function jsonEditor(value, path, label) {
  const el = h('textarea', { name: path, rows: 5, spellcheck: 'false' });
  el.value = value == null ? '' : JSON.stringify(value, null, 2);
  return {
    el: field(label, el, { name: path, hint: 'Any JSON value.' }),
    read() {
      if (!el.value.trim()) return null;
      try { return JSON.parse(el.value); } catch { throw Object.assign(new Error(`${label} is not valid JSON.`), { errors: { [path]: ['is not valid JSON.'] } }); }
    },
  };
}

function groupEditor(schema, value, path, label, ctx) {
  const v = value && typeof value === 'object' ? value : {};
  const eds = schema.map((f) => editor(f, v[f.uid], `${path}.${f.uid}`, ctx));
  return {
    el: h('fieldset', { class: 'group' }, h('legend', {}, label), eds.map((e) => e.el), errorSlot(path)),
    read() {
      const out = {};
      schema.forEach((f, i) => { out[f.uid] = eds[i].read(); });
      return out;
    },
  };
}

/** listEditor edits a multiple field: one editor per value, add and remove. */
function listEditor(f, value, path, ctx) {
  const label = f.display_name || f.uid;
  const items = [];
  const list = h('div', {});
  const add = (v) => {
    const i = items.length;
    const ed = single({ ...f, multiple: false }, v, `${path}.${i}`, ctx, `${label} ${i + 1}`);
    const row = h('div', { class: 'block' }, ed.el,
      button('Remove', () => { const k = items.indexOf(entry); items.splice(k, 1); row.remove(); }, { 'aria-label': `Remove ${label} ${i + 1}` }));
    const entry = { ed, row };
    items.push(entry);
    list.append(row);
  };
  (Array.isArray(value) ? value : []).forEach(add);
  return {
    el: h('fieldset', {}, h('legend', {}, label), list, errorSlot(path),
      button(`Add ${label}`, () => add(undefined))),
    read: () => items.map((x) => x.ed.read()).filter((v) => v !== null && v !== ''),
  };
}

function blocksEditor(f, value, path, ctx) {
  const label = f.display_name || f.uid;
  const items = [];
  const list = h('div', {});
  const render = () => {
    replace(list, items.map((it, i) => {
      const b = f.blocks.find((x) => x.uid === it.type) || { title: it.type, schema: [] };
      const schema = b.schema || ctx.globalFields[b.reference_to] || [];
      it.ed = groupEditor(schema, it.value, `${path}.${i}.${it.type}`, `${b.title || b.uid} (${label} ${i + 1})`, ctx);
      return h('div', { class: 'block' }, it.ed.el, h('div', { class: 'row-actions' },
        button('Move up', () => { keep(); [items[i - 1], items[i]] = [items[i], items[i - 1]]; render(); }, { disabled: i === 0, 'aria-label': `Move ${label} ${i + 1} up` }),
        button('Remove', () => { keep(); items.splice(i, 1); render(); }, { 'aria-label': `Remove ${label} ${i + 1}` })));
    }));
  };
  const keep = () => items.forEach((it) => { it.value = it.ed.read(); });
  for (const item of Array.isArray(value) ? value : []) {
    const type = Object.keys(item).find((k) => k !== '_metadata');
    if (type) items.push({ type, value: item[type] });
  }
  render();
  return {
    el: h('fieldset', {}, h('legend', {}, label), list, errorSlot(path), h('div', { class: 'row-actions' },
      (f.blocks || []).map((b) => button(`Add ${b.title || b.uid} block`, () => { keep(); items.push({ type: b.uid, value: {} }); render(); })))),
    read: () => items.map((it) => ({ [it.type]: it.ed.read() })),
  };
}

function fileEditor(value, path, label, ctx) {
  let current = value && typeof value === 'object' ? value : value ? { uid: value } : null;
  const shown = h('div', {});
  const picker = h('div', {});
  const show = () => replace(shown, current ? assetSummary(current) : h('p', { class: 'empty' }, 'No file chosen.'),
    current ? button('Clear', () => { current = null; show(); }, { 'aria-label': `Clear ${label}` }) : null);
  show();
  const open = button(`Choose asset for ${label}`, () => assetPicker(picker, ctx.key, (a) => { current = a; replace(picker); show(); open.focus(); }));
  return { el: h('fieldset', {}, h('legend', {}, label), shown, open, picker, errorSlot(path)), read: () => (current ? current.uid : null) };
}

function assetSummary(a) {
  const img = a.content_type && a.content_type.startsWith('image/') && a.url;
  return h('div', { class: 'upload-row' }, img ? h('img', { src: a.url, alt: '', width: 48, height: 48 }) : null,
    h('span', {}, a.title || a.filename || a.uid), ' ', h('code', {}, a.uid));
}

/** assetPicker lists assets (search by title) with a choose button each. */
export function assetPicker(into, key, onPick) {
  const q = input({ name: 'asset_search', type: 'search' });
  const results = h('div', { role: 'region', 'aria-label': 'Assets found', 'aria-live': 'polite' });
  const search = async () => {
    const query = q.value ? { title: { $regex: escapeRe(q.value), $options: 'i' } } : undefined;
    try {
      const data = await api('GET', '/v3/assets', { key, query: { query, limit: 20 } });
      replace(results, (data.assets || []).length ? h('ul', {}, data.assets.map((a) => h('li', {}, assetSummary(a),
        button(`Choose ${a.title || a.filename}`, () => onPick(a))))) : h('p', { class: 'empty' }, 'No assets match.'));
    } catch (err) { replace(results, h('p', { class: 'form-error', role: 'alert' }, err.message)); }
  };
  q.addEventListener('input', debounce(search));
  replace(into, h('div', { class: 'builder' }, field('Search assets', q), results, button('Close', () => replace(into))));
  search();
  q.focus();
}

function referenceEditor(f, value, path, label, ctx) {
  const refs = (Array.isArray(value) ? value : value ? [value] : []).map((r) => (typeof r === 'string' ? { uid: r, _content_type_uid: [].concat(f.reference_to)[0] } : r));
  const list = h('ul', {});
  const picker = h('div', {});
  const show = () => replace(list, refs.map((r, i) => h('li', {}, `${r.title || r.uid} `, h('code', {}, r._content_type_uid), ' ',
    button('Remove', () => { refs.splice(i, 1); show(); }, { 'aria-label': `Remove reference ${r.title || r.uid}` }))));
  show();
  // Stored references carry no title: look the titles up once.
  Promise.all(refs.filter((r) => !r.title).slice(0, 20).map((r) => api('GET', `/v3/content_types/${encodeURIComponent(r._content_type_uid)}/entries/${r.uid}`,
    { key: ctx.key, query: { include_fallback: true } }).then((d) => { r.title = d.entry.title; }, () => {}))).then(show);
  const add = button(`Add reference to ${label}`, () => entryPicker(picker, ctx.key, [].concat(f.reference_to || []), (e, ct) => {
    refs.push({ uid: e.uid, _content_type_uid: ct, title: e.title });
    replace(picker); show(); add.focus();
  }));
  return {
    el: h('fieldset', {}, h('legend', {}, label), list, add, picker, errorSlot(path)),
    read: () => refs.map((r) => ({ uid: r.uid, _content_type_uid: r._content_type_uid })),
  };
}

/** entryPicker searches entries of the given content types by title. */
export function entryPicker(into, key, contentTypes, onPick) {
  const ct = h('select', { name: 'ref_content_type' }, contentTypes.map((c) => h('option', { value: c }, c)));
  const q = input({ name: 'entry_search', type: 'search' });
  const results = h('div', { role: 'region', 'aria-label': 'Entries found', 'aria-live': 'polite' });
  const search = async () => {
    const query = q.value ? { title: { $regex: escapeRe(q.value), $options: 'i' } } : undefined;
    try {
      const data = await api('GET', `/v3/content_types/${encodeURIComponent(ct.value)}/entries`, { key, query: { query, limit: 20 } });
      replace(results, (data.entries || []).length ? h('ul', {}, data.entries.map((e) => h('li', {}, `${e.title || e.uid} `,
        button(`Choose ${e.title || e.uid}`, () => onPick(e, ct.value))))) : h('p', { class: 'empty' }, 'No entries match.'));
    } catch (err) { replace(results, h('p', { class: 'form-error', role: 'alert' }, err.message)); }
  };
  q.addEventListener('input', debounce(search));
  ct.addEventListener('change', search);
  replace(into, h('div', { class: 'builder' }, field('Content type', ct), field('Search entries', q), results, button('Close', () => replace(into))));
  search();
  q.focus();
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

function debounce(fn, ms = 250) {
  let t;
  return () => { clearTimeout(t); t = setTimeout(fn, ms); };
}
