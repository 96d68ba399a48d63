// entry.js: create or edit an entry with editors generated from its
// content type's schema; switch locale and localize; publish and unpublish
// (now or scheduled); the workflow stage, stage moves and publish requests.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, say, link, when, checkbox, confirmButton, generalError, select, values } from '../lib/dom.js';
import { entryForm } from '../lib/fields.js';
import { navigate } from '../lib/router.js';
import { workflowSection } from './entry_workflow.js';

export default async function entryPage({ main, stack, params, query }) {
  const key = stack.api_key;
  const ct = params.ct;
  const ctPath = `/v3/content_types/${encodeURIComponent(ct)}`;
  const locale = query.locale || stack.master_locale;
  const [ctData, gfs, locales, envs] = await Promise.all([
    api('GET', ctPath, { key, query: { include_global_field_schema: true } }),
    listAll('/v3/global_fields', key, 'global_fields'), listAll('/v3/locales', key, 'locales'), listAll('/v3/environments', key, 'environments')]);
  const type = ctData.content_type;
  const entry = params.uid ? (await api('GET', `${ctPath}/entries/${params.uid}`, { key, query: {
    locale, include_fallback: true, include_publish_details: true, include_workflow: true } })).entry : {};
  const ctx = { key, globalFields: Object.fromEntries(gfs.map((g) => [g.uid, g.schema])), stack, ct, type, entry, locale, locales, envs };
  const base = `/console/stacks/${key}/entries/${encodeURIComponent(ct)}`;
  const parts = [heading(params.uid ? entry.title || entry.uid : `New ${type.title} entry`),
    h('p', {}, link(base, `All ${type.title} entries`)), localeSwitch(ctx, base)];
  if (params.uid && entry.locale !== locale) {
    parts.push(h('p', { class: 'notice', role: 'status' }, `This entry is not localized in ${locale}: the form shows its ${entry.locale} content. Saving localizes it in ${locale}.`));
  }
  parts.push(editSection(ctx, base));
  if (params.uid) {
    parts.push(publishSection(ctx), await workflowSection(ctx),
      section('Versions', h('p', {}, `Version ${entry._version} in ${entry.locale}. `,
        link(`${base}/${entry.uid}/versions?locale=${encodeURIComponent(locale)}`, 'Compare versions'))),
      deleteSection(ctx, base));
  }
  replace(main, ...parts);
}

function localeSwitch(ctx, base) {
  const sel = select({ name: 'locale', value: ctx.locale, 'aria-label': 'Locale' }, ctx.locales.map((l) => [l.code, `${l.name} (${l.code})`]));
  sel.addEventListener('change', () => {
    navigate(ctx.entry.uid ? `${base}/${ctx.entry.uid}?locale=${encodeURIComponent(sel.value)}` : `${base}/new?locale=${encodeURIComponent(sel.value)}`);
  });
  return h('div', { class: 'toolbar' }, h('label', { for: sel.id || (sel.id = 'locale-switch') }, 'Locale'), sel);
}

function editSection(ctx, base) {
  const { entry, type, key, locale } = ctx;
  const fields = entryForm(type.schema || [], entry, ctx);
  const tags = input({ name: 'tags', value: (entry.tags || []).join(', ') });
  const localizing = entry.uid && entry.locale !== locale;
  const f = form('Entry', [fields.el, field('Tags', tags, { hint: 'Separated by commas.' })], async () => {
    const body = { ...fields.read(), tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean) };
    const path = `/v3/content_types/${encodeURIComponent(type.uid)}/entries`;
    if (!entry.uid) {
      const data = await api('POST', path, { key, query: { locale }, body: { entry: body } });
      say(data.notice || 'Entry created.');
      navigate(`${base}/${data.entry.uid}?locale=${encodeURIComponent(locale)}`, { replace: true });
      return;
    }
    const data = await api('PUT', `${path}/${entry.uid}`, { key, query: { locale }, body: { entry: body } });
    say(data.notice || 'Entry saved.');
    navigate(`${base}/${entry.uid}?locale=${encodeURIComponent(locale)}`, { replace: true });
  }, !entry.uid ? 'Create entry' : localizing ? `Localize in ${locale}` : 'Save entry');
  return section(entry.uid ? 'Content' : 'New entry', f);
}

function publishSection(ctx) {
  const { entry, envs, locales, key, type, locale } = ctx;
  const envName = Object.fromEntries(envs.map((e) => [e.uid, e.name]));
  const status = (entry.publish_details || []).map((p) => h('li', {},
    `${envName[p.environment] || p.environment} (${p.locale}): version ${p.version}, ${when(p.time)}`));
  const envBoxes = h('fieldset', {}, h('legend', {}, 'Environments'),
    envs.length ? envs.map((e) => checkbox(e.name, { name: `env.${e.name}` })) : h('p', { class: 'hint' }, 'Create an environment under Environments first.'),
    h('p', { class: 'field-error', 'data-error-for': 'environments', hidden: true }));
  const locBoxes = h('fieldset', {}, h('legend', {}, 'Locales'),
    locales.map((l) => checkbox(l.code, { name: `loc.${l.code}`, checked: l.code === locale })),
    h('p', { class: 'field-error', 'data-error-for': 'locales', hidden: true }));
  const at = input({ name: 'scheduled_at', type: 'datetime-local' });
  let action = 'publish';
  const f = form('Publish', [envBoxes, locBoxes, field('Schedule for (optional)', at, { name: 'scheduled_at', hint: 'Empty: now. In your local time.' })], async (fm) => {
    const v = values(fm);
    const body = { entry: { environments: envs.filter((e) => v[`env.${e.name}`]).map((e) => e.name),
      locales: locales.filter((l) => v[`loc.${l.code}`]).map((l) => l.code) }, locale };
    if (action === 'publish') body.version = entry._version;
    if (at.value) body.scheduled_at = new Date(at.value).toISOString();
    const data = await api('POST', `/v3/content_types/${encodeURIComponent(type.uid)}/entries/${entry.uid}/${action}`, { key, body });
    say(at.value ? `${data.notice} Scheduled for ${when(body.scheduled_at)}.` : data.notice);
    navigate(location.pathname + location.search, { replace: true });
  }, 'Publish');
  const unpublish = h('button', { type: 'submit', onclick: () => { action = 'unpublish'; } }, 'Unpublish');
  f.querySelector('button[type="submit"]').addEventListener('click', () => { action = 'publish'; });
  f.querySelector('.actions').append(unpublish);
  return section('Publishing', status.length ? h('ul', { 'aria-label': 'Published in' }, status) : h('p', {}, 'Not published in this locale.'), f);
}

function deleteSection(ctx, base) {
  const { entry, key, type, locale, stack } = ctx;
  const err = generalError();
  const what = locale === stack.master_locale ? 'in every locale' : `in ${locale} only`;
  return section('Delete', err, confirmButton('Delete entry', `Delete ${entry.title || entry.uid} ${what}?`, async () => {
    await api('DELETE', `/v3/content_types/${encodeURIComponent(type.uid)}/entries/${entry.uid}`, { key, query: { locale } });
    say('Entry deleted.');
    navigate(base);
  }, err));
}
