// labels.js: labels that group content types, with an optional parent.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, confirmButton, generalError, select, checkbox } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export default async function labels({ main, stack }) {
  const key = stack.api_key;
  const [items, cts] = await Promise.all([listAll('/v3/labels', key, 'labels'), listAll('/v3/content_types', key, 'content_types')]);
  const nameOf = Object.fromEntries(items.map((l) => [l.uid, l.name]));
  const title = Object.fromEntries(cts.map((c) => [c.uid, c.title]));
  const err = generalError();
  const name = input({ name: 'name', required: true });
  const parent = select({ name: 'parent' }, [['', 'No parent'], ...items.map((l) => [l.uid, l.name])]);
  replace(main, heading('Labels'), section('Labels', err, table('Labels of this stack', [
    ['Name', (l) => l.name],
    ['Parent', (l) => (l.parent || []).map((p) => nameOf[p] || p).join(', ') || '—'],
    ['Content types', (l) => (l.content_types || []).map((c) => title[c] || c).join(', ') || '—'],
    ['Actions', (l) => confirmButton('Delete', `Delete the label ${l.name}?`, async () => {
      await api('DELETE', `/v3/labels/${l.uid}`, { key });
      say(`Label ${l.name} deleted.`);
      navigate(location.pathname, { replace: true });
    }, err, `Delete label ${l.name}`)],
  ], items, 'No labels yet.')),
  section('Create a label', form('Create a label', [field('Label name', name, { name: 'name' }), field('Parent label', parent, { name: 'parent' }),
    h('fieldset', {}, h('legend', {}, 'Content types'), cts.map((c) => checkbox(c.title, { name: `ct.${c.uid}` })),
      h('p', { class: 'field-error', 'data-error-for': 'content_types', hidden: true }))], async (f) => {
    const body = { name: name.value, parent: parent.value ? [parent.value] : [], content_types: cts.filter((c) => f.elements[`ct.${c.uid}`].checked).map((c) => c.uid) };
    const data = await api('POST', '/v3/labels', { key, body: { label: body } });
    say(data.notice || 'Label created.');
    navigate(location.pathname, { replace: true });
  }, 'Create label')));
}
