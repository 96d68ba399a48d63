// users.js: the stack's users: share with an email and roles, change a
// user's roles, unshare.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, confirmButton, generalError, checkbox, button, act, uid } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export default async function users({ main, stack }) {
  const key = stack.api_key;
  const [people, roles] = await Promise.all([api('GET', '/v3/stacks/users', { key }).then((d) => d.stack_users || d.users || []),
    listAll('/v3/roles', key, 'roles')]);
  const err = generalError();
  const reload = () => navigate(location.pathname, { replace: true });
  replace(main, heading('Users'), section('People with access', err, table('Users of this stack', [
    ['Email', (u) => u.email],
    ['Name', (u) => [u.first_name, u.last_name].filter(Boolean).join(' ')],
    ['Roles', (u) => (u.is_owner ? 'Owner' : roleEditor(u, roles, key, err, reload))],
    ['Actions', (u) => (u.is_owner ? '' : confirmButton('Remove', `Remove ${u.email} from this stack?`, async () => {
      await api('POST', '/v3/stacks/unshare', { key, body: { email: u.email } });
      say(`${u.email} no longer has access.`);
      reload();
    }, err, `Remove ${u.email}`))],
  ], people)), section('Share this stack', shareForm(key, roles, reload)),
  h('p', { class: 'hint' }, `Roles: ${roles.map((r) => r.name).join(', ')}.`));
}

function roleEditor(u, roles, key, err, reload) {
  const id = uid('roles');
  const boxes = roles.map((r) => {
    const b = h('input', { type: 'checkbox', id: `${id}-${r.uid}`, value: r.uid, checked: (u.roles || []).includes(r.uid) });
    return h('span', { class: 'check' }, b, h('label', { for: b.id }, r.name));
  });
  const save = button('Save roles', () => act(save, err, async () => {
    const chosen = boxes.map((b) => b.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
    await api('POST', '/v3/stacks/users/roles', { key, body: { users: { [u.uid]: chosen } } });
    say(`Roles of ${u.email} saved.`);
    reload();
  }), { 'aria-label': `Save roles of ${u.email}` });
  return h('div', { role: 'group', 'aria-label': `Roles of ${u.email}` }, boxes, save);
}

function shareForm(key, roles, reload) {
  const email = input({ name: 'emails', type: 'email', required: true });
  return form('Share this stack', [field('Email', email, { name: 'emails' }),
    h('fieldset', {}, h('legend', {}, 'Roles'), roles.map((r) => checkbox(r.name, { name: `role.${r.uid}` })),
      h('p', { class: 'field-error', 'data-error-for': 'roles', hidden: true }))], async (f) => {
    const chosen = roles.filter((r) => f.elements[`role.${r.uid}`].checked).map((r) => r.uid);
    const e = email.value.trim();
    const data = await api('POST', '/v3/stacks/share', { key, body: { emails: [e], roles: { [e]: chosen } } });
    say(data.notice || `Shared with ${e}.`);
    reload();
  }, 'Share');
}
