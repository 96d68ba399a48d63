// schema_builder.js: the field builder of content types and global fields.
// It edits a schema (the API's JSON, kept as is so keys the builder does
// not know survive) for every data type stackd supports, groups, modular
// blocks and references included. Each field card carries error slots
// named by the field's path ("schema.2.uid", "schema.3.blocks.0.schema.1.data_type")
// so the API's errors appear on the field they belong to.

import { h, replace, field, input, select, button, errorSlot, uid } from './dom.js';

/** fieldTypes: [value, label, data_type, field_metadata to set]. */
export const fieldTypes = [
  ['text', 'Single line text', 'text', {}],
  ['multiline', 'Multi line text', 'text', { multiline: true }],
  ['markdown', 'Markdown', 'text', { markdown: true }],
  ['rte', 'Rich text (HTML)', 'text', { allow_rich_text: true }],
  ['number', 'Number', 'number', {}],
  ['isodate', 'Date', 'isodate', {}],
  ['boolean', 'Boolean', 'boolean', {}],
  ['file', 'File', 'file', {}],
  ['link', 'Link', 'link', {}],
  ['reference', 'Reference', 'reference', {}],
  ['group', 'Group', 'group', {}],
  ['blocks', 'Modular blocks', 'blocks', {}],
  ['global_field', 'Global field', 'global_field', {}],
  ['json', 'JSON', 'json', {}],
];

/** kindOf names a field's builder type from its data_type and metadata. */
export function kindOf(f) {
  const m = f.field_metadata || {};
  if (f.data_type === 'text') {
    if (m.allow_rich_text) return 'rte';
    if (m.markdown) return 'markdown';
    if (m.multiline) return 'multiline';
  }
  return f.data_type || 'text';
}

function setKind(f, kind) {
  const [, , dataType, meta] = fieldTypes.find((t) => t[0] === kind);
  const m = { ...(f.field_metadata || {}) };
  delete m.multiline; delete m.markdown; delete m.allow_rich_text;
  Object.assign(m, meta);
  f.data_type = dataType;
  if (Object.keys(m).length) f.field_metadata = m; else delete f.field_metadata;
  if (dataType === 'group' && !f.schema) f.schema = [];
  if (dataType === 'blocks' && !f.blocks) f.blocks = [];
  if (dataType !== 'group' && dataType !== 'blocks' && dataType !== 'global_field') delete f.schema;
  if (dataType !== 'blocks') delete f.blocks;
  if (dataType !== 'reference' && dataType !== 'global_field') delete f.reference_to;
}

/** toUID turns a display name into a field uid suggestion. */
export function toUID(name) {
  let s = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[a-z]/.test(s)) s = `f_${s}`;
  return s.slice(0, 100);
}

/**
 * schemaBuilder edits fields (an array, changed in place). refs holds the
 * stack's content types and global fields for the reference pickers.
 */
export function schemaBuilder(fields, refs, path = 'schema', number = '', owner = '') {
  const box = h('div', { class: 'builder' });
  const render = (focusIndex, focusWhat) => {
    replace(box, errorSlot(path), fields.map((f, i) => fieldCard(fields, i, refs, `${path}.${i}`, number ? `${number}.${i + 1}` : `${i + 1}`, render)),
      button(owner ? `Add field to ${owner}` : 'Add field', () => {
        fields.push({ display_name: '', uid: '', data_type: 'text' });
        render(fields.length - 1, 'name');
      }));
    if (focusIndex !== undefined) {
      const card = box.children[focusIndex + 1];
      const target = card && (focusWhat === 'name' ? card.querySelector('input') : card.querySelector(`[data-act="${focusWhat}"]`));
      if (target) target.focus();
    }
  };
  render();
  return box;
}

function fieldCard(list, i, refs, path, number, rerender) {
  const f = list[i];
  const name = input({ name: `${path}.display_name`, value: f.display_name || '', required: true });
  const fuid = input({ name: `${path}.uid`, value: f.uid || '', pattern: '[a-z][a-z0-9_]*' });
  let uidTouched = !!f.uid;
  name.addEventListener('input', () => {
    f.display_name = name.value;
    if (!uidTouched) { f.uid = toUID(name.value); fuid.value = f.uid; }
  });
  fuid.addEventListener('input', () => { uidTouched = true; f.uid = fuid.value.trim(); });
  const type = select({ name: `${path}.data_type`, value: kindOf(f) }, fieldTypes.map((t) => [t[0], t[1]]));
  type.addEventListener('change', () => { setKind(f, type.value); rerender(); });
  const legend = `Field ${number}`;
  return h('fieldset', { class: 'fieldcard' }, h('legend', {}, legend),
    h('div', { class: 'fieldrow' }, field('Display name', name, { name: `${path}.display_name` }),
      field('UID', fuid, { name: `${path}.uid` }), field('Type', type, { name: `${path}.data_type` })),
    options(f, path), kindEditor(f, refs, path, number),
    errorSlot(path),
    h('div', { class: 'row-actions' },
      button('Move up', () => { [list[i - 1], list[i]] = [list[i], list[i - 1]]; rerender(i - 1, 'up'); },
        { disabled: i === 0, 'data-act': 'up', 'aria-label': `Move ${legend} up` }),
      button('Move down', () => { [list[i + 1], list[i]] = [list[i], list[i + 1]]; rerender(i + 1, 'down'); },
        { disabled: i === list.length - 1, 'data-act': 'down', 'aria-label': `Move ${legend} down` }),
      button('Remove', () => { list.splice(i, 1); rerender(); }, { class: 'danger', 'aria-label': `Remove ${legend}` })));
}

function flag(f, key, label) {
  const id = uid('cb');
  const box = h('input', { type: 'checkbox', id, checked: !!f[key], onchange: (e) => { if (e.target.checked) f[key] = true; else delete f[key]; } });
  return h('span', { class: 'check' }, box, h('label', { for: id }, label));
}

function options(f, path) {
  const row = h('div', { class: 'fieldrow' }, flag(f, 'mandatory', 'Mandatory'), flag(f, 'multiple', 'Multiple'),
    flag(f, 'unique', 'Unique'), flag(f, 'non_localizable', 'Non-localizable'));
  if (f.data_type === 'text') {
    const fmt = input({ name: `${path}.format`, value: f.format || '', placeholder: '^[a-z-]+$' });
    fmt.addEventListener('input', () => { if (fmt.value) f.format = fmt.value; else delete f.format; });
    row.append(field('Format (regular expression)', fmt, { name: `${path}.format` }));
  }
  return row;
}

function kindEditor(f, refs, path, number) {
  switch (f.data_type) {
    case 'reference': return refPicker(f, refs.contentTypes, path, 'Referenced content types', true);
    case 'global_field': return refPicker(f, refs.globalFields, path, 'Global field', false);
    case 'group':
      return h('div', {}, h('p', { class: 'hint' }, `Fields of the group “${f.display_name || 'this group'}”:`),
        schemaBuilder(f.schema || (f.schema = []), refs, `${path}.schema`, number, `field ${number}`));
    case 'blocks': return blocksEditor(f, refs, path, number);
    default: return null;
  }
}

function refPicker(f, items, path, label, many) {
  const chosen = [].concat(f.reference_to || []);
  if (many) {
    const boxes = h('fieldset', {}, h('legend', {}, label),
      items.length ? items.map((ct) => {
        const id = uid('cb');
        const box = h('input', { type: 'checkbox', id, checked: chosen.includes(ct.uid), onchange: () => {
          f.reference_to = [...boxes.querySelectorAll('input:checked')].map((b) => b.value);
        }, value: ct.uid });
        return h('span', { class: 'check' }, box, h('label', { for: id }, ct.title));
      }) : h('p', { class: 'hint' }, 'Save a content type first; a content type may reference itself once it exists.'),
      errorSlot(`${path}.reference_to`));
    return boxes;
  }
  const sel = select({ name: `${path}.reference_to`, value: chosen[0] || '' }, [['', '— choose —'], ...items.map((g) => [g.uid, g.title])]);
  sel.addEventListener('change', () => { f.reference_to = sel.value; });
  return field(label, sel, { name: `${path}.reference_to` });
}

function blocksEditor(f, refs, path, number) {
  const box = h('div', {});
  const render = () => {
    replace(box, h('p', { class: 'hint' }, 'Blocks an editor can add, in any order:'), errorSlot(`${path}.blocks`),
      f.blocks.map((b, j) => blockCard(f, j, refs, `${path}.blocks.${j}`, `${number}.${j + 1}`, render)),
      button(`Add block to field ${number}`, () => { f.blocks.push({ title: '', uid: '', schema: [] }); render(); }));
  };
  render();
  return box;
}

function blockCard(f, j, refs, path, number, rerender) {
  const b = f.blocks[j];
  const legend = `Block ${number}`;
  const title = input({ name: `${path}.title`, value: b.title || '' });
  const buid = input({ name: `${path}.uid`, value: b.uid || '' });
  let touched = !!b.uid;
  title.addEventListener('input', () => { b.title = title.value; if (!touched) { b.uid = toUID(title.value); buid.value = b.uid; } });
  buid.addEventListener('input', () => { touched = true; b.uid = buid.value.trim(); });
  const useGlobal = typeof b.reference_to === 'string' && b.reference_to !== '';
  const kind = select({ name: `${path}.kind`, value: useGlobal ? 'global' : 'fields' }, [['fields', 'Its own fields'], ['global', 'A global field']]);
  kind.addEventListener('change', () => {
    if (kind.value === 'global') { delete b.schema; b.reference_to = (refs.globalFields[0] || {}).uid || ''; } else { delete b.reference_to; b.schema = []; }
    rerender();
  });
  const body = useGlobal ? refPicker(b, refs.globalFields, path, 'Global field', false)
    : schemaBuilder(b.schema || (b.schema = []), refs, `${path}.schema`, number, legend);
  return h('fieldset', { class: 'block' }, h('legend', {}, legend),
    h('div', { class: 'fieldrow' }, field('Block title', title, { name: `${path}.title` }), field('Block UID', buid, { name: `${path}.uid` }),
      field('Block holds', kind)), body, errorSlot(path),
    button('Remove block', () => { f.blocks.splice(j, 1); rerender(); }, { class: 'danger', 'aria-label': `Remove ${legend}` }));
}
