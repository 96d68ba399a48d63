// locales.js: the stack's locales and their fallbacks.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, confirmButton, generalError, select } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export default async function locales({ main, stack }) {
  const key = stack.api_key;
  const items = await listAll('/v3/locales', key, 'locales');
  const codes = items.map((l) => [l.code, `${l.name} (${l.code})`]);
  const err = generalError();
  const reload = () => navigate(location.pathname, { replace: true });
  const code = input({ name: 'code', required: true, placeholder: 'fr-fr' });
  const name = input({ name: 'name', placeholder: 'French - France' });
  const fallback = select({ name: 'fallback_locale', value: stack.master_locale }, codes);
  replace(main, heading('Locales'),
    section('Locales', err, table('Locales of this stack', [
      ['Code', (l) => h('code', {}, l.code)],
      ['Name', (l) => l.name],
      ['Falls back to', (l) => (l.fallback_locale ? fallbackControl(l, codes, key, err, reload) : 'Master locale')],
      ['Actions', (l) => (l.code === stack.master_locale ? '' : confirmButton('Delete', `Delete ${l.code} and every entry's content in it?`, async () => {
        await api('DELETE', `/v3/locales/${encodeURIComponent(l.code)}`, { key });
        say(`Locale ${l.code} deleted.`);
        reload();
      }, err, `Delete locale ${l.code}`))],
    ], items)),
    section('Add a locale', form('Add a locale', [h('div', { class: 'toolbar' }, field('Locale code', code, { name: 'code' }),
      field('Locale name', name, { name: 'name' }), field('Fallback locale', fallback, { name: 'fallback_locale' }))], async () => {
      const data = await api('POST', '/v3/locales', { key, body: { locale: { code: code.value.trim(), name: name.value, fallback_locale: fallback.value } } });
      say(data.notice || 'Locale added.');
      reload();
    }, 'Add locale')));
}

function fallbackControl(l, codes, key, err, reload) {
  const sel = select({ name: `fallback.${l.code}`, value: l.fallback_locale, 'aria-label': `Fallback of ${l.code}` }, codes.filter(([c]) => c !== l.code));
  sel.addEventListener('change', async () => {
    try {
      await api('PUT', `/v3/locales/${encodeURIComponent(l.code)}`, { key, body: { locale: { fallback_locale: sel.value } } });
      say(`${l.code} now falls back to ${sel.value}.`);
    } catch (e) {
      err.textContent = e.message; err.hidden = false;
      reload();
    }
  });
  return sel;
}
