// entries_home.js: pick the content type whose entries to see.

import { listAll } from '../lib/api.js';
import { h, replace, heading, link, table } from '../lib/dom.js';

export default async function entriesHome({ main, stack }) {
  const key = stack.api_key;
  const cts = await listAll('/v3/content_types', key, 'content_types');
  replace(main, heading(`Entries of ${stack.name}`),
    table('Content types', [
      ['Content type', (c) => link(`/console/stacks/${key}/entries/${encodeURIComponent(c.uid)}`, c.title)],
      ['UID', (c) => h('code', {}, c.uid)],
      ['New entry', (c) => link(`/console/stacks/${key}/entries/${encodeURIComponent(c.uid)}/new`, `New ${c.title} entry`)],
    ], cts, 'No content types yet: create one under Content types first.'),
    h('p', {}, link(`/console/stacks/${key}/content-types/new`, 'New content type')));
}
