// queue.js: the publish queue (the last 30 days, newest first): single and
// bulk actions with their status, cancel a scheduled one, and a bulk job's
// outcome item by item, refreshed while it runs.

import { api, listAll } from '../lib/api.js';
import { h, replace, heading, section, table, when, say, button, act, generalError, link, field, input, form } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

const pageSize = 25;

export default async function queue({ main, stack, query, isCurrent }) {
  const key = stack.api_key;
  const skip = Math.max(0, Number(query.skip) || 0);
  const [data, envs] = await Promise.all([api('GET', '/v3/publish-queue', { key, query: { skip, limit: pageSize, include_count: true } }),
    listAll('/v3/environments', key, 'environments')]);
  const envName = Object.fromEntries(envs.map((e) => [e.uid, e.name]));
  const err = generalError();
  const items = data.queue || [];
  const jobArea = h('div', { 'aria-live': 'polite' });
  const jobId = input({ name: 'job_id', value: query.job || '' });
  replace(main, heading('Publish queue'), section('Recent actions', err, table('Publish queue, newest first', [
    ['When', (q) => when(q.created_at)],
    ['Action', (q) => `${q.action}${q.type === 'bulk' ? ' (bulk)' : ''}`],
    ['Item', (q) => describe(q, key)],
    ['Environments', (q) => (q.environment || []).map((e) => envName[e] || e).join(', ')],
    ['Locales', (q) => (q.locale || []).join(', ')],
    ['Status', (q) => (q.publish_details || {}).status || ''],
    ['Scheduled for', (q) => (q.scheduled_at ? when(q.scheduled_at) : '—')],
    ['', (q) => actions(q, key, err)],
  ], items, 'Nothing was published in the last 30 days.'),
  h('nav', { class: 'pager', 'aria-label': 'Pages of the queue' },
    skip > 0 ? link(`${location.pathname}?skip=${Math.max(0, skip - pageSize)}`, 'Newer actions') : null,
    skip + items.length < (data.count || 0) ? link(`${location.pathname}?skip=${skip + pageSize}`, 'Older actions') : null)),
  section('Bulk job', form('Show a bulk job', [field('Bulk job ID', jobId, { name: 'job_id' })], async () => {
    navigate(`${location.pathname}?job=${encodeURIComponent(jobId.value.trim())}`);
  }, 'Show job'), jobArea));
  if (query.job) await watchJob(jobArea, key, query.job, isCurrent);
}

function describe(q, key) {
  if (q.type === 'bulk') return link(`${location.pathname}?job=${q.bulkJobId}`, `Bulk job ${q.bulkJobId}`);
  if (q.entry) return link(`/console/stacks/${key}/entries/${(q.content_type || {}).uid}/${q.entry.uid}?locale=${q.entry.locale || ''}`, q.entry.title || q.entry.uid);
  if (q.asset) return link(`/console/stacks/${key}/assets/${q.asset.uid}`, q.asset.title || q.asset.uid);
  return q.uid;
}

function actions(q, key, err) {
  if ((q.publish_details || {}).status !== 'scheduled') return '';
  const b = button('Cancel', () => act(b, err, async () => {
    const data = await api('GET', `/v3/publish-queue/${q.uid}/unschedule`, { key });
    say(data.notice);
    navigate(location.pathname + location.search, { replace: true });
  }), { 'aria-label': `Cancel the scheduled ${q.action}` });
  return b;
}

/** watchJob shows a bulk job's outcome, polling while it is not done. */
export async function watchJob(into, key, id, isCurrent = () => true) {
  for (let i = 0; i < 120 && isCurrent(); i += 1) {
    let job;
    try {
      job = (await api('GET', `/v3/bulk/jobs/${encodeURIComponent(id)}`, { key })).job;
    } catch (e) {
      replace(into, h('p', { class: 'form-error', role: 'alert' }, e.message));
      return;
    }
    const s = job.summary || {};
    const running = ['queued', 'in_progress'].includes(job.status);
    const done = running ? (s.success || 0) + (s.failed || 0) : s.total || 1;
    replace(into, h('p', {}, `Job ${job.job_id}: ${job.action}, ${job.status}.`),
      h('progress', { max: s.total || 1, value: done, 'aria-label': 'Bulk job progress' }),
      h('p', {}, `${s.success || 0} succeeded, ${s.failed || 0} failed of ${s.total || 0}.`),
      table('Items of the job', [['Item', (it) => `${it.type || ''} ${it.title || it.uid || ''}`], ['Locale', (it) => it.locale || ''],
        ['Outcome', (it) => it.status || ''], ['Message', (it) => it.error || '']], job.items || []));
    if (!running) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
