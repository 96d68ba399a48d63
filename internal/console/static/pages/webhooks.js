// webhooks.js: the stack's webhooks: URL, channels, enable or disable,
// delete, and their recent executions. Secrets are write-only (masked).

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, confirmButton, generalError, checkbox, button, act, when } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

const channels = ['content_types.create', 'content_types.update', 'content_types.delete', 'content_types.entries.create',
  'content_types.entries.update', 'content_types.entries.delete', 'content_types.entries.publish', 'content_types.entries.unpublish',
  'assets.create', 'assets.update', 'assets.delete', 'assets.publish', 'assets.unpublish'];

export default async function webhooks({ main, stack, query }) {
  const key = stack.api_key;
  const items = await listAll('/v3/webhooks', key, 'webhooks');
  const err = generalError();
  const reload = () => navigate(location.pathname, { replace: true });
  const parts = [heading('Webhooks'), section('Webhooks', err, table('Webhooks of this stack', [
    ['Name', (w) => w.name],
    ['URL', (w) => (w.destinations || []).map((d) => d.target_url).join(', ')],
    ['Channels', (w) => (w.channels || []).join(', ')],
    ['State', (w) => (w.disabled ? 'Disabled' : 'Enabled')],
    ['Actions', (w) => h('span', { class: 'row-actions' }, toggle(w, key, err, reload),
      button('Executions', () => navigate(`${location.pathname}?executions=${w.uid}`), { 'aria-label': `Executions of ${w.name}` }),
      confirmButton('Delete', `Delete the webhook ${w.name}?`, async () => {
        await api('DELETE', `/v3/webhooks/${w.uid}`, { key });
        say(`Webhook ${w.name} deleted.`);
        reload();
      }, err, `Delete webhook ${w.name}`))],
  ], items, 'No webhooks yet.'))];
  if (query.executions) parts.push(await executions(key, query.executions));
  parts.push(section('Create a webhook', createForm(key, reload)));
  replace(main, ...parts);
}

function toggle(w, key, err, reload) {
  const b = button(w.disabled ? 'Enable' : 'Disable', () => act(b, err, async () => {
    await api('PUT', `/v3/webhooks/${w.uid}`, { key, body: { webhook: { disabled: !w.disabled } } });
    say(`Webhook ${w.name} ${w.disabled ? 'enabled' : 'disabled'}.`);
    reload();
  }), { 'aria-label': `${w.disabled ? 'Enable' : 'Disable'} ${w.name}` });
  return b;
}

async function executions(key, uid) {
  const data = await api('GET', `/v3/webhooks/${uid}/executions`, { key });
  return section('Recent executions', table('Executions, newest first', [
    ['When', (x) => when(x.created_at)], ['Event', (x) => x.event_name || x.channel || ''],
    ['Status', (x) => String(x.status ?? '')], ['Retries', (x) => String((x.retry_count ?? (x.retries || []).length) || 0)],
  ], data.webhooks || data.executions || [], 'No executions yet.'));
}

function createForm(key, reload) {
  const name = input({ name: 'name', required: true });
  const url = input({ name: 'destinations', type: 'url', required: true, placeholder: 'https://hooks.example.com/stackd' });
  const user = input({ name: 'http_basic_auth', autocomplete: 'off' });
  const pass = input({ name: 'http_basic_password', type: 'password', autocomplete: 'off' });
  return form('Create a webhook', [field('Webhook name', name, { name: 'name' }), field('URL', url, { name: 'destinations' }),
    h('div', { class: 'toolbar' }, field('Basic auth user (optional)', user), field('Basic auth password (optional)', pass)),
    h('fieldset', {}, h('legend', {}, 'Channels'), channels.map((c) => checkbox(c, { name: `ch.${c}` })),
      h('p', { class: 'field-error', 'data-error-for': 'channels', hidden: true }))], async (f) => {
    const dest = { target_url: url.value };
    if (user.value) { dest.http_basic_auth = user.value; dest.http_basic_password = pass.value; }
    const body = { name: name.value, destinations: [dest], channels: channels.filter((c) => f.elements[`ch.${c}`].checked), retry_policy: 'manual' };
    const data = await api('POST', '/v3/webhooks', { key, body: { webhook: body } });
    say(data.notice || 'Webhook created.');
    reload();
  }, 'Create webhook');
}
