// environments.js: the stack's publishing environments.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, when, confirmButton, generalError } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export default async function environments({ main, stack }) {
  const key = stack.api_key;
  const items = await listAll('/v3/environments', key, 'environments');
  const err = generalError();
  const name = input({ name: 'name', required: true });
  const url = input({ name: 'urls', type: 'url', placeholder: 'https://www.example.com' });
  replace(main, heading('Environments'),
    section('Environments', err, table('Environments of this stack', [
      ['Name', (e) => e.name],
      ['URLs', (e) => (e.urls || []).map((u) => `${u.locale}: ${u.url}`).join(', ') || '—'],
      ['Created', (e) => when(e.created_at)],
      ['Actions', (e) => confirmButton('Delete', `Delete ${e.name}? Content published there is no longer served.`, async () => {
        await api('DELETE', `/v3/environments/${encodeURIComponent(e.name)}`, { key });
        say(`Environment ${e.name} deleted.`);
        navigate(location.pathname, { replace: true });
      }, err, `Delete environment ${e.name}`)],
    ], items, 'No environments yet.')),
    section('Add an environment', form('Add an environment', [field('Environment name', name, { name: 'name' }),
      field(`Base URL (${stack.master_locale})`, url, { name: 'urls' })], async () => {
      const body = { name: name.value.trim(), urls: url.value ? [{ locale: stack.master_locale, url: url.value }] : [] };
      const data = await api('POST', '/v3/environments', { key, body: { environment: body } });
      say(data.notice || 'Environment added.');
      navigate(location.pathname, { replace: true });
    }, 'Add environment')));
}
