// tokens.js: the stack's management tokens. Create one with a scope
// picker (read/write per module), branches and an expiry date; its secret
// is shown once. The list shows last use and expiry; a token can be
// rotated with a grace period for the old secret, or revoked.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, when, button, act, generalError, confirmButton, select, checkbox } from '../lib/dom.js';
import { secretPanel } from '../lib/secret.js';

/** modules a token's scope can name, with the console's names for them. */
export const scopeModules = [
  ['$all', 'Everything'], ['content_type', 'Content types'], ['entry', 'Entries'], ['asset', 'Assets'],
  ['environment', 'Environments'], ['locale', 'Locales'], ['global_field', 'Global fields'], ['label', 'Labels'],
  ['extension', 'Extensions'], ['webhook', 'Webhooks'], ['workflow', 'Workflows'], ['publishing_rule', 'Publish rules'],
  ['role', 'Roles'], ['audit_log', 'Audit log'], ['publish_queue', 'Publish queue'], ['taxonomy', 'Taxonomies'], ['release', 'Releases'],
];

const base = '/v3/stacks/management_tokens';

export default async function tokens({ main, stack }) {
  const key = stack.api_key;
  const [list, branches] = await Promise.all([listAll(base, key, 'tokens'), listAll('/v3/stacks/branches', key, 'branches')]);
  const shown = h('div', { class: 'shown' });
  const refresh = async () => replaceList(await listAll(base, key, 'tokens'));
  const listArea = h('div', {});
  const replaceList = (items) => replace(listArea, tokenTable(items, key, shown, refresh));
  replaceList(list);
  replace(main, heading('Management tokens'),
    h('p', {}, 'A management token acts for the stack, not for a person: automation uses it with the stack’s API key. At most 30 per stack.'),
    shown, section('Tokens', listArea), section('Create a management token', createForm(key, branches, shown, refresh)));
}

function scopeSummary(t) {
  const mods = (t.scope || []).filter((s) => s.module !== 'branch' && s.module !== 'branch_alias')
    .map((s) => `${s.module} ${[s.acl && s.acl.read ? 'read' : '', s.acl && s.acl.write ? 'write' : ''].filter(Boolean).join('+')}`);
  return mods.join(', ') || '—';
}

function branchesOf(t) {
  return (t.scope || []).filter((s) => s.module === 'branch').flatMap((s) => s.branches || []).join(', ');
}

function tokenTable(items, key, shown, refresh) {
  const err = generalError();
  return h('div', {}, err, table('Management tokens of this stack', [
    ['Name', (t) => t.name],
    ['Scope', scopeSummary],
    ['Branches', branchesOf],
    ['Expires', (t) => (t.expires_on ? when(t.expires_on) : 'Never')],
    ['Last used', (t) => (t.last_used_at ? when(t.last_used_at) : 'Never')],
    ['Created', (t) => when(t.created_at)],
    ['Actions', (t) => h('div', { class: 'row-actions' }, rotateControl(t, key, shown, refresh, err), ' ',
      confirmButton('Revoke', `Revoke ${t.name}? Every request with it fails from now on.`, async () => {
        await api('DELETE', `${base}/${t.uid}`, { key });
        say(`Token ${t.name} revoked.`);
        await refresh();
      }, err, `Revoke ${t.name}`))],
  ], items, 'This stack has no management tokens.'));
}

function rotateControl(t, key, shown, refresh, err) {
  const wrap = h('span', {});
  const open = button('Rotate', () => {
    const grace = select({ name: 'grace_period_seconds', 'aria-label': `Grace period for ${t.name}'s old secret` },
      [['0', 'Old secret stops now'], ['300', 'Old secret works 5 more minutes'], ['3600', '1 more hour'], ['86400', '1 more day'], ['604800', '7 more days']]);
    const go = button('Rotate now', () => act(go, err, async () => {
      const data = await api('POST', `${base}/${t.uid}/rotate`, { key, body: { grace_period_seconds: Number(grace.value) } });
      replace(shown, secretPanel(`New secret of ${t.name}`, data.token.token,
        `The previous secret works until ${when(data.token.previous_token_expires_at)}.`));
      await refresh();
    }), { 'aria-label': `Rotate ${t.name} now` });
    replace(wrap, grace, ' ', go, ' ', button('Cancel', () => replace(wrap, open)));
    grace.focus();
  }, { 'aria-label': `Rotate ${t.name}` });
  wrap.append(open);
  return wrap;
}

/** scopePicker is a table of modules with a read and a write box each. */
export function scopePicker(initial = {}) {
  const rows = scopeModules.map(([m, label]) => {
    const acl = initial[m] || {};
    const r = h('input', { type: 'checkbox', name: `scope.${m}.read`, checked: !!acl.read, 'aria-label': `${label}: read` });
    const w = h('input', { type: 'checkbox', name: `scope.${m}.write`, checked: !!acl.write, 'aria-label': `${label}: write` });
    return h('tr', {}, h('th', { scope: 'row' }, label), h('td', {}, r), h('td', {}, w));
  });
  return h('fieldset', { class: 'scope' }, h('legend', {}, 'Scope'),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Module'), h('th', { scope: 'col' }, 'Read'), h('th', { scope: 'col' }, 'Write'))),
      h('tbody', {}, rows)),
    h('p', { class: 'field-error', 'data-error-for': 'scope', hidden: true }));
}

/** readScope turns the picker's boxes into scope items. */
export function readScope(f) {
  const items = [];
  for (const [m] of scopeModules) {
    const read = f.elements[`scope.${m}.read`].checked;
    const write = f.elements[`scope.${m}.write`].checked;
    if (read || write) items.push({ module: m, acl: { read: read || write, write } });
  }
  return items;
}

function createForm(key, branches, shown, refresh) {
  const name = input({ name: 'name', required: true });
  const description = input({ name: 'description' });
  const expires = input({ name: 'expires_on', type: 'date' });
  const branchBoxes = h('fieldset', {}, h('legend', {}, 'Branches'),
    branches.map((b) => checkbox(b.uid, { name: `branch.${b.uid}`, checked: b.uid === 'main' })));
  return form('Create a management token', [field('Token name', name, { name: 'name' }), field('Description', description),
    scopePicker(), branchBoxes,
    field('Expiry date', expires, { name: 'expires_on', hint: 'Empty: never expires. The token stops at 00:00 UTC that day.' })], async (f) => {
    const scope = readScope(f);
    const chosen = branches.map((b) => b.uid).filter((b) => f.elements[`branch.${b}`].checked);
    scope.push({ module: 'branch', branches: chosen, acl: { read: true } });
    const body = { token: { name: name.value, description: description.value, scope, expires_on: expires.value || null } };
    const data = await api('POST', base, { key, body });
    replace(shown, secretPanel(`Secret of ${data.token.name}`, data.token.token));
    f.reset();
    say(`Token ${data.token.name} created. Copy its secret now.`);
    await refresh();
  }, 'Create token');
}
