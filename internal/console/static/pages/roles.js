// roles.js: the stack's roles. Built-in roles are shown with their rules;
// custom roles are created and edited with a rules editor: branches,
// content types and their entries, assets, environments and locales, plus
// any other rules as JSON.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, confirmButton, generalError, checkbox, button } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

const builtin = ['Admin', 'Developer', 'Content Manager'];
const verbs = ['read', 'create', 'update', 'delete', 'publish'];

export default async function roles({ main, stack, query }) {
  const key = stack.api_key;
  const [list, cts, envs, locales] = await Promise.all([listAll('/v3/roles', key, 'roles', { include_rules: true }),
    listAll('/v3/content_types', key, 'content_types'), listAll('/v3/environments', key, 'environments'), listAll('/v3/locales', key, 'locales')]);
  const err = generalError();
  const editing = query.edit ? list.find((r) => r.uid === query.edit) : null;
  const ctx = { key, cts, envs, locales };
  replace(main, heading('Roles'), section('Roles', err, table('Roles of this stack', [
    ['Name', (r) => r.name],
    ['Kind', (r) => (builtin.includes(r.name) ? 'Built-in' : 'Custom')],
    ['Description', (r) => r.description || ''],
    ['Actions', (r) => (builtin.includes(r.name) ? '' : h('span', { class: 'row-actions' },
      button('Edit', () => navigate(`${location.pathname}?edit=${r.uid}`), { 'aria-label': `Edit role ${r.name}` }),
      confirmButton('Delete', `Delete the role ${r.name}?`, async () => {
        await api('DELETE', `/v3/roles/${r.uid}`, { key });
        say(`Role ${r.name} deleted.`);
        navigate(location.pathname, { replace: true });
      }, err, `Delete role ${r.name}`)))],
  ], list)), section(editing ? `Edit role ${editing.name}` : 'Create a custom role', roleForm(ctx, editing)));
}

function aclBoxes(prefix, acl, label) {
  return h('fieldset', {}, h('legend', {}, label), verbs.map((v) => checkbox(v, { name: `${prefix}.${v}`, checked: !!(acl && acl[v]) })));
}

function readAcl(f, prefix) {
  const out = {};
  for (const v of verbs) if (f.elements[`${prefix}.${v}`].checked) out[v] = true;
  return out;
}

function pick(items, name, chosen, label, valueOf, textOf) {
  return h('fieldset', {}, h('legend', {}, label), items.length ? items.map((it) => checkbox(textOf(it), {
    name: `${name}.${valueOf(it)}`, checked: chosen.includes(valueOf(it)) || chosen.includes('$all') })) : h('p', { class: 'hint' }, 'None yet.'));
}

function roleForm(ctx, role) {
  const rules = role ? role.rules || [] : [];
  const take = (m) => { const i = rules.findIndex((r) => r.module === m); return i < 0 ? null : rules.splice(i, 1)[0]; };
  const branch = take('branch') || { branches: ['main'] };
  const ct = take('content_type') || { content_types: ['$all'], acl: { read: true, sub_acl: { read: true } } };
  const asset = take('asset') || { assets: ['$all'], acl: { read: true } };
  const env = take('environment') || { environments: [] };
  const loc = take('locale') || { locales: [] };
  const name = input({ name: 'name', value: role ? role.name : '', required: true });
  const description = input({ name: 'description', value: role ? role.description : '' });
  const extra = h('textarea', { name: 'extra_rules', rows: 4, spellcheck: 'false' });
  extra.value = rules.length ? JSON.stringify(rules, null, 2) : '';
  return form(role ? 'Edit role' : 'Create a custom role', [field('Role name', name, { name: 'name' }), field('Description', description),
    h('fieldset', {}, h('legend', {}, 'Branches'), checkbox('main', { name: 'branch.main', checked: (branch.branches || []).includes('main') }),
      h('p', { class: 'field-error', 'data-error-for': 'rules.branch', hidden: true })),
    pick(ctx.cts, 'ct', ct.content_types || [], 'Content types', (c) => c.uid, (c) => c.title),
    aclBoxes('ctacl', ct.acl, 'On those content types'), aclBoxes('entryacl', (ct.acl || {}).sub_acl, 'On their entries'),
    aclBoxes('assetacl', asset.acl, 'On all assets'),
    pick(ctx.envs, 'env', env.environments || [], 'Environments it may publish to', (e) => e.uid, (e) => e.name),
    pick(ctx.locales, 'loc', loc.locales || [], 'Locales', (l) => l.code, (l) => l.code),
    field('Other rules (JSON array)', extra, { name: 'rules', hint: 'Folder, taxonomy or more content type rules, as the API takes them.' })], async (f) => {
    const chosen = (prefix, items, valueOf) => items.map(valueOf).filter((v) => f.elements[`${prefix}.${v}`].checked);
    const ctUIDs = chosen('ct', ctx.cts, (c) => c.uid);
    const out = [{ module: 'branch', branches: f.elements['branch.main'].checked ? ['main'] : [], acl: { read: true } },
      { module: 'content_type', content_types: ctUIDs.length === ctx.cts.length && ctx.cts.length ? ['$all'] : ctUIDs,
        acl: { ...readAcl(f, 'ctacl'), sub_acl: readAcl(f, 'entryacl') } },
      { module: 'asset', assets: ['$all'], acl: readAcl(f, 'assetacl') }];
    const envUIDs = chosen('env', ctx.envs, (e) => e.uid);
    if (envUIDs.length) out.push({ module: 'environment', environments: envUIDs, acl: { read: true } });
    const locs = chosen('loc', ctx.locales, (l) => l.code);
    if (locs.length) out.push({ module: 'locale', locales: locs, acl: { read: true } });
    if (extra.value.trim()) {
      try { out.push(...JSON.parse(extra.value)); } catch { throw Object.assign(new Error('Other rules are not valid JSON.'), { errors: { rules: ['must be a JSON array.'] } }); }
    }
    const body = { role: { name: name.value, description: description.value, rules: out } };
    const data = role ? await api('PUT', `/v3/roles/${role.uid}`, { key: ctx.key, body }) : await api('POST', '/v3/roles', { key: ctx.key, body });
    say(data.notice || 'Role saved.');
    navigate(location.pathname, { replace: true });
  }, role ? 'Save role' : 'Create role');
}
