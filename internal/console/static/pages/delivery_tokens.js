// delivery_tokens.js: read-only tokens of the Content Delivery API, one
// environment each. stackd shows them again (as Contentstack does).

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, when, confirmButton, generalError, select } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

const base = '/v3/stacks/delivery_tokens';

export default async function deliveryTokens({ main, stack }) {
  const key = stack.api_key;
  const [items, envs] = await Promise.all([listAll(base, key, 'tokens'), listAll('/v3/environments', key, 'environments')]);
  const err = generalError();
  const name = input({ name: 'name', required: true });
  const env = select({ name: 'environment' }, envs.map((e) => [e.name, e.name]));
  const envOf = (t) => (t.scope || []).flatMap((s) => s.environments || []).map((e) => (typeof e === 'string' ? e : e.name)).join(', ');
  replace(main, heading('Delivery tokens'),
    h('p', {}, 'Delivery tokens read published content of one environment on the Content Delivery API, with the stack’s API key ', h('code', {}, key), '.'),
    section('Tokens', err, table('Delivery tokens of this stack', [
      ['Name', (t) => t.name],
      ['Environment', envOf],
      ['Token', (t) => h('code', { 'aria-label': `Delivery token of ${t.name}` }, t.token || '')],
      ['Created', (t) => when(t.created_at)],
      ['Actions', (t) => confirmButton('Delete', `Delete ${t.name}?`, async () => {
        await api('DELETE', `${base}/${t.uid}`, { key });
        say(`Token ${t.name} deleted.`);
        navigate(location.pathname, { replace: true });
      }, err, `Delete delivery token ${t.name}`)],
    ], items, 'No delivery tokens yet.')),
    section('Create a delivery token', envs.length ? form('Create a delivery token', [field('Token name', name, { name: 'name' }),
      field('Environment', env, { name: 'scope' })], async () => {
      const scope = [{ module: 'environment', environments: [env.value], acl: { read: true } }, { module: 'branch', branches: ['main'], acl: { read: true } }];
      const data = await api('POST', base, { key, body: { token: { name: name.value, scope } } });
      say(data.notice || 'Token created.');
      navigate(location.pathname, { replace: true });
    }, 'Create token') : h('p', {}, 'Create an environment first.')));
}
