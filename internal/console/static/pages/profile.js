// profile.js: the signed-in user's profile: names, password change,
// two-factor enrolment (a QR code, confirmed by a first code), sign out
// and sign out everywhere.

import { api } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, button, say, act, generalError } from '../lib/dom.js';
import { session, loadUser, forget } from '../lib/session.js';
import { navigate } from '../lib/router.js';

export default async function profile({ main }) {
  await loadUser();
  const u = session.user;
  replace(main, heading('Your profile'), h('p', {}, `Signed in as ${u.email}.`),
    namesSection(u), passwordSection(), twoFactorSection(u), sessionsSection());
}

function namesSection(u) {
  const first = input({ name: 'first_name', value: u.first_name || '', autocomplete: 'given-name' });
  const last = input({ name: 'last_name', value: u.last_name || '', autocomplete: 'family-name' });
  return section('Name', form('Name', [field('First name', first), field('Last name', last)], async () => {
    await api('PUT', '/v3/user', { body: { user: { first_name: first.value, last_name: last.value } } });
    await loadUser();
    say('Your name is saved.');
  }));
}

function passwordSection() {
  const current = input({ name: 'current_password', type: 'password', autocomplete: 'current-password' });
  const next = input({ name: 'password', type: 'password', autocomplete: 'new-password' });
  return section('Password', h('p', {}, 'Changing it signs out your other sessions and authtokens.'),
    form('Change password', [field('Current password', current), field('New password', next)], async (f) => {
      await api('PUT', '/v3/user', { body: { user: { password: next.value, current_password: current.value } } });
      f.reset();
      say('Your password is changed.');
    }, 'Change password'));
}

function twoFactorSection(u) {
  const area = h('div', {});
  const s = section('Two-factor authentication', area);
  if (u.tfa_status === 'verified') showEnabled(area); else showDisabled(area);
  return s;
}

function showDisabled(area) {
  const err = generalError();
  const start = button('Set up two-factor authentication', () => act(start, err, async () => {
    const data = await api('POST', '/v3/user/two_factor');
    enrol(area, data);
  }));
  replace(area, h('p', {}, 'Two-factor authentication is off.'), err, start);
}

function setupKey(otpauth) {
  try { return new URL(otpauth).searchParams.get('secret') || ''; } catch { return ''; }
}

function enrol(area, data) {
  const code = input({ name: 'tfa_token', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 8 });
  const key = setupKey(data.otpauth_url);
  replace(area,
    h('p', {}, 'Scan this code with your authenticator app, then enter the code it shows.'),
    h('img', { src: data.qr_png, alt: 'QR code to add stackd to an authenticator app', width: 200, height: 200, class: 'qr' }),
    h('p', {}, 'Or enter this setup key by hand: ', h('code', { 'aria-label': 'Setup key' }, key)),
    form('Confirm two-factor authentication', [field('Code from the app', code, { name: 'tfa_token' })], async () => {
      await api('POST', '/v3/user/two_factor/confirm', { body: { tfa_token: code.value.trim() } });
      await loadUser();
      say('Two-factor authentication is on.');
      showEnabled(area);
    }, 'Turn on'));
  code.focus();
}

function showEnabled(area) {
  const code = input({ name: 'tfa_token', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 8 });
  replace(area, h('p', {}, 'Two-factor authentication is on.'),
    form('Turn off two-factor authentication', [field('Current code', code, { name: 'tfa_token' })], async () => {
      await api('DELETE', '/v3/user/two_factor', { body: { tfa_token: code.value.trim() } });
      await loadUser();
      say('Two-factor authentication is off.');
      showDisabled(area);
    }, 'Turn off'));
}

function sessionsSection() {
  const err = generalError();
  const out = button('Sign out', () => act(out, err, async () => {
    await api('DELETE', '/v3/user-session', { quiet: true });
    done('You are signed out.');
  }));
  const all = button('Sign out everywhere', () => act(all, err, async () => {
    await api('DELETE', '/v3/user-sessions', { quiet: true });
    done('You are signed out everywhere: every console session and authtoken of yours is revoked.');
  }), { class: 'danger' });
  return section('Sessions', h('p', {}, '“Sign out everywhere” also revokes every authtoken of yours (CLI and scripts).'),
    err, h('div', { class: 'actions' }, out, ' ', all));
}

function done(text) {
  forget();
  navigate('/console/signin');
  say(text);
}
