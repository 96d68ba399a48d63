// schema_editor.js: create or edit a content type or a global field: its
// title, uid, options and its schema with the field builder.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, say, checkbox, confirmButton, generalError } from '../lib/dom.js';
import { schemaBuilder, toUID } from '../lib/schema_builder.js';
import { navigate } from '../lib/router.js';
import { kinds } from './content_types.js';

export default async function schemaEditor({ main, stack, route, params }) {
  const k = kinds[route.kind];
  const key = stack.api_key;
  const isNew = !params.uid;
  const [cts, gfs, current] = await Promise.all([
    listAll('/v3/content_types', key, 'content_types'), listAll('/v3/global_fields', key, 'global_fields'),
    isNew ? null : api('GET', `${k.path}/${encodeURIComponent(params.uid)}`, { key }).then((d) => d[k.one]),
  ]);
  const doc = current ? structuredClone(current) : { title: '', uid: '', schema: defaultSchema(route.kind) };
  const refs = { contentTypes: cts.map((c) => ({ uid: c.uid, title: c.title })), globalFields: gfs.map((g) => ({ uid: g.uid, title: g.title })) };
  const title = input({ name: 'title', value: doc.title, required: true });
  const cuid = input({ name: 'uid', value: doc.uid, disabled: !isNew });
  const description = input({ name: 'description', value: doc.description || '' });
  let touched = !isNew;
  title.addEventListener('input', () => { if (!touched) cuid.value = toUID(title.value); });
  cuid.addEventListener('input', () => { touched = true; });
  const opts = doc.options || (route.kind === 'content_type' ? (doc.options = { singleton: false, is_page: false, title: 'title' }) : null);
  const optionBoxes = opts ? [checkbox('Single entry (singleton)', { name: 'singleton', checked: !!opts.singleton }),
    checkbox('Pages with URLs', { name: 'is_page', checked: !!opts.is_page })] : [];
  const f = form(`${isNew ? 'New' : 'Edit'} ${k.noun}`, [
    h('div', { class: 'fieldrow' }, field('Title', title), field('UID', cuid, { hint: isNew ? 'Cannot change later.' : '' }), field('Description', description)),
    optionBoxes, section('Fields', schemaBuilder(doc.schema, refs))], async (form) => {
    const body = { title: title.value, description: description.value, schema: doc.schema };
    if (isNew) body.uid = cuid.value.trim();
    if (opts) body.options = { ...opts, singleton: form.elements.singleton.checked, is_page: form.elements.is_page.checked };
    const saved = isNew ? await api('POST', k.path, { key, body: { [k.one]: body } })
      : await api('PUT', `${k.path}/${encodeURIComponent(doc.uid)}`, { key, body: { [k.one]: body } });
    say(saved.notice || 'Saved.');
    navigate(`/console/stacks/${key}/${k.page}/${encodeURIComponent(saved[k.one].uid)}`, { replace: isNew });
  }, isNew ? `Create ${k.noun}` : 'Save changes');
  const parts = [heading(isNew ? `New ${k.noun}` : `${doc.title}`), f];
  if (!isNew) parts.push(section(`Delete this ${k.noun}`, dangerZone(k, key, doc)));
  replace(main, ...parts);
}

function defaultSchema(kind) {
  if (kind !== 'content_type') return [];
  return [{ display_name: 'Title', uid: 'title', data_type: 'text', mandatory: true, unique: true }];
}

function dangerZone(k, key, doc) {
  const err = generalError();
  const force = k.one === 'content_type' ? checkbox('Also delete its entries', { name: 'force' }) : null;
  return h('div', {}, err, force, confirmButton('Delete', `Delete ${doc.title}?`, async () => {
    const q = force && force.querySelector('input').checked ? { force: true } : {};
    await api('DELETE', `${k.path}/${encodeURIComponent(doc.uid)}`, { key, query: q });
    say(`${doc.title} deleted.`);
    navigate(`/console/stacks/${key}/${k.page}`);
  }, err, `Delete ${doc.title}`));
}
