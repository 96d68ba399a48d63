// cli.test.mjs: drives stackd with the real `csdx` binary of @contentstack/cli, unmodified, as a
// subprocess with a scratch HOME. Run by scripts/test.sh; by hand (TLS, as there):
//   NODE_EXTRA_CA_CERTS=tls.crt NODE_OPTIONS="--require $PWD/resolve-local.js" \
//   STACKD_CMA_HOST=cma.test:8443 STACKD_CDA_HOST=cda.test:8444 \
//   STACKD_CLI_EMAIL=… STACKD_CLI_PASSWORD=… node --test cli.test.mjs
// The CLI speaks only https and needs a hostname in the certificate (official-clients.md §3);
// the user STACKD_CLI_EMAIL must be allowed to create stacks (an organization admin).
// Each csdx command is one client call in the summary; csdx exits 0 even when a command
// failed, so every command is judged by its output.
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import management from '@contentstack/management'
import { callLog } from './calls.mjs'
import { csdxSession, succeeded } from './csdx.mjs'

function env (name) {
  const value = process.env[name]
  if (!value) throw new Error(`cli: environment variable ${name} is required`)
  return value
}

const cmaHost = env('STACKD_CMA_HOST') // cma.test:PORT
const cdaHost = env('STACKD_CDA_HOST') // cda.test:PORT
const user = { email: env('STACKD_CLI_EMAIL'), password: env('STACKD_CLI_PASSWORD') }
const log = callLog('cli')

// The CLI's whole state (config, tokens, logs, oclif caches) lives in a scratch folder.
const { home, csdx, cliConfig, quiet, remove } = csdxSession(log, { caCert: env('NODE_EXTRA_CA_CERTS') })
after(remove)

function need (value, what) {
  if (!value) throw new Error(`cannot run: ${what} is missing because an earlier step failed`)
  return value
}

describe('csdx CLI against stackd', { timeout: 300_000 }, () => {
  const state = {}

  it('points the CLI at stackd (config:set:region)', async () => {
    // Every csdx command first asks the npm registry for the CLI's latest version; a check
    // dated now keeps the test off the network (and quiet). The CLI still runs unmodified.
    await quiet()
    await csdx('csdx config:set:region', [
      'config:set:region', '--cma', `https://${cmaHost}`, '--cda', `https://${cdaHost}`,
      '--ui-host', `https://${cmaHost}`, '--name', 'Local'
    ], (res) => {
      succeeded(/Custom region has been set to Local/)(res)
      assert.ok(res.out.includes(`CMA host: https://${cmaHost}`), 'CMA host echoed')
      assert.ok(res.out.includes(`CDA host: https://${cdaHost}`), 'CDA host echoed')
    })
  })

  it('logs in (auth:login)', async () => {
    await csdx('csdx auth:login', ['auth:login', '-u', user.email, '-p', user.password],
      succeeded(/Successfully logged in/))
    state.loggedIn = true
  })

  it('sets up a stack, a management token, environments and a delivery token (CMA SDK)', async () => {
    const client = management.client({ host: cmaHost })
    const login = await log.ok('cli user login (CMA SDK)', () => client.login(user))
    const stack = await log.ok('create stack (CMA SDK)', () =>
      client.stack({ organization_uid: login.user.organizations[0].uid }).create({
        stack: { name: 'CLI', description: 'compat csdx', master_locale: 'en-us' }
      }))
    const s = client.stack({ api_key: stack.api_key })
    const mgmt = await log.ok('create management token (CMA SDK)', () =>
      s.managementToken().create({
        token: {
          name: 'csdx',
          description: 'compat csdx',
          scope: [
            { module: '$all', acl: { read: true, write: true } },
            { module: 'branch', branches: ['main'], acl: { read: true } }
          ],
          expires_on: '2099-01-01',
          is_email_notification_enabled: false
        }
      }))
    state.environments = []
    for (const name of ['development', 'production']) {
      const environment = await log.ok(`create environment ${name} (CMA SDK)`, () =>
        s.environment().create({ environment: { name, urls: [{ locale: 'en-us', url: `https://${name}.example.test/` }] } }))
      state.environments.push({ uid: environment.uid, name })
    }
    const delivery = await log.ok('create delivery token (CMA SDK)', () =>
      s.deliveryToken().create({
        token: {
          name: 'csdx',
          scope: [
            { module: 'environment', environments: ['development'], acl: { read: true } },
            { module: 'branch', branches: ['main'], acl: { read: true } }
          ]
        }
      }))
    state.apiKey = stack.api_key
    state.managementToken = mgmt.token
    state.deliveryToken = delivery.token
    state.client = client
    state.orgUid = login.user.organizations[0].uid
  })

  it('saves a management token after checking it (auth:tokens:add --management)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const token = need(state.managementToken, 'management token')
    // The CLI checks the token with GET /v3/environments?limit=1 before saving it.
    await csdx('csdx auth:tokens:add --management', [
      'auth:tokens:add', '-a', 'mt1', '-k', apiKey, '--management', '--token', token, '-y'
    ], succeeded(/Successfully added the token/))
    state.mt1 = true
  })

  it('refuses a wrong management token (auth:tokens:add --management)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    // stackd answers 401 with error_code 105, which the CLI reports as an invalid token.
    await csdx('csdx auth:tokens:add --management with a wrong token', [
      'auth:tokens:add', '-a', 'mtbad', '-k', apiKey, '--management', '--token', 'csmt' + '0'.repeat(40), '-y'
    ], (res) => {
      assert.match(res.out, /Invalid management token/)
      assert.doesNotMatch(res.out, /Successfully added/)
    })
  })

  it('saves a delivery token (auth:tokens:add --delivery)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const token = need(state.deliveryToken, 'delivery token')
    await csdx('csdx auth:tokens:add --delivery', [
      'auth:tokens:add', '-a', 'dt1', '-k', apiKey, '--delivery', '-e', 'development', '--token', token, '-y'
    ], succeeded(/Successfully added the token/))
  })

  it('lists the saved tokens, not the refused one (auth:tokens)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    const res = await csdx('csdx auth:tokens', ['auth:tokens', '--output', 'json'], (r) => {
      assert.equal(r.code, 0, 'exit status')
      assert.match(r.out, /"alias"/)
    })
    const list = JSON.parse(res.stdout.slice(res.stdout.indexOf('[')))
    const byAlias = Object.fromEntries(list.map((t) => [t.alias, t]))
    assert.equal(byAlias.mt1?.type, 'management')
    assert.equal(byAlias.mt1?.apiKey, apiKey)
    assert.equal(byAlias.dt1?.type, 'delivery')
    assert.equal(byAlias.dt1?.environment, 'development')
    assert.equal(byAlias.mtbad, undefined, 'the refused token must not be saved')
  })

  it('lists the branches of the stack (cm:branches)', async () => {
    const apiKey = need(state.apiKey, 'stack api_key')
    need(state.loggedIn, 'csdx login')
    await csdx('csdx cm:branches', ['cm:branches', '-k', apiKey], (res) => {
      assert.equal(res.code, 0, 'exit status')
      assert.match(res.out, /^\s*\*?\s*main\s*$/m)
    })
  })

  it('exports the environments with the management token (cm:stacks:export --module environments)', async () => {
    need(state.mt1, 'management token alias mt1')
    const environments = need(state.environments, 'environments')
    // The export's "stack" step asks GET /v3/locales for the master locale; an export config
    // that names the master locale skips that request (roundtrip.test.mjs exports without one).
    const config = join(home, 'export-config.json')
    writeFileSync(config, JSON.stringify({ master_locale: { code: 'en-us' } }))
    const dir = join(home, 'export')
    await csdx('csdx cm:stacks:export --module environments', [
      'cm:stacks:export', '-a', 'mt1', '-c', config, '-d', dir, '--module', 'environments', '-y'
    ], succeeded(/Successfully exported 2 environment\(s\)/))
    const file = join(dir, 'main', 'environments', 'environments.json')
    assert.ok(existsSync(file), `${file} must exist`)
    const exported = JSON.parse(readFileSync(file, 'utf8'))
    assert.deepEqual(Object.keys(exported).sort(), environments.map((e) => e.uid).sort())
    for (const e of environments) {
      assert.equal(exported[e.uid].name, e.name)
      assert.deepEqual(exported[e.uid].urls, [{ locale: 'en-us', url: `https://${e.name}.example.test/` }])
    }
    const branches = JSON.parse(readFileSync(join(dir, 'branches.json'), 'utf8'))
    assert.deepEqual(branches.map((b) => b.uid), ['main'])
    state.exportDir = dir
    state.exportConfig = config
  })

  it('imports them into another stack (cm:stacks:import --module environments)', async () => {
    const dir = need(state.exportDir, 'the environments export')
    const client = need(state.client, 'the CMA SDK session')
    const target = await log.ok('create import target stack (CMA SDK)', () =>
      client.stack({ organization_uid: state.orgUid }).create({
        stack: { name: 'CLI import', description: 'compat csdx import', master_locale: 'en-us' }
      }))
    const s = client.stack({ api_key: target.api_key })
    const mgmt = await log.ok('create import target management token (CMA SDK)', () =>
      s.managementToken().create({
        token: {
          name: 'csdx import',
          scope: [
            { module: '$all', acl: { read: true, write: true } },
            { module: 'branch', branches: ['main'], acl: { read: true } }
          ],
          expires_on: '2099-01-01'
        }
      }))
    await csdx('csdx auth:tokens:add --management (import target)', [
      'auth:tokens:add', '-a', 'mt2', '-k', target.api_key, '--management', '--token', mgmt.token, '-y'
    ], succeeded(/Successfully added the token/))
    // The import first sends POST /v3/locales (its answer is not checked) and, unless the
    // config names the master locale, GET /v3/locales?query={"fallback_locale":null}.
    await csdx('csdx cm:stacks:import --module environments', [
      'cm:stacks:import', '-a', 'mt2', '-c', state.exportConfig, '-d', join(dir, 'main'),
      '--module', 'environments', '-y'
    ], succeeded(/Environments have been imported successfully/))
    const imported = await log.ok('list imported environments (CMA SDK)', () =>
      s.environment().query({ include_count: true }).find())
    assert.deepEqual(imported.items.map((e) => e.name).sort(), state.environments.map((e) => e.name).sort())
    for (const e of imported.items) {
      assert.deepEqual(e.urls, [{ locale: 'en-us', url: `https://${e.name}.example.test/` }])
    }
  })

  it('logs out, and stackd revokes the CLI session (auth:logout)', async () => {
    need(state.loggedIn, 'csdx login')
    const authtoken = await cliConfig(`return u.configHandler.get('authtoken')`)
    assert.equal(typeof authtoken, 'string', 'the CLI keeps the authtoken of its session')
    await csdx('csdx auth:logout', ['auth:logout', '-y'], succeeded(/Successfully logged out/))
    let err
    try {
      await management.client({ host: cmaHost, authtoken }).getUser()
    } catch (e) {
      err = e
    }
    const ok = err !== undefined && err.status === 401
    log.record('getUser with the logged-out CLI authtoken (CMA SDK)', ok, ok ? '' : `want status 401, got ${err ? err.status : 'success'}`)
    assert.ok(ok, `the CLI's authtoken must stop working after auth:logout (got ${err ? err.status : 'success'})`)
  })
})
