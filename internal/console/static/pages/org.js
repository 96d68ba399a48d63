// org.js: an organization: its stacks, a form to create one, and for the
// owner the organization's single sign-on (OIDC) settings.

import { api } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, link, table, say, checkbox, when, confirmButton, generalError } from '../lib/dom.js';
import { session } from '../lib/session.js';
import { navigate } from '../lib/router.js';

export default async function org({ main, params }) {
  const o = (session.user.organizations || []).find((x) => x.uid === params.org);
  if (!o) throw new Error('You are not a member of this organization.');
  const data = await api('GET', `/v3/organizations/${encodeURIComponent(o.uid)}/stacks`, { query: { limit: 100 } });
  const parts = [heading(o.name), h('p', {}, 'Organization ID: ', h('code', {}, o.uid)),
    section('Stacks', table('Stacks of this organization', [
      ['Name', (s) => link(`/console/stacks/${s.api_key}/entries`, s.name)],
      ['Description', (s) => s.description || ''],
      ['API key', (s) => h('code', {}, s.api_key)],
      ['Master locale', (s) => s.master_locale],
      ['Created', (s) => when(s.created_at)],
    ], data.stacks || [], 'No stacks yet: create the first one below.')),
    createStack(o)];
  if (o.is_owner) parts.push(await ssoSection(o));
  replace(main, ...parts);
}

function createStack(o) {
  const name = input({ name: 'name', required: true });
  const description = input({ name: 'description' });
  const locale = input({ name: 'master_locale', value: 'en-us' });
  return section('Create a stack', form('Create a stack', [field('Stack name', name), field('Description', description),
    field('Master locale', locale, { hint: 'A locale code such as en-us. It cannot change later.' })], async () => {
    const data = await api('POST', '/v3/stacks', { headers: { organization_uid: o.uid },
      body: { stack: { name: name.value, description: description.value, master_locale: locale.value } } });
    say(`Stack ${data.stack.name} created.`);
    navigate(`/console/stacks/${data.stack.api_key}/entries`);
  }, 'Create stack'));
}

async function ssoSection(o) {
  let sso = {};
  try {
    sso = (await api('GET', `/v3/organizations/${encodeURIComponent(o.uid)}/sso`)).sso || {};
  } catch (err) {
    return section('Single sign-on (OpenID Connect)', h('p', { class: 'form-error', role: 'alert' }, err.message));
  }
  const issuer = input({ name: 'issuer', type: 'url', value: sso.issuer || '' });
  const client = input({ name: 'client_id', value: sso.client_id || '' });
  const secret = input({ name: 'client_secret', type: 'password', autocomplete: 'off',
    placeholder: sso.enabled ? 'unchanged' : '' });
  const strict = checkbox('Strict: members other than the owner must sign in through SSO', { name: 'strict', checked: !!sso.strict });
  const callback = sso.callback_url || `${location.origin}/v3/sso/callback`;
  return section('Single sign-on (OpenID Connect)',
    h('p', {}, 'Register this callback URL at your identity provider: ', h('code', {}, callback)),
    h('p', {}, 'Members sign in with “Sign in with SSO” and this organization’s ID, ', h('code', {}, o.uid), '.'),
    form('Single sign-on settings', [field('Issuer URL', issuer), field('Client ID', client),
      field('Client secret', secret, { hint: sso.enabled ? 'Stored sealed. Leave empty to keep it.' : 'Stored sealed; never shown again.' }),
      strict], async () => {
      const body = { issuer: issuer.value.trim(), client_id: client.value.trim(), strict: strict.querySelector('input').checked };
      if (secret.value) body.client_secret = secret.value;
      await api('PUT', `/v3/organizations/${encodeURIComponent(o.uid)}/sso`, { body: { sso: body } });
      say('Single sign-on settings saved.');
      navigate(location.pathname, { replace: true });
    }, 'Save SSO settings'), sso.enabled ? turnOff(o) : h('p', {}, 'Single sign-on is off.'));
}

function turnOff(o) {
  const err = generalError();
  return h('div', {}, h('p', {}, `Single sign-on is on. Turning it off lets members sign in with passwords again.`), err,
    confirmButton('Turn off SSO', 'Turn off single sign-on for this organization?', async () => {
      await api('DELETE', `/v3/organizations/${encodeURIComponent(o.uid)}/sso`);
      say('Single sign-on is off.');
      navigate(location.pathname, { replace: true });
    }, err));
}
