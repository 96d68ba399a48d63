// audit.js: the stack's audit log (the last 30 days, newest first) with
// filters by module, action, actor and date, compiled by the API's query
// language. A management token's actions are shown as that token.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, when, link, select, showErrors } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

const modules = ['content_type', 'global_field', 'entry', 'asset', 'environment', 'locale', 'role', 'management_token', 'delivery_token',
  'label', 'extension', 'webhook', 'workflow', 'publishing_rule', 'stack', 'stack_settings'];
const actions = ['create', 'update', 'delete', 'publish', 'unpublish', 'rotate', 'share', 'unshare', 'localize', 'unlocalize'];
const pageSize = 25;

export default async function audit({ main, stack, query }) {
  const key = stack.api_key;
  const [people, tokens] = await Promise.all([api('GET', '/v3/stacks/users', { key }).then((d) => d.users || []).catch(() => []),
    listAll('/v3/stacks/management_tokens', key, 'tokens').catch(() => [])]);
  const email = Object.fromEntries(people.map((u) => [u.uid, u.email]));
  const mod = select({ name: 'module', value: query.module || '' }, [['', 'Any module'], ...modules]);
  const act = select({ name: 'event_type', value: query.event_type || '' }, [['', 'Any action'], ...actions]);
  const actor = select({ name: 'actor', value: query.actor || '' }, [['', 'Anyone'],
    ...people.map((u) => [`user:${u.uid}`, u.email]), ...tokens.map((t) => [`token:${t.uid}`, `Token: ${t.name}`])]);
  const from = input({ name: 'from', type: 'date', value: query.from || '' });
  const to = input({ name: 'to', type: 'date', value: query.to || '' });
  const results = h('div', {});
  const filters = form('Filter the audit log', [h('div', { class: 'toolbar' }, field('Module', mod), field('Action', act),
    field('Actor', actor), field('From', from), field('To', to)), h('p', { class: 'field-error', 'data-error-for': 'query', hidden: true })], async () => {
    const q = new URLSearchParams(Object.entries({ module: mod.value, event_type: act.value, actor: actor.value, from: from.value, to: to.value })
      .filter(([, v]) => v));
    navigate(`${location.pathname}?${q}`);
  }, 'Filter');
  replace(main, heading('Audit log'), filters, section('Events', results));
  const skip = Math.max(0, Number(query.skip) || 0);
  try {
    const data = await api('GET', '/v3/audit-logs', { key, query: { query: buildQuery(query), skip, limit: pageSize, include_count: true } });
    replace(results, logTable(data.logs || [], email), pager(query, skip, (data.logs || []).length, data.count || 0));
  } catch (err) { showErrors(filters, err); }
}

/** buildQuery turns the filters into a query of the API's language. */
function buildQuery(q) {
  const out = {};
  if (q.module) out.module = q.module;
  if (q.event_type) out.event_type = q.event_type;
  if (q.actor) {
    const [kind, uid] = q.actor.split(':');
    if (kind === 'token') out.token_uid = uid; else out.created_by = uid;
  }
  const range = {};
  if (q.from) range.$gte = new Date(`${q.from}T00:00:00`).toISOString();
  if (q.to) range.$lt = new Date(new Date(`${q.to}T00:00:00`).getTime() + 86400000).toISOString();
  if (Object.keys(range).length) out.created_at = range;
  return Object.keys(out).length ? out : undefined;
}

function actorOf(e, email) {
  if (e.management_token) return `Management token “${e.management_token.name}”`;
  return email[e.created_by] || e.created_by || '—';
}

function logTable(items, email) {
  return table('Audit log events, newest first', [
    ['When', (e) => when(e.created_at)],
    ['Module', (e) => e.module],
    ['Action', (e) => e.event_type],
    ['Item', (e) => (e.metadata && (e.metadata.title || e.metadata.uid)) || ''],
    ['Actor', (e) => actorOf(e, email)],
    ['Request', (e) => h('code', {}, e.request_id || '')],
  ], items, 'No events match.');
}

function pager(query, skip, shown, total) {
  const to = (s) => `${location.pathname}?${new URLSearchParams({ ...query, skip: String(s) })}`;
  return h('nav', { class: 'pager', 'aria-label': 'Pages of events' },
    skip > 0 ? link(to(Math.max(0, skip - pageSize)), 'Newer events') : null,
    h('span', {}, total ? `${skip + 1}–${skip + shown} of ${total}` : ''),
    skip + shown < total ? link(to(skip + pageSize), 'Older events') : null);
}
