// asset.js: one asset: preview, details, replace the file (with progress),
// publish and unpublish, versions, delete.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, say, link, when, checkbox, confirmButton, generalError, values, table } from '../lib/dom.js';
import { navigate } from '../lib/router.js';
import { isImage, size, uploadOne } from './assets.js';

export default async function assetPage({ main, stack, params }) {
  const key = stack.api_key;
  const path = `/v3/assets/${params.uid}`;
  const [data, versions, envs, locales] = await Promise.all([api('GET', path, { key, query: { include_publish_details: true } }),
    api('GET', `${path}/versions`, { key }).then((d) => d.versions || []), listAll('/v3/environments', key, 'environments'),
    listAll('/v3/locales', key, 'locales')]);
  const a = data.asset;
  const folderLink = `/console/stacks/${key}/assets${a.parent_uid ? `?folder=${a.parent_uid}` : ''}`;
  const reload = () => navigate(location.pathname, { replace: true });
  replace(main, heading(a.title || a.filename), h('p', {}, link(folderLink, 'Back to the folder')),
    isImage(a) ? h('img', { src: a.url, alt: `Preview of ${a.title}`, class: 'preview' }) : null,
    h('dl', {}, h('dt', {}, 'File'), h('dd', {}, `${a.filename} (${a.content_type}, ${size(a.file_size)})`),
      h('dt', {}, 'Version'), h('dd', {}, String(a._version)), h('dt', {}, 'URL'), h('dd', {}, h('a', { href: a.url, target: '_blank', rel: 'noopener' }, 'Open the file'))),
    section('Details', details(key, path, a, reload)),
    section('Replace the file', replaceFile(key, path, reload)),
    section('Publishing', publishing(key, path, a, envs, locales, reload)),
    section('Versions', table('Versions, newest first', [['Version', (v) => String(v._version)], ['Saved', (v) => when(v.updated_at || v.created_at)],
      ['By', (v) => v.updated_by || v.created_by || '']], versions)),
    section('Delete', deleteAsset(key, path, a, folderLink)));
}

function details(key, path, a, reload) {
  const title = input({ name: 'title', value: a.title || '' });
  const description = input({ name: 'description', value: a.description || '' });
  const tags = input({ name: 'tags', value: (a.tags || []).join(', ') });
  return form('Asset details', [field('Asset title', title, { name: 'title' }), field('Description', description), field('Tags', tags, { hint: 'Separated by commas.' })], async () => {
    await api('PUT', path, { key, body: { asset: { title: title.value, description: description.value, tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean) } } });
    say('Asset saved.');
    reload();
  }, 'Save details');
}

function replaceFile(key, path, reload) {
  const file = h('input', { type: 'file', name: 'asset[upload]' });
  const progress = h('div', { 'aria-live': 'polite' });
  return form('Replace the file', [field('New file', file, { name: 'asset[upload]' }), progress], async () => {
    if (!file.files.length) throw Object.assign(new Error('Choose a file.'), { errors: { 'asset[upload]': ['Choose a file.'] } });
    replace(progress);
    if (await uploadOne(key, '', file.files[0], progress, () => {}, 'PUT', path)) { say('File replaced: a new version.'); reload(); }
  }, 'Replace');
}

function publishing(key, path, a, envs, locales, reload) {
  const envName = Object.fromEntries(envs.map((e) => [e.uid, e.name]));
  const status = (a.publish_details || []).map((p) => h('li', {}, `${envName[p.environment] || p.environment} (${p.locale}): version ${p.version}, ${when(p.time)}`));
  let action = 'publish';
  const f = form('Publish asset', [h('fieldset', {}, h('legend', {}, 'Environments'), envs.map((e) => checkbox(e.name, { name: `env.${e.name}` })),
    h('p', { class: 'field-error', 'data-error-for': 'environments', hidden: true })),
  h('fieldset', {}, h('legend', {}, 'Locales'), locales.map((l) => checkbox(l.code, { name: `loc.${l.code}` })))], async (fm) => {
    const v = values(fm);
    const body = { asset: { environments: envs.filter((e) => v[`env.${e.name}`]).map((e) => e.name), locales: locales.filter((l) => v[`loc.${l.code}`]).map((l) => l.code) } };
    if (action === 'publish') body.version = a._version;
    const data = await api('POST', `${path}/${action}`, { key, body });
    say(data.notice);
    reload();
  }, 'Publish');
  f.querySelector('button[type="submit"]').addEventListener('click', () => { action = 'publish'; });
  f.querySelector('.actions').append(h('button', { type: 'submit', onclick: () => { action = 'unpublish'; } }, 'Unpublish'));
  return h('div', {}, status.length ? h('ul', { 'aria-label': 'Published in' }, status) : h('p', {}, 'Not published.'), f);
}

function deleteAsset(key, path, a, back) {
  const err = generalError();
  return h('div', {}, err, confirmButton('Delete asset', `Delete ${a.title} and all its versions?`, async () => {
    await api('DELETE', path, { key });
    say('Asset deleted.');
    navigate(back);
  }, err));
}
