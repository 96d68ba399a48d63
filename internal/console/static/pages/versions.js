// versions.js: an entry's versions in one locale, names for them, and a
// side-by-side comparison of two versions, field by field.

import { api, listAll } from '../lib/api.js';
import { h, replace, heading, section, table, when, link, select, form, field, input, say } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export default async function versions({ main, stack, params, query }) {
  const key = stack.api_key;
  const locale = query.locale || stack.master_locale;
  const entryPath = `/v3/content_types/${encodeURIComponent(params.ct)}/entries/${params.uid}`;
  const [ctData, list] = await Promise.all([api('GET', `/v3/content_types/${encodeURIComponent(params.ct)}`, { key }),
    listAll(`${entryPath}/versions`, key, 'versions', { locale })]);
  const page = `/console/stacks/${key}/entries/${encodeURIComponent(params.ct)}/${params.uid}`;
  const nums = list.map((v) => v._version);
  const right = Number(query.b) || nums[0];
  const left = Number(query.a) || nums[1] || nums[0];
  const out = h('div', {});
  replace(main, heading('Versions'), h('p', {}, link(`${page}?locale=${encodeURIComponent(locale)}`, 'Back to the entry')),
    section(`Versions in ${locale}`, table('Versions, newest first', [
      ['Version', (v) => String(v._version)],
      ['Name', (v) => (v._version_name ? v._version_name.title : '')],
      ['Saved', (v) => when(v.updated_at)],
      ['By', (v) => v.updated_by || ''],
    ], list)),
    section('Compare two versions', pickForm(nums, left, right, locale), out),
    section('Name a version', nameForm(key, entryPath, nums, locale)));
  if (nums.length) await compare(out, key, entryPath, ctData.content_type, left, right, locale);
}

function pickForm(nums, left, right, locale) {
  const opts = nums.map((n) => [String(n), `Version ${n}`]);
  const a = select({ name: 'a', value: String(left) }, opts);
  const b = select({ name: 'b', value: String(right) }, opts);
  return form('Choose versions', [h('div', { class: 'toolbar' }, field('Left version', a), field('Right version', b))], async () => {
    navigate(`${location.pathname}?${new URLSearchParams({ locale, a: a.value, b: b.value })}`);
  }, 'Compare');
}

async function compare(out, key, entryPath, type, a, b, locale) {
  const [ea, eb] = await Promise.all([a, b].map((v) => api('GET', entryPath, { key, query: { locale, version: v } }).then((d) => d.entry)));
  const fields = [...(type.schema || []).map((f) => [f.uid, f.display_name || f.uid]), ['tags', 'Tags']];
  const show = (v) => h('pre', {}, v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));
  const changed = fields.filter(([k]) => JSON.stringify(ea[k]) !== JSON.stringify(eb[k])).length;
  replace(out, h('p', { role: 'status' }, changed ? `${changed} field(s) differ between version ${a} and version ${b}.` : `Versions ${a} and ${b} hold the same content.`),
    h('table', { class: 'compare-table' }, h('caption', {}, `Version ${a} and version ${b}, side by side`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, `Version ${a}`), h('th', { scope: 'col' }, `Version ${b}`))),
      h('tbody', {}, fields.map(([k, label]) => {
        const diff = JSON.stringify(ea[k]) !== JSON.stringify(eb[k]);
        return h('tr', { class: diff ? 'diff' : '' }, h('th', { scope: 'row' }, label, diff ? h('span', { class: 'pill' }, ' changed') : null),
          h('td', {}, show(ea[k])), h('td', {}, show(eb[k])));
      }))));
}

function nameForm(key, entryPath, nums, locale) {
  const v = select({ name: 'version' }, nums.map((n) => [String(n), `Version ${n}`]));
  const name = input({ name: '_version_name' });
  return form('Name a version', [h('div', { class: 'toolbar' }, field('Version', v), field('Version name', name))], async () => {
    const data = await api('POST', `${entryPath}/versions/${v.value}/name`, { key, body: { entry: { _version_name: name.value, locale } } });
    say(data.notice || 'Version named.');
    navigate(location.pathname + location.search, { replace: true });
  }, 'Name version');
}
