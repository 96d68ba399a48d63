// smoke.test.mjs: drives a running stackd with the official CMA SDK (@contentstack/management).
// Run by scripts/test.sh; by hand:
//   NODE_EXTRA_CA_CERTS=tls.crt NODE_OPTIONS="--require $PWD/resolve-local.js" \
//   STACKD_CMA_HOST=cma.test:8443 STACKD_OWNER_EMAIL=… STACKD_OWNER_PASSWORD=… \
//   STACKD_DEV_EMAIL=… STACKD_DEV_PASSWORD=… node --test smoke.test.mjs
// The host must be a hostname with a port, not an IP: see spec/official-clients.md §1.1–1.2.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import contentstack from '@contentstack/management'
import { callLog } from './calls.mjs'

function env (name) {
  const value = process.env[name]
  if (!value) throw new Error(`smoke: environment variable ${name} is required`)
  return value
}

const host = env('STACKD_CMA_HOST')
const owner = { email: env('STACKD_OWNER_EMAIL'), password: env('STACKD_OWNER_PASSWORD') }
const dev = { email: env('STACKD_DEV_EMAIL'), password: env('STACKD_DEV_PASSWORD') }
const BLT_UID = /^blt[a-f0-9]{16}$/

// Every SDK call goes through expectOk/expectReject so that the summary can say how many
// calls were made and which did not behave as expected (calls.mjs prints and saves them).
const calls = callLog('smoke').calls

function describeError (err) {
  if (err && typeof err === 'object' && 'status' in err) {
    return `status=${err.status} errorCode=${err.errorCode} errorMessage=${JSON.stringify(err.errorMessage)}`
  }
  return String(err && err.message ? err.message : err)
}

async function expectOk (label, fn) {
  try {
    const result = await fn()
    calls.push({ label, ok: true })
    return result
  } catch (err) {
    calls.push({ label, ok: false, detail: `rejected: ${describeError(err)}` })
    throw new Error(`${label}: expected success, got ${describeError(err)}`, { cause: err })
  }
}

// expectReject checks that fn rejects with the given HTTP status and, when given, errorCode.
async function expectReject (label, fn, want) {
  let result
  try {
    result = await fn()
  } catch (err) {
    const got = { status: err && err.status, errorCode: err && err.errorCode }
    const ok = got.status === want.status && (want.errorCode === undefined || got.errorCode === want.errorCode)
    calls.push({ label, ok, detail: ok ? '' : `want ${JSON.stringify(want)}, got ${describeError(err)}` })
    assert.equal(got.status, want.status, `${label}: status (${describeError(err)})`)
    if (want.errorCode !== undefined) assert.equal(got.errorCode, want.errorCode, `${label}: errorCode (${describeError(err)})`)
    assert.equal(typeof err.errorMessage, 'string', `${label}: errorMessage must be a string`)
    return err
  }
  calls.push({ label, ok: false, detail: 'resolved, expected a rejection' })
  assert.fail(`${label}: expected a rejection ${JSON.stringify(want)}, got ${JSON.stringify(result)}`)
}

// need fails a step whose input an earlier step should have produced.
function need (value, what) {
  if (!value) throw new Error(`cannot run: ${what} is missing because an earlier step failed`)
  return value
}

const newClient = (options = {}) => contentstack.client({ host, ...options })

describe('CMA SDK smoke against stackd', { timeout: 120_000 }, () => {
  const ownerClient = newClient()
  const state = {}

  it('logs in as the owner', async () => {
    const res = await expectOk('owner login', () => ownerClient.login(owner))
    assert.equal(res.notice, 'Login Successful.')
    assert.match(res.user.uid, BLT_UID)
    assert.equal(typeof res.user.authtoken, 'string')
    assert.ok(res.user.authtoken.length > 0, 'authtoken must not be empty')
    assert.equal(res.user.email, owner.email)
    assert.ok(Array.isArray(res.user.organizations) && res.user.organizations.length > 0, 'owner must belong to an organization')
    state.user = res.user
  })

  it('getUser returns the logged-in owner', async () => {
    const user = need(state.user, 'owner login')
    const me = await expectOk('owner getUser', () => ownerClient.getUser())
    assert.equal(me.uid, user.uid)
    assert.equal(me.email, owner.email)
  })

  it('creates a stack in the owner organization', async () => {
    const user = need(state.user, 'owner login')
    const stack = await expectOk('create stack', () =>
      ownerClient.stack({ organization_uid: user.organizations[0].uid }).create({
        stack: { name: 'Smoke', description: 'd', master_locale: 'en-us' }
      }))
    assert.equal(stack.name, 'Smoke')
    assert.match(stack.api_key, BLT_UID)
    assert.equal(stack.master_locale, 'en-us')
    state.apiKey = stack.api_key
  })

  it('fetches the stack by api_key', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const stack = await expectOk('fetch stack', () => ownerClient.stack({ api_key: apiKey }).fetch())
    assert.equal(stack.name, 'Smoke')
    assert.equal(stack.api_key, apiKey)
  })

  it('rejects a login with a wrong password (422, 104)', async () => {
    await expectReject('login with wrong password',
      () => newClient().login({ email: owner.email, password: 'not-the-password' }),
      { status: 422, errorCode: 104 })
  })

  it('rejects a made-up authtoken (401, 105)', async () => {
    await expectReject('getUser with made-up authtoken',
      () => newClient({ authtoken: 'blt0123456789abcdef0123456789abcdef' }).getUser(),
      { status: 401, errorCode: 105 })
  })

  it('does not let a non-member fetch the stack (412, 109)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const devClient = newClient()
    const res = await expectOk('dev login', () => devClient.login(dev))
    assert.equal(res.user.email, dev.email)
    await expectReject('dev fetches owner stack',
      () => devClient.stack({ api_key: apiKey }).fetch(),
      { status: 412, errorCode: 109 })
  })

  it('creates a management token as the owner; the secret is shown once', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const token = await expectOk('create management token', () =>
      ownerClient.stack({ api_key: apiKey }).managementToken().create({
        token: {
          name: 'smoke',
          description: 'compat smoke',
          scope: [
            { module: 'environment', acl: { read: true, write: true } },
            { module: 'branch', branches: ['main'], acl: { read: true } }
          ],
          expires_on: '2099-01-01',
          is_email_notification_enabled: false
        }
      }))
    assert.equal(token.name, 'smoke')
    assert.match(token.token, /^csmt[0-9a-f]{40}$/)
    state.mgmtSecret = token.token
    const list = await expectOk('list management tokens', () =>
      ownerClient.stack({ api_key: apiKey }).managementToken().query().find())
    assert.ok(list.items.length >= 1, 'the new token is listed')
    for (const t of list.items) assert.equal(t.token, undefined, 'a listed token shows its secret')
  })

  it('uses the management token in a client of its own', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const secret = need(state.mgmtSecret, 'management token')
    // The SDK keeps a management token for every later call of its client:
    // a separate client keeps the owner's session apart (official-clients.md §1.4).
    const tokenStack = newClient().stack({ api_key: apiKey, management_token: secret })
    const env = await expectOk('token creates an environment', () =>
      tokenStack.environment().create({ environment: { name: 'development', urls: [{ locale: 'en-us', url: 'http://example.test/' }] } }))
    assert.equal(env.name, 'development')
    const envs = await expectOk('token lists environments', () => tokenStack.environment().query({ include_count: true }).find())
    assert.equal(envs.count, 1)
    assert.equal(envs.items[0].name, 'development')
    await expectReject('token fetches the stack', () => tokenStack.fetch(), { status: 403, errorCode: 162 })
  })

  it('logs out, and the old authtoken stops working', async () => {
    const user = need(state.user, 'owner login')
    const res = await expectOk('owner logout', () => ownerClient.logout())
    assert.equal(res.notice, "You've logged out successfully.")
    // logout() drops the token from ownerClient, so replay it on a fresh client.
    await expectReject('getUser with logged-out authtoken',
      () => newClient({ authtoken: user.authtoken }).getUser(),
      { status: 401 })
  })
})
