// app.js starts the stackd console: it finds out who is signed in, draws
// the header and the stack navigation, and renders the page the URL names.
// Pages are ES modules loaded when first visited, so the first load stays
// small. The console is a client of the public /v3 API and nothing more.

import { api, whenSignedOut } from './lib/api.js';
import { h, replace, link, button, say } from './lib/dom.js';
import { session, loadUser, forget, displayName } from './lib/session.js';
import { onRoute, navigate, match, query } from './lib/router.js';

const S = '/console/stacks/:key';
const routes = [
  { path: '/console/signin', page: 'signin', public: true },
  { path: '/console', page: 'home' },
  { path: '/console/profile', page: 'profile' },
  { path: '/console/orgs/:org', page: 'org' },
  { path: `${S}`, page: 'entries_home', stack: true },
  { path: `${S}/entries`, page: 'entries_home', stack: true },
  { path: `${S}/entries/:ct`, page: 'entries', stack: true },
  { path: `${S}/entries/:ct/new`, page: 'entry', stack: true },
  { path: `${S}/entries/:ct/:uid`, page: 'entry', stack: true },
  { path: `${S}/entries/:ct/:uid/versions`, page: 'versions', stack: true },
  { path: `${S}/content-types`, page: 'content_types', stack: true, kind: 'content_type' },
  { path: `${S}/content-types/new`, page: 'schema_editor', stack: true, kind: 'content_type' },
  { path: `${S}/content-types/:uid`, page: 'schema_editor', stack: true, kind: 'content_type' },
  { path: `${S}/global-fields`, page: 'content_types', stack: true, kind: 'global_field' },
  { path: `${S}/global-fields/new`, page: 'schema_editor', stack: true, kind: 'global_field' },
  { path: `${S}/global-fields/:uid`, page: 'schema_editor', stack: true, kind: 'global_field' },
  { path: `${S}/assets`, page: 'assets', stack: true },
  { path: `${S}/assets/:uid`, page: 'asset', stack: true },
  { path: `${S}/publish-queue`, page: 'queue', stack: true },
  { path: `${S}/settings/:section`, page: 'settings', stack: true },
];

/** stackNav lists a stack's pages: content first, then its settings. */
const stackNav = [
  ['Entries', 'entries'], ['Content types', 'content-types'], ['Global fields', 'global-fields'], ['Assets', 'assets'],
  ['Publish queue', 'publish-queue'],
  ['Environments', 'settings/environments'], ['Locales', 'settings/locales'], ['Management tokens', 'settings/management-tokens'],
  ['Delivery tokens', 'settings/delivery-tokens'], ['Users', 'settings/users'], ['Roles', 'settings/roles'],
  ['Audit log', 'settings/audit-log'], ['Webhooks', 'settings/webhooks'], ['Labels', 'settings/labels'],
  ['Workflows', 'settings/workflows'], ['Publish rules', 'settings/publish-rules'],
];

const main = document.getElementById('main');
let renderSeq = 0;
let stackCache = null;

async function stackOf(key) {
  if (stackCache && stackCache.api_key === key) return stackCache;
  const data = await api('GET', '/v3/stacks', { key });
  stackCache = data.stack;
  return stackCache;
}

function drawHeader(stack) {
  const top = document.getElementById('top');
  const u = session.user;
  const nav = u ? h('nav', { 'aria-label': 'Account' },
    link('/console/profile', displayName(u), { 'aria-label': `Profile (${u.email})` }), ' ',
    button('Sign out', signOut)) : null;
  replace(top, link('/console/', 'stackd', { class: 'brand', 'aria-label': 'stackd console home' }),
    stack ? h('span', { class: 'crumb' }, ' / ', link(`/console/orgs/${stack.org_uid}`, 'Organization'), ' / ',
      link(`/console/stacks/${stack.api_key}/entries`, stack.name)) : null, nav);
}

function drawSide(stack, path) {
  const side = document.getElementById('side');
  if (!stack) { side.hidden = true; side.replaceChildren(); return; }
  side.hidden = false;
  const base = `/console/stacks/${stack.api_key}/`;
  replace(side, h('ul', {}, stackNav.map(([label, p]) => {
    const href = base + p;
    const current = path === href || path.startsWith(`${href}/`);
    return h('li', {}, link(href, label, { 'aria-current': current ? 'page' : null }));
  })));
}

async function signOut() {
  try { await api('DELETE', '/v3/user-session', { quiet: true }); } catch { /* already gone */ }
  forget();
  stackCache = null;
  navigate('/console/signin');
  say('You are signed out.');
}

async function render() {
  const seq = ++renderSeq;
  const path = location.pathname;
  const found = match(routes, path.replace(/\/+$/, '') || '/console');
  if (!found) { show404(); return; }
  const { route, params } = found;
  if (!route.public && !session.user) { toSignIn(path); return; }
  let stack = null;
  try {
    if (route.stack) stack = await stackOf(params.key);
    const mod = await import(`./pages/${route.page}.js`);
    if (seq !== renderSeq) return;
    drawHeader(stack);
    drawSide(stack, path);
    replace(main, h('p', { class: 'loading', role: 'status' }, 'Loading…'));
    await mod.default({ main, params, query: query(), stack, route, isCurrent: () => seq === renderSeq });
  } catch (err) {
    if (seq !== renderSeq) return;
    drawHeader(stack);
    replace(main, h('h1', { tabindex: '-1' }, 'This page could not be shown'), h('p', { class: 'form-error', role: 'alert' }, err.message));
  }
  if (seq === renderSeq) focusHeading();
}

// toSignIn sends a visitor without a session to the sign-in page, keeping
// where they were going and an SSO error the callback reported.
function toSignIn(path) {
  const q = new URLSearchParams(location.search);
  const err = q.get('sso_error');
  q.delete('sso_error');
  const rest = q.toString();
  const to = new URLSearchParams({ next: path + (rest ? `?${rest}` : '') });
  if (err) to.set('sso_error', err);
  navigate(`/console/signin?${to}`, { replace: true });
}

function focusHeading() {
  const h1 = main.querySelector('h1');
  if (h1 && document.activeElement === document.body) h1.focus({ preventScroll: true });
  document.title = h1 ? `${h1.textContent} · stackd` : 'stackd console';
}

function show404() {
  drawHeader(null);
  drawSide(null, '');
  replace(main, h('h1', { tabindex: '-1' }, 'No such page'), h('p', {}, link('/console/', 'Back to the console')));
}

async function start() {
  whenSignedOut(() => {
    forget();
    if (!location.pathname.startsWith('/console/signin')) {
      navigate(`/console/signin?next=${encodeURIComponent(location.pathname)}&expired=1`, { replace: true });
    }
  });
  try { await loadUser(); } catch (err) { say(err.message); }
  onRoute(render);
  await render();
}

start();
