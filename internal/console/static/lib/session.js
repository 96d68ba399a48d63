// session.js: who is signed in, as GET /v3/user says. The session itself
// is the HttpOnly cookie, which page scripts cannot read; this keeps only
// the user's public profile and hands the CSRF token to api.js.

import { api, setCSRF } from './api.js';

export const session = { user: null };

/** loadUser asks the server who the cookie belongs to; null when nobody. */
export async function loadUser() {
  try {
    const data = await api('GET', '/v3/user', { quiet: true });
    setCSRF(data.csrf_token);
    session.user = data.user;
  } catch (err) {
    if (err.status !== 401) throw err;
    session.user = null;
    setCSRF('');
  }
  return session.user;
}

/** signedIn records a fresh sign-in's answer. */
export function signedIn(data) {
  setCSRF(data.csrf_token);
  session.user = data.user;
}

/** forget drops what the page knew about the session. */
export function forget() {
  session.user = null;
  setCSRF('');
}

/** displayName is how the console names a user. */
export function displayName(u) {
  if (!u) return '';
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ');
  return name || u.username || u.email;
}
