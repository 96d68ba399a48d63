// signin.js: the sign-in page. A password sign-in opens a console session
// (POST /v3/user-session?session=cookie: the server sets an HttpOnly
// cookie and answers the CSRF token); when the account has two-factor
// authentication the API answers 401 + 294 and the page asks for the code.
// "Sign in with SSO" sends the browser to the organization's identity
// provider through GET /v3/sso/start.

import { api } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, generalError, say } from '../lib/dom.js';
import { signedIn, session } from '../lib/session.js';
import { navigate } from '../lib/router.js';

function safeNext(next) {
  return next && next.startsWith('/console/') && !next.startsWith('/console/signin') ? next : '/console/';
}

export default async function signin({ main, query }) {
  const creds = { email: '', password: '' };
  const next = safeNext(query.next);
  const notice = [];
  if (query.expired) notice.push(h('p', { class: 'notice', role: 'status' }, 'Your session has ended. Please sign in again.'));
  if (session.user) notice.push(h('p', { class: 'notice' }, `You are signed in as ${session.user.email}.`));
  const stepArea = h('div', {});
  replace(main, h('div', { class: 'narrow' }, heading('Sign in to stackd'), notice, stepArea, ssoSection(query.sso_error)));
  passwordStep();

  function passwordStep() {
    const email = input({ name: 'email', type: 'email', autocomplete: 'username', required: true, value: creds.email });
    const password = input({ name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    replace(stepArea, form('Sign in', [field('Email', email, { name: 'email' }), field('Password', password, { name: 'password' })],
      async (f) => {
        creds.email = email.value.trim();
        creds.password = password.value;
        await attempt(f, {});
      }, 'Sign in'));
    (creds.email ? password : email).focus();
  }

  function codeStep() {
    const code = input({ name: 'tfa_token', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]*', maxlength: 8, required: true });
    replace(stepArea, h('p', {}, 'Enter the 6-digit code from your authenticator app.'),
      form('Two-factor code', [field('Authentication code', code, { name: 'tfa_token' })],
        async (f) => attempt(f, { tfa_token: code.value.trim() }), 'Verify'),
      h('button', { type: 'button', class: 'link', onclick: passwordStep }, 'Use another account'));
    code.focus();
  }

  async function attempt(f, extra) {
    try {
      const data = await api('POST', '/v3/user-session', { query: { session: 'cookie' }, quiet: true,
        body: { user: { email: creds.email, password: creds.password, ...extra } } });
      creds.password = '';
      signedIn(data);
      say('Signed in.');
      navigate(next, { replace: true });
    } catch (err) {
      if (err.status === 401 && err.code === 294 && !extra.tfa_token) { codeStep(); return; }
      throw err;
    }
  }
}

function ssoSection(failure) {
  const org = input({ name: 'org', autocomplete: 'organization', required: true });
  const err = generalError();
  if (failure) { err.textContent = `Single sign-on failed: ${failure}`; err.hidden = false; }
  // Not a plain GET form: CSP's form-action would stop the redirect to the
  // identity provider, which is another origin; a script navigation is not.
  const f = h('form', { 'aria-label': 'Sign in with SSO', novalidate: true },
    err, field('Organization ID', org, { name: 'org', hint: 'Your organization’s owner can tell you its ID.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in with SSO')));
  f.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (org.value.trim()) {
      location.assign(`/v3/sso/start?org=${encodeURIComponent(org.value.trim())}`);
    } else {
      err.textContent = 'Enter your organization’s ID.';
      err.hidden = false;
      org.focus();
    }
  });
  return section('Single sign-on', h('p', {}, 'If your organization signs in through its identity provider, continue there.'), f);
}
