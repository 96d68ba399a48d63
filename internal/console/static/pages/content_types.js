// content_types.js: the list of content types or of global fields.

import { listAll } from '../lib/api.js';
import { h, replace, heading, link, table, when } from '../lib/dom.js';

export const kinds = {
  content_type: { path: '/v3/content_types', list: 'content_types', one: 'content_type', title: 'Content types', noun: 'content type', page: 'content-types' },
  global_field: { path: '/v3/global_fields', list: 'global_fields', one: 'global_field', title: 'Global fields', noun: 'global field', page: 'global-fields' },
};

export default async function contentTypes({ main, stack, route }) {
  const k = kinds[route.kind];
  const base = `/console/stacks/${stack.api_key}/${k.page}`;
  const items = await listAll(k.path, stack.api_key, k.list);
  const cols = [
    ['Title', (c) => link(`${base}/${encodeURIComponent(c.uid)}`, c.title)],
    ['UID', (c) => h('code', {}, c.uid)],
    ['Fields', (c) => String((c.schema || []).length)],
    ['Updated', (c) => when(c.updated_at)],
  ];
  if (route.kind === 'content_type') {
    cols.push(['Entries', (c) => link(`/console/stacks/${stack.api_key}/entries/${encodeURIComponent(c.uid)}`, `Entries of ${c.title}`)]);
  }
  replace(main, heading(k.title), h('p', {}, link(`${base}/new`, `New ${k.noun}`, { class: 'button' })),
    table(k.title, cols, items, `This stack has no ${k.noun}s yet.`));
}
