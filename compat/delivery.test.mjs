// delivery.test.mjs: drives stackd's Content Delivery API listener with the official delivery
// SDK (@contentstack/delivery-sdk). The stack, its environments and a delivery token are made
// with the CMA SDK first. Run by scripts/test.sh; by hand (TLS, as there):
//   NODE_EXTRA_CA_CERTS=tls.crt NODE_OPTIONS="--require $PWD/resolve-local.js" \
//   STACKD_CMA_HOST=cma.test:8443 STACKD_CDA_HOST=cda.test:8444 \
//   STACKD_OWNER_EMAIL=… STACKD_OWNER_PASSWORD=… node --test delivery.test.mjs
// Only content types are served on the CDA today (an empty list); entries, assets and sync
// come with the content work.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import contentstack from '@contentstack/delivery-sdk'
import management from '@contentstack/management'
import { callLog, describeError } from './calls.mjs'

function env (name) {
  const value = process.env[name]
  if (!value) throw new Error(`delivery: environment variable ${name} is required`)
  return value
}

const cmaHost = env('STACKD_CMA_HOST')
const [cdaHostname, cdaPort] = env('STACKD_CDA_HOST').split(':')
const owner = { email: env('STACKD_OWNER_EMAIL'), password: env('STACKD_OWNER_PASSWORD') }
const log = callLog('delivery')

function need (value, what) {
  if (!value) throw new Error(`cannot run: ${what} is missing because an earlier step failed`)
  return value
}

// deliveryStack is the SDK's stack for the CDA listener over https (the test certificate is
// trusted through NODE_EXTRA_CA_CERTS). retryOnError: false turns off the SDK's retries of
// 401 and 429 (five tries 300 ms apart), so a refusal is reported at once, with its body.
function deliveryStack (options) {
  return contentstack.stack({ environment: 'development', host: cdaHostname, port: Number(cdaPort), ...options })
}

// expectRefused checks that fn rejects with the given status (and error_code when given).
async function expectRefused (label, fn, want) {
  let result
  try {
    result = await fn()
  } catch (err) {
    const ok = err.status === want.status && (want.errorCode === undefined || err.error_code === want.errorCode) &&
      typeof err.error_message === 'string'
    log.record(label, ok, ok ? '' : `want ${JSON.stringify(want)}, got ${describeError(err)}`)
    assert.ok(ok, `${label}: want ${JSON.stringify(want)}, got ${describeError(err)}`)
    return err
  }
  log.record(label, false, 'resolved, expected a rejection')
  assert.fail(`${label}: expected a rejection, got ${JSON.stringify(result)}`)
}

describe('delivery SDK against stackd', { timeout: 60_000 }, () => {
  const state = {}

  it('sets up a stack, two environments and a delivery token (CMA SDK)', async () => {
    const client = management.client({ host: cmaHost })
    const login = await log.ok('owner login (CMA SDK)', () => client.login(owner))
    const stack = await log.ok('create stack (CMA SDK)', () =>
      client.stack({ organization_uid: login.user.organizations[0].uid }).create({
        stack: { name: 'Delivery', description: 'compat delivery', master_locale: 'en-us' }
      }))
    const s = client.stack({ api_key: stack.api_key })
    for (const name of ['development', 'production']) {
      await log.ok(`create environment ${name} (CMA SDK)`, () =>
        s.environment().create({ environment: { name, urls: [{ locale: 'en-us', url: `https://${name}.example.test/` }] } }))
    }
    const token = await log.ok('create delivery token (CMA SDK)', () =>
      s.deliveryToken().create({
        token: {
          name: 'compat delivery',
          scope: [
            { module: 'environment', environments: ['development'], acl: { read: true } },
            { module: 'branch', branches: ['main'], acl: { read: true } }
          ]
        }
      }))
    assert.equal(typeof token.token, 'string')
    state.apiKey = stack.api_key
    state.deliveryToken = token.token
  })

  it('lists the content types of the environment (none yet)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const deliveryToken = need(state.deliveryToken, 'delivery token')
    const res = await log.ok('contentType().find()', () =>
      deliveryStack({ apiKey, deliveryToken, retryOnError: false }).contentType().find())
    assert.deepEqual(res.content_types, [])
  })

  it('sends the branch header: main is served, an unknown branch refused', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const deliveryToken = need(state.deliveryToken, 'delivery token')
    const res = await log.ok('contentType().find() on branch main', () =>
      deliveryStack({ apiKey, deliveryToken, branch: 'main', retryOnError: false }).contentType().find())
    assert.deepEqual(res.content_types, [])
    // The header does reach stackd: a branch that does not exist is refused.
    let err
    try {
      await deliveryStack({ apiKey, deliveryToken, branch: 'no-such-branch', retryOnError: false }).contentType().find()
    } catch (e) {
      err = e
    }
    const ok = err !== undefined && err.status >= 400 && err.status < 500 && err.error_code === 905
    log.record('contentType().find() on a branch that does not exist', ok, ok ? '' : `got ${err ? describeError(err) : 'success'}`)
    assert.ok(ok, `want a 4xx refusal with error_code 905, got ${err ? describeError(err) : 'success'}`)
  })

  it('refuses a wrong delivery token (401, 105)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    await expectRefused('contentType().find() with a wrong token',
      () => deliveryStack({ apiKey, deliveryToken: 'csdt' + '0'.repeat(40), retryOnError: false }).contentType().find(),
      { status: 401, errorCode: 105 })
  })

  it('refuses a wrong delivery token with the default retries too', async () => {
    // With its defaults the SDK re-sends a 401 until its retry limit (about 1 s here), then
    // rejects with an error that no longer carries the status (status 0, "UNKNOWN_ERROR"):
    // a quirk of @contentstack/core 1.5.1, so only the refusal itself is checked.
    const apiKey = need(state.apiKey, 'stack api_key')
    let refused = false
    try {
      await deliveryStack({ apiKey, deliveryToken: 'csdt' + '0'.repeat(40) }).contentType().find()
    } catch {
      refused = true
    }
    log.record('contentType().find() with a wrong token, default retries', refused, refused ? '' : 'resolved, expected a rejection')
    assert.ok(refused, 'a wrong token must be refused')
  })

  it('refuses the token outside its environment', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const deliveryToken = need(state.deliveryToken, 'delivery token')
    let err
    try {
      await deliveryStack({ apiKey, deliveryToken, environment: 'production', retryOnError: false }).contentType().find()
    } catch (e) {
      err = e
    }
    const ok = err !== undefined && err.status >= 400 && err.status < 500 && typeof err.error_message === 'string'
    log.record('contentType().find() in an environment outside the token', ok, ok ? '' : `got ${err ? describeError(err) : 'success'}`)
    assert.ok(ok, `want a 4xx refusal, got ${err ? describeError(err) : 'success'}`)
  })
})
