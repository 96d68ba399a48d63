// assets.js: the asset library: folders, upload of one or many files with
// a progress bar each (XMLHttpRequest reports upload progress), image
// previews, and links to each asset's page (replace, publish, versions).

import { api, upload } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, say, link, confirmButton, generalError, button, act } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

const pageSize = 50;

export default async function assets({ main, stack, query }) {
  const key = stack.api_key;
  const folder = query.folder || 'cs_root';
  const skip = Math.max(0, Number(query.skip) || 0);
  const base = `/console/stacks/${key}/assets`;
  const [data, trail] = await Promise.all([
    api('GET', '/v3/assets', { key, query: { folder, include_folders: true, include_publish_details: true, include_count: true, skip, limit: pageSize, asc: 'name' } }),
    folderTrail(key, folder)]);
  const here = trail.length ? trail[trail.length - 1] : null;
  const contents = h('div', {});
  const show = (d) => replace(contents, grid(d.assets || [], base), pager(base, folder, skip, (d.assets || []).length, d.count || 0));
  show(data);
  const refresh = async () => show(await api('GET', '/v3/assets', { key, query: {
    folder, include_folders: true, include_publish_details: true, include_count: true, skip, limit: pageSize, asc: 'name' } }));
  replace(main, heading(here ? `Assets in ${here.name}` : 'Assets'),
    h('nav', { 'aria-label': 'Folder path' }, link(base, 'All assets'), trail.map((f) => [' / ', link(`${base}?folder=${f.uid}`, f.name)])),
    section('Upload files', uploader(key, folder, refresh)),
    section(here ? `Contents of ${here.name}` : 'Top level', contents),
    section('New folder', newFolder(key, folder)),
    here ? section('This folder', folderActions(key, here, base)) : null);
}

async function folderTrail(key, folder) {
  const out = [];
  for (let uid = folder; uid && uid !== 'cs_root' && out.length < 20;) {
    const f = (await api('GET', `/v3/assets/folders/${uid}`, { key })).asset;
    out.unshift(f);
    uid = f.parent_uid;
  }
  return out;
}

/** isImage says whether the browser can preview the asset. */
export function isImage(a) { return /^image\/(png|jpe?g|gif|webp|avif|bmp)$/.test(a.content_type || ''); }

/** size formats a byte count. */
export function size(n) {
  const b = Number(n) || 0;
  return b < 1024 ? `${b} B` : b < 1048576 ? `${(b / 1024).toFixed(1)} KB` : `${(b / 1048576).toFixed(1)} MB`;
}

function grid(items, base) {
  if (!items.length) return h('p', { class: 'empty' }, 'This folder is empty.');
  return h('ul', { class: 'grid', 'aria-label': 'Folders and files' }, items.map((a) => h('li', { class: 'card' }, a.is_dir
    ? [h('p', {}, '📁 ', link(`${base}?folder=${a.uid}`, a.name, { 'aria-label': `Folder ${a.name}` }))]
    : [isImage(a) ? h('img', { src: a.url, alt: `Preview of ${a.title}`, loading: 'lazy' }) : h('p', { class: 'hint' }, a.content_type),
      link(`${base}/${a.uid}`, a.title || a.filename), h('p', { class: 'hint' }, `${size(a.file_size)} · v${a._version}`,
        (a.publish_details || []).length ? ' · published' : '')])));
}

function pager(base, folder, skip, shown, total) {
  const to = (s) => `${base}?${new URLSearchParams({ folder, skip: String(s) })}`;
  return h('nav', { class: 'pager', 'aria-label': 'Pages of assets' },
    skip > 0 ? link(to(Math.max(0, skip - pageSize)), 'Previous page') : null,
    total > pageSize ? h('span', {}, `${skip + 1}–${skip + shown} of ${total}`) : null,
    skip + shown < total ? link(to(skip + pageSize), 'Next page') : null);
}

function uploader(key, folder, refresh) {
  const files = h('input', { type: 'file', name: 'asset[upload]', multiple: true });
  const progress = h('div', { 'aria-live': 'polite' });
  const f = form('Upload files', [field('Files to upload', files, { name: 'asset[upload]' }), progress], async () => {
    if (!files.files.length) throw Object.assign(new Error('Choose at least one file.'), { errors: { 'asset[upload]': ['Choose at least one file.'] } });
    const list = [...files.files];
    replace(progress);
    const total = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress' });
    progress.append(h('div', { class: 'upload-row' }, total, h('span', {}, `${list.length} file(s)`)));
    let failed = 0;
    for (const [i, file] of list.entries()) {
      failed += await uploadOne(key, folder, file, progress, (frac) => { total.value = Math.round(((i + frac) / list.length) * 100); }) ? 0 : 1;
    }
    total.value = 100;
    say(failed ? `${list.length - failed} of ${list.length} files uploaded.` : `${list.length} file(s) uploaded.`);
    files.value = '';
    await refresh();
  }, 'Upload');
  return f;
}

/** uploadOne sends one file with its own progress bar; false on failure. */
export async function uploadOne(key, folder, file, into, onFrac, method = 'POST', path = '/v3/assets') {
  const bar = h('progress', { max: 100, value: 0, 'aria-label': `Uploading ${file.name}` });
  const note = h('span', {}, `${file.name}: starting…`);
  into.append(h('div', { class: 'upload-row' }, bar, note));
  const fd = new FormData();
  fd.append('asset[upload]', file, file.name);
  if (folder && folder !== 'cs_root') fd.append('asset[parent_uid]', folder);
  try {
    await upload(method, path, key, fd, (sent, total) => {
      bar.value = Math.round((sent / total) * 100);
      note.textContent = `${file.name}: ${bar.value}%`;
      onFrac(sent / total);
    });
    bar.value = 100;
    note.textContent = `${file.name}: uploaded`;
    return true;
  } catch (err) {
    note.textContent = `${file.name}: ${err.message}`;
    note.className = 'field-error';
    note.setAttribute('role', 'alert');
    return false;
  }
}

function newFolder(key, parent) {
  const name = input({ name: 'name', required: true });
  return form('New folder', [field('Folder name', name, { name: 'name' })], async () => {
    const body = { name: name.value };
    if (parent !== 'cs_root') body.parent_uid = parent;
    const data = await api('POST', '/v3/assets/folders', { key, body: { asset: body } });
    say(`Folder ${data.asset.name} created.`);
    navigate(location.pathname + location.search, { replace: true });
  }, 'Create folder');
}

function folderActions(key, f, base) {
  const err = generalError();
  const name = input({ name: 'name', value: f.name });
  const up = f.parent_uid ? `${base}?folder=${f.parent_uid}` : base;
  const rename = button('Rename folder', () => act(rename, err, async () => {
    await api('PUT', `/v3/assets/folders/${f.uid}`, { key, body: { asset: { name: name.value } } });
    say('Folder renamed.');
    navigate(location.pathname + location.search, { replace: true });
  }));
  return h('div', {}, err, h('div', { class: 'toolbar' }, field('New folder name', name, { name: 'name' }), rename),
    confirmButton('Delete folder', `Delete the folder ${f.name}? Only an empty folder can be deleted.`, async () => {
      await api('DELETE', `/v3/assets/folders/${f.uid}`, { key });
      say('Folder deleted.');
      navigate(up);
    }, err, `Delete folder ${f.name}`));
}
