// entries.js: the entries of one content type, with search by title, a
// query filter (the API's query language), locale and paging.

import { api, listAll } from '../lib/api.js';
import { h, replace, heading, link, table, when, field, input, select, form, showErrors, checkbox, section, say } from '../lib/dom.js';
import { navigate } from '../lib/router.js';
import { watchJob } from './queue.js';

const pageSize = 20;

export default async function entries({ main, stack, params, query }) {
  const key = stack.api_key;
  const ct = params.ct;
  const base = `/console/stacks/${key}/entries/${encodeURIComponent(ct)}`;
  const skip = Math.max(0, Number(query.skip) || 0);
  const locale = query.locale || stack.master_locale;
  const [type, locales, envs] = await Promise.all([api('GET', `/v3/content_types/${encodeURIComponent(ct)}`, { key }),
    listAll('/v3/locales', key, 'locales'), listAll('/v3/environments', key, 'environments')]);
  const envName = Object.fromEntries(envs.map((e) => [e.uid, e.name]));
  const search = input({ name: 'search', type: 'search', value: query.search || '' });
  const filter = input({ name: 'query', value: query.query || '', placeholder: '{"author.name": "Ann"}' });
  const loc = select({ name: 'locale', value: locale }, locales.map((l) => [l.code, `${l.name} (${l.code})`]));
  const results = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  const controls = form('Find entries', [h('div', { class: 'toolbar' }, field('Search titles', search), field('Filter (query)', filter, { name: 'query' }),
    field('Locale', loc))], async () => {
    navigate(`${base}?${new URLSearchParams(clean({ search: search.value, query: filter.value, locale: loc.value }))}`);
  }, 'Search');
  replace(main, heading(`${type.content_type.title} entries`),
    h('p', {}, link(`${base}/new?locale=${encodeURIComponent(locale)}`, `New ${type.content_type.title} entry`)), controls, results);
  const conds = [];
  if (query.search) conds.push({ title: { $regex: query.search.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), $options: 'i' } });
  if (query.query) {
    try { conds.push(JSON.parse(query.query)); } catch { showErrors(controls, { message: 'The filter is not valid JSON.', errors: { query: ['is not valid JSON.'] } }); replace(results); return; }
  }
  try {
    const data = await api('GET', `/v3/content_types/${encodeURIComponent(ct)}/entries`, { key, query: {
      locale, skip, limit: pageSize, include_count: true, include_publish_details: true, include_workflow: true, include_fallback: true,
      query: conds.length ? (conds.length === 1 ? conds[0] : { $and: conds }) : undefined } });
    replace(results, list(data, base, locale, envName, skip, query), bulkForm(key, ct, locale, data.entries || [], envs));
  } catch (err) {
    showErrors(controls, err);
    replace(results);
  }
}

function clean(o) { return Object.fromEntries(Object.entries(o).filter(([, v]) => v)); }

// bulkForm publishes or unpublishes the entries ticked in the list with
// one bulk job, and shows the job's progress until it ends.
function bulkForm(key, ct, locale, items, envs) {
  if (!items.length || !envs.length) return null;
  const out = h('div', { 'aria-live': 'polite' });
  let action = 'publish';
  const f = form('Bulk publish', [h('fieldset', {}, h('legend', {}, 'Publish the ticked entries to'),
    envs.map((e) => checkbox(e.name, { name: `bulkenv.${e.name}` })), h('p', { class: 'field-error', 'data-error-for': 'environments', hidden: true })),
    h('p', { class: 'field-error', 'data-error-for': 'entries', hidden: true })], async (fm) => {
    const chosen = [...document.querySelectorAll('input[data-entry]:checked')].map((b) => ({ uid: b.dataset.entry, content_type: ct, locale }));
    if (!chosen.length) throw Object.assign(new Error('Tick at least one entry.'), { errors: { entries: ['Tick at least one entry in the list.'] } });
    const body = { entries: chosen, locales: [locale], environments: envs.filter((e) => fm.elements[`bulkenv.${e.name}`].checked).map((e) => e.name) };
    const data = await api('POST', `/v3/bulk/${action}`, { key, body });
    say(data.notice);
    await watchJob(out, key, data.job_id);
  }, 'Publish ticked entries');
  f.querySelector('button[type="submit"]').addEventListener('click', () => { action = 'publish'; });
  f.querySelector('.actions').append(h('button', { type: 'submit', onclick: () => { action = 'unpublish'; } }, 'Unpublish ticked entries'));
  return section('Bulk publishing', f, out);
}

function list(data, base, locale, envName, skip, query) {
  const items = data.entries || [];
  const total = data.count || 0;
  const to = (s) => `${base}?${new URLSearchParams(clean({ ...query, skip: s ? String(s) : '' }))}`;
  return h('div', {},
    table(`Entries (${total ? `${skip + 1}–${skip + items.length} of ${total}` : 'none'})`, [
      ['Select', (e) => h('input', { type: 'checkbox', 'data-entry': e.uid, 'aria-label': `Select ${e.title || e.uid}` })],
      ['Title', (e) => link(`${base}/${e.uid}?locale=${encodeURIComponent(locale)}`, e.title || e.uid)],
      ['Locale', (e) => (e.locale === locale ? e.locale : `${e.locale} (fallback)`)],
      ['Version', (e) => String(e._version)],
      ['Published in', (e) => (e.publish_details || []).map((p) => `${envName[p.environment] || p.environment} v${p.version}`).join(', ') || '—'],
      ['Stage', (e) => (e._workflow && e._workflow.stage ? e._workflow.stage.title : '—')],
      ['Updated', (e) => when(e.updated_at)],
    ], items, 'No entries match.'),
    h('nav', { class: 'pager', 'aria-label': 'Pages of entries' },
      skip > 0 ? link(to(Math.max(0, skip - pageSize)), 'Previous page') : null,
      skip + items.length < total ? link(to(skip + pageSize), 'Next page') : null));
}
