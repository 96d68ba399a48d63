// sdk.test.mjs: one stack of its own, driven module by module through the official SDKs'
// own methods, unmodified: the CMA SDK (@contentstack/management 1.30.2) for users, stacks,
// roles, tokens, environments, locales, content types, global fields, entries, assets,
// workflows, publish rules and the audit log; then the delivery SDK
// (@contentstack/delivery-sdk 5.2.0) reads back what was published.
// Run by scripts/test.sh; by hand (TLS, as there):
//   NODE_EXTRA_CA_CERTS=tls.crt NODE_OPTIONS="--require $PWD/resolve-local.js" \
//   STACKD_CMA_HOST=cma.test:8443 STACKD_CDA_HOST=cda.test:8444 \
//   STACKD_OWNER_EMAIL=… STACKD_OWNER_PASSWORD=… STACKD_DEV_EMAIL=… STACKD_DEV_PASSWORD=… \
//   node --test sdk.test.mjs
// The steps run in order and share one state object: a step whose input an earlier step
// should have made fails with "cannot run: … is missing".
//
// Where SDK 1.30.2 lacks the method one would expect, the nearest one is used: it has no
// entry.versions() (an earlier version is read with entry.fetch({ version: 1 })), and workflows
// and publish rules have fetchAll() instead of query().find().
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import management from '@contentstack/management'
import delivery from '@contentstack/delivery-sdk'
import { callLog, describeError } from './calls.mjs'

function env (name) {
  const value = process.env[name]
  if (!value) throw new Error(`sdk: environment variable ${name} is required`)
  return value
}

const host = env('STACKD_CMA_HOST')
const [cdaHostname, cdaPort] = env('STACKD_CDA_HOST').split(':')
const owner = { email: env('STACKD_OWNER_EMAIL'), password: env('STACKD_OWNER_PASSWORD') }
const dev = { email: env('STACKD_DEV_EMAIL'), password: env('STACKD_DEV_PASSWORD') }
const BLT_UID = /^blt[a-f0-9]{16}$/
const log = callLog('sdk')

// ok runs one SDK call and records it; a rejection fails the step with the SDK's error.
const ok = (label, fn) => log.ok(label, fn)

// refused checks that one CMA SDK call rejects with the given status and errorCode and a
// string errorMessage, and records the outcome.
async function refused (label, fn, want) {
  let result
  try {
    result = await fn()
  } catch (err) {
    const good = err && err.status === want.status && err.errorCode === want.errorCode &&
      typeof err.errorMessage === 'string'
    log.record(label, good, good ? '' : `want ${JSON.stringify(want)}, got ${describeError(err)}`)
    assert.ok(good, `${label}: want ${JSON.stringify(want)}, got ${describeError(err)}`)
    return err
  }
  log.record(label, false, 'resolved, expected a rejection')
  assert.fail(`${label}: expected a rejection ${JSON.stringify(want)}, got ${JSON.stringify(result)}`)
}

// need fails a step whose input an earlier step should have produced.
function need (value, what) {
  if (!value) throw new Error(`cannot run: ${what} is missing because an earlier step failed`)
  return value
}

// Each credential gets a client of its own: the SDK keeps a management token in its client's
// default headers for every later call (official-clients.md §1.4).
const newClient = () => management.client({ host })

const ENV_URLS = (name) => [{ locale: 'en-us', url: `https://${name}.example.test/` }]

// The content types: blog uses every field kind the suite checks, author is referenced.
const AUTHOR_SCHEMA = [
  { display_name: 'Title', uid: 'title', data_type: 'text', mandatory: true, unique: true },
  { display_name: 'Bio', uid: 'bio', data_type: 'text' }
]
const BLOG_SCHEMA = [
  { display_name: 'Title', uid: 'title', data_type: 'text', mandatory: true, unique: true },
  { display_name: 'Rating', uid: 'rating', data_type: 'number' },
  { display_name: 'Featured', uid: 'featured', data_type: 'boolean' },
  { display_name: 'Date', uid: 'date', data_type: 'isodate' },
  { display_name: 'Hero', uid: 'hero', data_type: 'file' },
  { display_name: 'Author', uid: 'author', data_type: 'reference', reference_to: ['author'], field_metadata: { ref_multiple: false } },
  {
    display_name: 'Meta',
    uid: 'meta',
    data_type: 'group',
    schema: [
      { display_name: 'Summary', uid: 'summary', data_type: 'text' },
      { display_name: 'Words', uid: 'words', data_type: 'number' }
    ]
  },
  {
    display_name: 'Sections',
    uid: 'sections',
    data_type: 'blocks',
    multiple: true,
    blocks: [
      { title: 'Quote', uid: 'quote', schema: [{ display_name: 'Text', uid: 'text', data_type: 'text' }] },
      { title: 'Gallery', uid: 'gallery', schema: [{ display_name: 'Caption', uid: 'caption', data_type: 'text' }] }
    ]
  }
]

describe('the official SDKs, module by module, against stackd', { timeout: 120_000 }, () => {
  const ownerClient = newClient()
  const devClient = newClient()
  const tokenClient = newClient()
  const s = {} // state shared by the steps
  const ownerStack = () => ownerClient.stack({ api_key: need(s.apiKey, 'stack api_key') })
  const tokenStack = () => tokenClient.stack({ api_key: need(s.apiKey, 'stack api_key'), management_token: need(s.mgmtSecret, 'management token') })
  const scratch = mkdtempSync(join(tmpdir(), 'stackd-sdk-'))
  after(() => rmSync(scratch, { recursive: true, force: true }))

  // --- users and stacks -------------------------------------------------------------------

  it('logs in as the owner and reads the user', async () => {
    const res = await ok('owner login', () => ownerClient.login(owner))
    assert.equal(res.notice, 'Login Successful.')
    assert.match(res.user.uid, BLT_UID)
    assert.equal(res.user.email, owner.email)
    const me = await ok('owner getUser', () => ownerClient.getUser())
    assert.equal(me.uid, res.user.uid)
    assert.equal(me.email, owner.email)
    assert.ok(me.organizations.length > 0, 'the owner belongs to an organization')
    s.ownerUid = me.uid
    s.orgUid = res.user.organizations[0].uid
  })

  it('creates, fetches and updates a stack', async () => {
    const created = await ok('stack create', () =>
      ownerClient.stack({ organization_uid: need(s.orgUid, 'organization') }).create({
        stack: { name: 'SDK', description: 'compat sdk', master_locale: 'en-us' }
      }))
    assert.equal(created.name, 'SDK')
    assert.match(created.api_key, BLT_UID)
    assert.equal(created.master_locale, 'en-us')
    s.apiKey = created.api_key
    const stack = await ok('stack fetch', () => ownerStack().fetch())
    assert.equal(stack.api_key, s.apiKey)
    assert.equal(stack.description, 'compat sdk')
    stack.name = 'SDK modules'
    stack.description = 'every module through the SDK'
    const updated = await ok('stack update', () => stack.update())
    assert.equal(updated.name, 'SDK modules')
    assert.equal(updated.description, 'every module through the SDK')
    assert.equal(updated.api_key, s.apiKey)
  })

  it('lists the organizations, their stacks and the branches', async () => {
    const orgs = await ok('organization fetchAll', () => ownerClient.organization().fetchAll())
    assert.ok(orgs.items.some((o) => o.uid === s.orgUid), 'the owner organization is listed')
    const org = await ok('organization fetch', () => ownerClient.organization(need(s.orgUid, 'organization')).fetch())
    assert.equal(org.uid, s.orgUid)
    const orgStacks = await ok('organization stacks', () => org.stacks())
    assert.ok(orgStacks.items.some((st) => st.api_key === s.apiKey), 'the new stack is among the organization stacks')
    const stacks = await ok('stack query', () => ownerClient.stack({ organization_uid: s.orgUid }).query().find())
    assert.ok(stacks.items.some((st) => st.api_key === s.apiKey), 'the new stack is listed')
    const branches = await ok('branch query', () => ownerStack().branch().query().find())
    assert.deepEqual(branches.items.map((b) => b.uid), ['main'])
    const main = await ok('branch fetch', () => ownerStack().branch('main').fetch())
    assert.equal(main.uid, 'main')
  })

  it('creates, fetches, queries and updates a role with a branch rule', async () => {
    const roles = await ok('role fetchAll', () => ownerStack().role().fetchAll())
    const byName = Object.fromEntries(roles.items.map((r) => [r.name, r]))
    for (const name of ['Admin', 'Developer', 'Content Manager']) assert.ok(byName[name], `built-in role ${name} is listed`)
    s.adminRole = byName.Admin.uid
    s.developerRole = byName.Developer.uid
    const role = await ok('role create', () => ownerStack().role().create({
      role: {
        name: 'Reviewer',
        description: 'reads blog posts',
        rules: [
          { module: 'branch', branches: ['main'], acl: { read: true } },
          { module: 'content_type', content_types: ['$all'], acl: { read: true, sub_acl: { read: true } } },
          { module: 'environment', environments: [], acl: { read: true } }
        ]
      }
    }))
    assert.match(role.uid, BLT_UID)
    assert.equal(role.name, 'Reviewer')
    const branchRule = role.rules.find((r) => r.module === 'branch')
    assert.deepEqual(branchRule.branches, ['main'])
    s.customRole = role.uid
    const fetched = await ok('role fetch', () => ownerStack().role(role.uid).fetch())
    assert.equal(fetched.name, 'Reviewer')
    assert.equal(fetched.description, 'reads blog posts')
    const found = await ok('role query', () => ownerStack().role().query({ include_count: true }).find())
    assert.ok(found.items.some((r) => r.uid === role.uid), 'the new role is listed')
    assert.equal(found.count, found.items.length)
    fetched.name = 'Blog reviewer'
    const updated = await ok('role update', () => fetched.update())
    assert.equal(updated.name, 'Blog reviewer')
    assert.deepEqual(updated.rules.find((r) => r.module === 'branch').branches, ['main'])
  })

  it('shares the stack with the dev user, lists the users and changes their roles', async () => {
    const developerRole = need(s.developerRole, 'Developer role')
    const shared = await ok('stack share', () => ownerStack().share([dev.email], { [dev.email]: [developerRole] }))
    assert.equal(typeof shared.notice, 'string')
    const users = await ok('stack users', () => ownerStack().users())
    const devUser = users.find((u) => u.email === dev.email)
    assert.ok(devUser, `${dev.email} is among the stack's users`)
    assert.match(devUser.uid, BLT_UID)
    assert.ok(users.some((u) => u.uid === s.ownerUid), 'the owner is among the stack users')
    s.devUid = devUser.uid
    const res = await ok('stack updateUsersRoles', () =>
      ownerStack().updateUsersRoles({ [devUser.uid]: [developerRole, need(s.customRole, 'custom role')] }))
    assert.equal(typeof res.notice, 'string')
  })

  it('does not let a developer create a management token (403, 162)', async () => {
    const res = await ok('dev login', () => devClient.login(dev))
    assert.equal(res.user.email, dev.email)
    const me = await ok('dev getUser', () => devClient.getUser())
    me.first_name = 'Dee'
    const renamed = await ok('dev user update', () => me.update())
    assert.equal(renamed.first_name, 'Dee')
    assert.equal(renamed.email, dev.email)
    const stack = await ok('dev fetches the shared stack', () => devClient.stack({ api_key: need(s.apiKey, 'stack api_key') }).fetch())
    assert.equal(stack.api_key, s.apiKey)
    await refused('dev creates a management token', () =>
      devClient.stack({ api_key: s.apiKey }).managementToken().create({
        token: { name: 'dev', scope: [{ module: '$all', acl: { read: true, write: true } }, { module: 'branch', branches: ['main'], acl: { read: true } }] }
      }), { status: 403, errorCode: 162 })
  })

  it('unshares the stack and deletes the custom role', async () => {
    const res = await ok('stack unShare', () => ownerStack().unShare(dev.email))
    assert.equal(typeof res.notice, 'string')
    const users = await ok('stack users after unShare', () => ownerStack().users())
    assert.ok(!users.some((u) => u.email === dev.email), 'the dev user is gone')
    const role = await ok('role fetch before delete', () => ownerStack().role(need(s.customRole, 'custom role')).fetch())
    const deleted = await ok('role delete', () => role.delete())
    assert.equal(typeof deleted.notice, 'string')
    const roles = await ok('role query after delete', () => ownerStack().role().query().find())
    assert.ok(!roles.items.some((r) => r.uid === s.customRole), 'the deleted role is gone')
  })

  // --- environments and locales -----------------------------------------------------------

  it('creates, queries, fetches, updates and deletes environments', async () => {
    for (const name of ['production', 'staging', 'scratch']) {
      const e = await ok(`environment create ${name}`, () =>
        ownerStack().environment().create({ environment: { name, urls: ENV_URLS(name) } }))
      assert.equal(e.name, name)
      assert.match(e.uid, BLT_UID)
      s[`env_${name}`] = e.uid
    }
    const list = await ok('environment query include_count', () => ownerStack().environment().query({ include_count: true }).find())
    assert.equal(list.count, 3)
    assert.deepEqual(list.items.map((e) => e.name).sort(), ['production', 'scratch', 'staging'])
    const counted = await ok('environment query count', () => ownerStack().environment().query().count())
    assert.equal(counted.environments, 3)
    const first = await ok('environment query findOne', () => ownerStack().environment().query({ asc: 'name' }).findOne())
    assert.equal(first.items.length, 1)
    assert.equal(first.items[0].name, 'production')
    const e = await ok('environment fetch', () => ownerStack().environment('scratch').fetch())
    assert.equal(e.uid, s.env_scratch)
    assert.deepEqual(e.urls, ENV_URLS('scratch'))
    e.name = 'scratch2'
    e.urls = ENV_URLS('scratch2')
    const updated = await ok('environment update', () => e.update())
    assert.equal(updated.name, 'scratch2')
    assert.equal(updated.uid, s.env_scratch)
    const deleted = await ok('environment delete', () => ownerStack().environment('scratch2').delete())
    assert.equal(typeof deleted.notice, 'string')
    const remaining = await ok('environment query after delete', () => ownerStack().environment().query({ include_count: true }).find())
    assert.equal(remaining.count, 2)
  })

  it('creates locales with fallbacks, queries, fetches, updates and deletes one', async () => {
    const fr = await ok('locale create fr-fr', () =>
      ownerStack().locale().create({ locale: { code: 'fr-fr', name: 'French - France' } }))
    assert.equal(fr.code, 'fr-fr')
    assert.equal(fr.fallback_locale, 'en-us')
    const ca = await ok('locale create fr-ca falling back to fr-fr', () =>
      ownerStack().locale().create({ locale: { code: 'fr-ca', name: 'French - Canada', fallback_locale: 'fr-fr' } }))
    assert.equal(ca.fallback_locale, 'fr-fr')
    const list = await ok('locale query include_count', () => ownerStack().locale().query({ include_count: true }).find())
    assert.equal(list.count, 3)
    assert.deepEqual(list.items.map((l) => l.code).sort(), ['en-us', 'fr-ca', 'fr-fr'])
    const fetched = await ok('locale fetch', () => ownerStack().locale('fr-ca').fetch())
    assert.equal(fetched.name, 'French - Canada')
    assert.equal(fetched.fallback_locale, 'fr-fr')
    fetched.name = 'Québécois'
    const updated = await ok('locale update', () => fetched.update())
    assert.equal(updated.name, 'Québécois')
    assert.equal(updated.fallback_locale, 'fr-fr')
    const deleted = await ok('locale delete', () => ownerStack().locale('fr-ca').delete())
    assert.equal(typeof deleted.notice, 'string')
    const remaining = await ok('locale query after delete', () => ownerStack().locale().query({ include_count: true }).find())
    assert.equal(remaining.count, 2)
  })

  // --- tokens -----------------------------------------------------------------------------

  it('creates, lists, fetches, updates and deletes management tokens', async () => {
    const scope = [
      ...['content_type', 'entry', 'asset', 'workflow', 'publishing_rule'].map((module) => ({ module, acl: { read: true, write: true } })),
      ...['environment', 'locale', 'global_field', 'role', 'audit_log'].map((module) => ({ module, acl: { read: true } })),
      { module: 'branch', branches: ['main'], acl: { read: true } }
    ]
    const token = await ok('management token create', () => ownerStack().managementToken().create({
      token: { name: 'sdk', description: 'compat sdk', scope, expires_on: '2099-01-01', is_email_notification_enabled: false }
    }))
    assert.equal(token.name, 'sdk')
    assert.match(token.uid, BLT_UID)
    assert.match(token.token, /^csmt[0-9a-f]{40}$/)
    s.mgmtSecret = token.token
    s.mgmtUid = token.uid
    const spare = await ok('management token create (to delete)', () => ownerStack().managementToken().create({
      token: { name: 'spare', scope: [{ module: 'entry', acl: { read: true } }, { module: 'branch', branches: ['main'], acl: { read: true } }], expires_on: null }
    }))
    const list = await ok('management token list', () => ownerStack().managementToken().query().find())
    assert.deepEqual(list.items.map((t) => t.name).sort(), ['sdk', 'spare'])
    for (const t of list.items) assert.equal(t.token, undefined, `listed token ${t.name} shows no secret`)
    const fetched = await ok('management token fetch', () => ownerStack().managementToken(token.uid).fetch())
    assert.equal(fetched.name, 'sdk')
    assert.equal(fetched.token, undefined, 'a fetched token shows no secret')
    assert.ok(fetched.scope.some((m) => m.module === 'role' && m.acl.read && !m.acl.write), 'the role scope is read-only')
    fetched.description = 'compat sdk, updated'
    const updated = await ok('management token update', () => fetched.update())
    assert.equal(updated.description, 'compat sdk, updated')
    assert.equal(updated.token, undefined)
    const deleted = await ok('management token delete', () => ownerStack().managementToken(spare.uid).delete())
    assert.equal(typeof deleted.notice, 'string')
    const remaining = await ok('management token list after delete', () => ownerStack().managementToken().query().find())
    assert.deepEqual(remaining.items.map((t) => t.uid), [token.uid])
  })

  it('creates, lists and deletes delivery tokens', async () => {
    const make = (name, environment) => ownerStack().deliveryToken().create({
      token: {
        name,
        scope: [
          { module: 'environment', environments: [environment], acl: { read: true } },
          { module: 'branch', branches: ['main'], acl: { read: true } }
        ]
      }
    })
    const prod = await ok('delivery token create production', () => make('site', 'production'))
    assert.equal(prod.name, 'site')
    assert.equal(typeof prod.token, 'string')
    s.deliveryToken = prod.token
    const staging = await ok('delivery token create staging', () => make('preview', 'staging'))
    const list = await ok('delivery token list', () => ownerStack().deliveryToken().query().find())
    assert.deepEqual(list.items.map((t) => t.name).sort(), ['preview', 'site'])
    const fetched = await ok('delivery token fetch', () => ownerStack().deliveryToken(prod.uid).fetch())
    assert.equal(fetched.token, prod.token, 'a delivery token is readable, as in Contentstack')
    fetched.description = 'the public site'
    const updated = await ok('delivery token update', () => fetched.update())
    assert.equal(updated.description, 'the public site')
    assert.equal(updated.token, prod.token, 'an update keeps the secret')
    const deleted = await ok('delivery token delete', () => ownerStack().deliveryToken(staging.uid).delete())
    assert.equal(typeof deleted.notice, 'string')
    const remaining = await ok('delivery token list after delete', () => ownerStack().deliveryToken().query().find())
    assert.deepEqual(remaining.items.map((t) => t.name), ['site'])
  })

  it('a management token client may write within its scope, and no more', async () => {
    const env = await ok('token reads an environment', () => tokenStack().environment('production').fetch())
    assert.equal(env.uid, s.env_production)
    await refused('token fetches the stack', () => tokenStack().fetch(), { status: 403, errorCode: 162 })
    const roles = await ok('token reads roles', () => tokenStack().role().fetchAll())
    assert.ok(roles.items.length >= 3, 'the built-in roles are readable')
    await refused('token creates a role (read-only scope)', () => tokenStack().role().create({
      role: { name: 'Nope', rules: [{ module: 'branch', branches: ['main'], acl: { read: true } }] }
    }), { status: 403, errorCode: 162 })
    await refused('token creates an environment (read-only scope)', () =>
      tokenStack().environment().create({ environment: { name: 'nope', urls: ENV_URLS('nope') } }), { status: 403, errorCode: 162 })
    // The allowed write: the author content type (content_type write scope).
    const author = await ok('token creates content type author', () => tokenStack().contentType().create({
      content_type: { title: 'Author', uid: 'author', schema: AUTHOR_SCHEMA, options: { singleton: false, is_page: false } }
    }))
    assert.equal(author.uid, 'author')
    assert.deepEqual(author.schema.map((f) => f.uid), ['title', 'bio'])
  })

  // --- content types and global fields ----------------------------------------------------

  it('creates the blog content type with every field kind', async () => {
    const blog = await ok('content type create blog', () => ownerStack().contentType().create({
      content_type: {
        title: 'Blog',
        uid: 'blog',
        description: 'posts',
        schema: BLOG_SCHEMA,
        options: { is_page: true, singleton: false, title: 'title', url_pattern: '/:title' }
      }
    }))
    assert.equal(blog.uid, 'blog')
    assert.equal(blog.title, 'Blog')
    assert.deepEqual(blog.schema.map((f) => [f.uid, f.data_type]), BLOG_SCHEMA.map((f) => [f.uid, f.data_type]))
    assert.deepEqual(blog.schema.find((f) => f.uid === 'author').reference_to, ['author'])
    assert.deepEqual(blog.schema.find((f) => f.uid === 'sections').blocks.map((b) => b.uid), ['quote', 'gallery'])
    assert.equal(blog._version, 1)
  })

  it('queries, fetches and updates content types', async () => {
    const all = await ok('content type query include_count', () => ownerStack().contentType().query({ include_count: true }).find())
    assert.equal(all.count, 2)
    assert.deepEqual(all.items.map((c) => c.uid).sort(), ['author', 'blog'])
    const filtered = await ok('content type query with a query filter', () =>
      ownerStack().contentType().query({ include_count: true, query: { title: 'Blog' } }).find())
    assert.equal(filtered.count, 1)
    assert.deepEqual(filtered.items.map((c) => c.uid), ['blog'])
    const blog = await ok('content type fetch', () => ownerStack().contentType('blog').fetch())
    assert.equal(blog.title, 'Blog')
    assert.equal(blog.schema.length, BLOG_SCHEMA.length)
    blog.description = 'blog posts'
    const updated = await ok('content type update', () => blog.update())
    assert.equal(updated.description, 'blog posts')
    assert.equal(updated._version, 2)
    assert.equal(updated.schema.length, BLOG_SCHEMA.length)
  })

  it('creates and fetches a global field and embeds it in a content type', async () => {
    const gf = await ok('global field create', () => ownerStack().globalField().create({
      global_field: { title: 'SEO', uid: 'seo', schema: [{ display_name: 'Keywords', uid: 'keywords', data_type: 'text' }] }
    }))
    assert.equal(gf.uid, 'seo')
    assert.deepEqual(gf.schema.map((f) => f.uid), ['keywords'])
    const fetched = await ok('global field fetch', () => ownerStack().globalField('seo').fetch())
    assert.equal(fetched.title, 'SEO')
    const page = await ok('content type create page embedding seo', () => ownerStack().contentType().create({
      content_type: {
        title: 'Page',
        uid: 'page',
        schema: [
          { display_name: 'Title', uid: 'title', data_type: 'text', mandatory: true, unique: true },
          { display_name: 'SEO', uid: 'seo', data_type: 'global_field', reference_to: 'seo' }
        ]
      }
    }))
    assert.equal(page.schema.find((f) => f.uid === 'seo').reference_to, 'seo')
    const withSchema = await ok('content type fetch include_global_field_schema', () =>
      ownerStack().contentType('page').fetch({ include_global_field_schema: true }))
    assert.deepEqual(withSchema.schema.find((f) => f.uid === 'seo').schema.map((f) => f.uid), ['keywords'])
  })

  it('queries, updates and deletes global fields; deletes a content type', async () => {
    const list = await ok('global field query include_count', () => ownerStack().globalField().query({ include_count: true }).find())
    assert.equal(list.count, 1)
    assert.deepEqual(list.items.map((g) => g.uid), ['seo'])
    const seo = await ok('global field fetch for update', () => ownerStack().globalField('seo').fetch())
    seo.schema = [...seo.schema, { display_name: 'Description', uid: 'description', data_type: 'text' }]
    const updated = await ok('global field update', () => seo.update())
    assert.deepEqual(updated.schema.map((f) => f.uid), ['keywords', 'description'])
    await ok('global field create (to delete)', () => ownerStack().globalField().create({
      global_field: { title: 'Spare', uid: 'spare', schema: [{ display_name: 'X', uid: 'x', data_type: 'text' }] }
    }))
    const gone = await ok('global field delete', () => ownerStack().globalField('spare').delete())
    assert.equal(typeof gone.notice, 'string')
    await ok('content type create (to delete)', () => ownerStack().contentType().create({
      content_type: { title: 'Scratch', uid: 'scratch', schema: [{ display_name: 'Title', uid: 'title', data_type: 'text', mandatory: true }] }
    }))
    const ctGone = await ok('content type delete', () => ownerStack().contentType('scratch').delete({ force: true }))
    assert.equal(typeof ctGone.notice, 'string')
    const count = await ok('content type query count', () => ownerStack().contentType().query().count())
    assert.equal(count.content_types, 3)
  })

  // --- workflows and publish rules --------------------------------------------------------

  it('creates, fetches, lists and updates a workflow and a publish rule', async () => {
    const adminRole = need(s.adminRole, 'Admin role')
    const wf = await ok('workflow create', () => ownerStack().workflow().create({
      workflow: {
        name: 'Blog review',
        description: 'two stages',
        enabled: true,
        branches: ['main'],
        content_types: ['blog'],
        admin_users: { users: [], roles: [] },
        workflow_stages: [
          {
            uid: 'draft', name: 'Draft', color: '#9e9e9e',
            SYS_ACL: { users: { uids: ['$all'] }, roles: { uids: [] }, others: {} },
            next_available_stages: ['$all'], entry_lock: '$none'
          },
          {
            uid: 'approved', name: 'Approved', color: '#2196f3',
            SYS_ACL: { users: { uids: [] }, roles: { uids: [adminRole] }, others: {} },
            next_available_stages: ['$all'], entry_lock: '$none'
          }
        ]
      }
    }))
    assert.match(wf.uid, BLT_UID)
    assert.deepEqual(wf.workflow_stages.map((st) => st.uid), ['draft', 'approved'])
    assert.deepEqual(wf.content_types, ['blog'])
    s.workflowUid = wf.uid
    // The rule governs blog on staging only, so publishing to production is not held up.
    const rule = await ok('publish rule create', () => ownerStack().workflow().publishRule().create({
      publishing_rule: {
        workflow: wf.uid,
        workflow_stage: 'approved',
        actions: ['publish'],
        branches: ['main'],
        content_types: ['blog'],
        locales: ['en-us'],
        environment: 'staging',
        approvers: { users: [need(s.ownerUid, 'owner uid')], roles: [] },
        disable_approver_publishing: false
      }
    }))
    assert.match(rule.uid, BLT_UID)
    assert.equal(rule.environment, s.env_staging)
    s.ruleUid = rule.uid
    const fetched = await ok('workflow fetch', () => ownerStack().workflow(wf.uid).fetch())
    assert.equal(fetched.name, 'Blog review')
    const all = await ok('workflow fetchAll include_count', () => ownerStack().workflow().fetchAll({ include_count: true }))
    assert.equal(all.count, 1)
    assert.deepEqual(all.items.map((w) => w.uid), [wf.uid])
    fetched.description = 'draft, then approved by an admin'
    const updated = await ok('workflow update', () => fetched.update())
    assert.equal(updated.description, 'draft, then approved by an admin')
    assert.deepEqual(updated.workflow_stages.map((st) => st.uid), ['draft', 'approved'])
    const rules = await ok('publish rule fetchAll', () => ownerStack().workflow().publishRule().fetchAll({ include_count: true }))
    assert.equal(rules.count, 1)
    const r = await ok('publish rule fetch', () => ownerStack().workflow().publishRule(rule.uid).fetch())
    assert.equal(r.workflow_stage, 'approved')
    r.locales = ['en-us', 'fr-fr']
    const ru = await ok('publish rule update', () => r.update())
    assert.deepEqual(ru.locales, ['en-us', 'fr-fr'])
    const forBlog = await ok('workflow contentType getPublishRules', () =>
      ownerStack().workflow().contentType('blog').getPublishRules({ action: 'publish', environment: 'staging' }))
    assert.deepEqual(forBlog.items.map((x) => x.uid), [rule.uid])
  })

  // --- assets (management token) ----------------------------------------------------------

  it('uploads an asset, creates a folder, fetches and publishes the asset', async () => {
    const file = join(scratch, 'hello.txt')
    writeFileSync(file, 'hello from the sdk test\n')
    const asset = await ok('asset create', () => tokenStack().asset().create({ upload: file, title: 'Hello file', tags: ['sdk'] }))
    assert.match(asset.uid, BLT_UID)
    assert.equal(asset.title, 'Hello file')
    assert.equal(asset.filename, 'hello.txt')
    assert.equal(asset.file_size, '24')
    assert.match(asset.url, /^https:\/\/cma\.test:\d+\//, 'the file URL is absolute, on the CMA host')
    s.assetUid = asset.uid
    const folder = await ok('asset folder create', () => tokenStack().asset().folder().create({ asset: { name: 'Images' } }))
    assert.match(folder.uid, BLT_UID)
    assert.equal(folder.name, 'Images')
    assert.equal(folder.is_dir, true)
    const fetched = await ok('asset fetch', () => tokenStack().asset(asset.uid).fetch())
    assert.equal(fetched.title, 'Hello file')
    assert.deepEqual(fetched.tags, ['sdk'])
    const res = await ok('asset publish', () => fetched.publish({ publishDetails: { environments: ['production'], locales: ['en-us'] } }))
    assert.equal(typeof res.notice, 'string')
  })

  it('updates, replaces, lists and downloads assets; manages folders', async () => {
    const folders = await ok('asset query folders', () => tokenStack().asset().query({ include_folders: true, query: { is_dir: true } }).find())
    const folder = folders.items.find((f) => f.name === 'Images')
    assert.ok(folder, 'the folder is listed')
    const f = await ok('asset folder fetch', () => tokenStack().asset().folder(folder.uid).fetch())
    assert.equal(f.name, 'Images')
    f.name = 'Pictures'
    const renamed = await ok('asset folder update', () => f.update())
    assert.equal(renamed.name, 'Pictures')
    const file = join(scratch, 'spare.txt')
    writeFileSync(file, 'spare\n')
    const spare = await ok('asset create in the folder', () =>
      tokenStack().asset().create({ upload: file, title: 'Spare', parent_uid: folder.uid }))
    assert.equal(spare.parent_uid, folder.uid)
    const a = await ok('asset fetch for update', () => tokenStack().asset(spare.uid).fetch())
    a.title = 'Spare, renamed'
    a.description = 'a spare file'
    const updated = await ok('asset update', () => a.update())
    assert.equal(updated.title, 'Spare, renamed')
    assert.equal(updated.description, 'a spare file')
    assert.equal(updated._version, 2)
    const other = join(scratch, 'other.txt')
    writeFileSync(other, 'another file, longer\n')
    const replaced = await ok('asset replace', () => updated.replace({ upload: other }))
    assert.equal(replaced.filename, 'other.txt')
    assert.equal(replaced.file_size, '21')
    assert.equal(replaced._version, 3)
    const res = await ok('asset download', () => replaced.download({ responseType: 'text' }))
    assert.equal(res.status, 200)
    assert.equal(res.data, 'another file, longer\n')
    const inFolder = await ok('asset query in the folder', () => tokenStack().asset().query({ folder: folder.uid, include_count: true }).find())
    assert.deepEqual(inFolder.items.map((x) => x.uid), [spare.uid])
    const deleted = await ok('asset delete', () => replaced.delete())
    assert.equal(typeof deleted.notice, 'string')
    const folderGone = await ok('asset folder delete', () => renamed.delete())
    assert.equal(typeof folderGone.notice, 'string')
    const all = await ok('asset query include_count', () => tokenStack().asset().query({ include_count: true }).find())
    assert.equal(all.count, 1)
    assert.deepEqual(all.items.map((x) => x.uid), [s.assetUid])
  })

  // --- entries (management token) ---------------------------------------------------------

  it('creates entries in the master locale', async () => {
    const ann = await ok('entry create author', () =>
      tokenStack().contentType('author').entry().create({ entry: { title: 'Ann', bio: 'writes' } }, { locale: 'en-us' }))
    assert.match(ann.uid, BLT_UID)
    s.authorUid = ann.uid
    const body = (title, rating) => ({
      title,
      rating,
      featured: rating > 3,
      date: '2024-01-31',
      hero: need(s.assetUid, 'asset'),
      author: [{ uid: ann.uid, _content_type_uid: 'author' }],
      meta: { summary: `about ${title}`, words: 100 * rating },
      sections: [{ quote: { text: 'to be' } }, { gallery: { caption: 'pics' } }]
    })
    const a = await ok('entry create blog A', () => tokenStack().contentType('blog').entry().create({ entry: body('Post A', 5) }, { locale: 'en-us' }))
    assert.equal(a.title, 'Post A')
    assert.equal(a.locale, 'en-us')
    assert.equal(a._version, 1)
    assert.equal(a.rating, 5)
    assert.equal(a.featured, true)
    assert.equal(a.hero, s.assetUid)
    assert.deepEqual(a.author, [{ uid: ann.uid, _content_type_uid: 'author' }])
    assert.deepEqual(a.meta, { summary: 'about Post A', words: 500 })
    assert.deepEqual(a.sections, [{ quote: { text: 'to be' } }, { gallery: { caption: 'pics' } }])
    s.entryA = a.uid
    const b = await ok('entry create blog B', () => tokenStack().contentType('blog').entry().create({ entry: body('Post B', 2) }, { locale: 'en-us' }))
    assert.equal(b.featured, false)
    s.entryB = b.uid
  })

  it('queries, fetches and updates entries; versions increase', async () => {
    const blog = () => tokenStack().contentType('blog')
    // branch_uid sends the branch header; main is the one branch stackd has.
    const onMain = tokenClient.stack({ api_key: s.apiKey, management_token: s.mgmtSecret, branch_uid: 'main' })
    const all = await ok('entry query include_count on branch main', () => onMain.contentType('blog').entry().query({ include_count: true }).find())
    assert.equal(all.count, 2)
    const filtered = await ok('entry query with a query filter', () =>
      blog().entry().query({ include_count: true, query: { rating: { $gt: 3 } } }).find())
    assert.equal(filtered.count, 1)
    assert.deepEqual(filtered.items.map((e) => e.uid), [need(s.entryA, 'entry A')])
    const a = await ok('entry fetch', () => blog().entry(s.entryA).fetch())
    assert.equal(a.title, 'Post A')
    assert.equal(a._version, 1)
    a.title = 'Post A, edited'
    a.meta = { summary: 'edited', words: 501 }
    const updated = await ok('entry update', () => a.update())
    assert.equal(updated.title, 'Post A, edited')
    assert.equal(updated._version, 2)
    assert.equal(updated.rating, 5, 'fields not sent are kept')
    const again = await ok('entry update again', () => updated.update())
    assert.equal(again._version, 3)
    // SDK 1.30.2 has no entry.versions(): read version 1 through fetch's own version parameter.
    const v1 = await ok('entry fetch version 1', () => blog().entry(s.entryA).fetch({ version: 1 }))
    assert.equal(v1._version, 1)
    assert.equal(v1.title, 'Post A')
  })

  it('localizes an entry in fr-fr', async () => {
    const a = await ok('entry fetch before localizing', () => tokenStack().contentType('blog').entry(need(s.entryA, 'entry A')).fetch())
    a.title = 'Article A'
    const fr = await ok('entry update with locale fr-fr', () => a.update({ locale: 'fr-fr' }))
    assert.equal(fr.locale, 'fr-fr')
    assert.equal(fr.title, 'Article A')
    assert.equal(fr._version, 1)
    assert.equal(fr.rating, 5, 'the localized copy starts from the master content')
    const en = await ok('entry fetch en-us after localizing', () => tokenStack().contentType('blog').entry(s.entryA).fetch({ locale: 'en-us' }))
    assert.equal(en.title, 'Post A, edited')
    const locales = await ok('entry locales', () => tokenStack().contentType('blog').entry(s.entryA).locales())
    const localized = locales.locales.filter((l) => l.localized).map((l) => l.code).sort()
    assert.deepEqual(localized, ['en-us', 'fr-fr'])
  })

  it('publishes one entry, unpublishes another, then edits the published one', async () => {
    const blog = () => tokenStack().contentType('blog')
    const a = await ok('entry fetch A to publish', () => blog().entry(need(s.entryA, 'entry A')).fetch())
    const pub = await ok('entry publish A', () =>
      a.publish({ publishDetails: { environments: ['production'], locales: ['en-us'] }, locale: 'en-us' }))
    assert.equal(typeof pub.notice, 'string')
    const b = await ok('entry fetch B', () => blog().entry(need(s.entryB, 'entry B')).fetch())
    await ok('entry publish B', () => b.publish({ publishDetails: { environments: ['production'], locales: ['en-us'] }, locale: 'en-us' }))
    const unpub = await ok('entry unpublish B', () =>
      b.unpublish({ publishDetails: { environments: ['production'], locales: ['en-us'] }, locale: 'en-us' }))
    assert.equal(typeof unpub.notice, 'string')
    const details = await ok('entry fetch A include_publish_details', () => blog().entry(s.entryA).fetch({ include_publish_details: true }))
    assert.deepEqual(details.publish_details.map((d) => [d.environment, d.locale, d.version]), [[s.env_production, 'en-us', 3]])
    // A draft edit after publishing: the CDA must keep serving version 3.
    details.title = 'Post A, draft'
    const draft = await ok('entry update A after publishing', () => details.update())
    assert.equal(draft._version, 4)
  })

  it('bulk publishes an author and bulk deletes an entry; deletes another entry', async () => {
    const bulk = () => tokenStack().bulkOperation()
    // waitJob polls the SDK's jobStatus until the job has run (the job runner looks every second).
    const waitJob = async (label, jobId) => {
      for (let i = 0; i < 40; i++) {
        const res = await ok(`${label} jobStatus`, () => bulk().jobStatus({ job_id: jobId }))
        assert.ok(res && res.job, `${label}: jobStatus answers a job`)
        if (!['queued', 'in_progress', 'scheduled'].includes(res.job.status)) return res.job
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      assert.fail(`${label}: the job did not finish within 10 s`)
    }
    const pub = await ok('bulk publish', () => bulk().publish({
      details: {
        entries: [{ uid: need(s.authorUid, 'author entry'), content_type: 'author', locale: 'en-us' }],
        locales: ['en-us'],
        environments: ['production']
      }
    }))
    assert.match(pub.job_id, BLT_UID)
    const job = await waitJob('bulk publish', pub.job_id)
    assert.equal(job.status, 'success')
    assert.deepEqual(job.summary, { total: 1, success: 1, failed: 0 })
    const c = await ok('entry create blog C (to bulk delete)', () =>
      tokenStack().contentType('blog').entry().create({ entry: { title: 'Post C' } }))
    const del = await ok('bulk delete', () => bulk().delete({ details: { entries: [{ uid: c.uid, content_type: 'blog', locale: 'en-us' }] } }))
    const delJob = await waitJob('bulk delete', del.job_id)
    assert.equal(delJob.status, 'success')
    const d = await ok('entry create blog D (to delete)', () =>
      tokenStack().contentType('blog').entry().create({ entry: { title: 'Post D' } }))
    const gone = await ok('entry delete', () => d.delete())
    assert.equal(typeof gone.notice, 'string')
    const left = await ok('entry query after the deletes', () => tokenStack().contentType('blog').entry().query({ include_count: true }).find())
    assert.deepEqual(left.items.map((e) => e.uid).sort(), [s.entryA, s.entryB].sort())
  })

  // --- entries in the workflow (management token) -----------------------------------------

  it('moves an entry between workflow stages as far as the token may', async () => {
    const a = await ok('entry fetch for workflow', () =>
      tokenStack().contentType('blog').entry(need(s.entryA, 'entry A')).fetch({ include_workflow: true }))
    assert.equal(a._workflow.uid, need(s.workflowUid, 'workflow'))
    assert.equal(a._workflow.stage.uid, 'draft', 'an entry never moved is in the first stage')
    const moved = await ok('entry setWorkflowStage into the open stage', () => a.setWorkflowStage({
      workflow_stage: { uid: 'draft', comment: 'still a draft', notify: false }, locale: 'en-us'
    }))
    assert.equal(moved.notice, 'Workflow stage updated successfully.')
    await refused('entry setWorkflowStage into the Admin-only stage', () => a.setWorkflowStage({
      workflow_stage: { uid: 'approved', comment: 'ship it', notify: false }, locale: 'en-us'
    }), { status: 403, errorCode: 162 })
    await refused('entry publishRequest with the token', () => a.publishRequest({
      publishing_rule: { uid: need(s.ruleUid, 'publish rule'), action: 'publish', status: 0, notify: false, comment: 'please' },
      locale: 'en-us'
    }), { status: 403, errorCode: 162 })
    const remaining = await ok('entry fetch after the moves', () => tokenStack().contentType('blog').entry(s.entryA).fetch({ include_workflow: true }))
    assert.equal(remaining._workflow.stage.uid, 'draft')
    assert.equal(remaining._workflow.stage.comment, 'still a draft')
  })

  it('the owner moves the entry into the Admin-only stage, assigns it, and answers a publish request', async () => {
    const a = await ok('owner fetches the entry for workflow', () =>
      ownerStack().contentType('blog').entry(need(s.entryA, 'entry A')).fetch())
    const moved = await ok('owner setWorkflowStage into the Admin-only stage', () => a.setWorkflowStage({
      workflow_stage: {
        uid: 'approved', comment: 'looks good', due_date: '2030-01-31', notify: false,
        assigned_to: [{ uid: need(s.ownerUid, 'owner uid'), name: 'Owner', email: owner.email }]
      },
      locale: 'en-us'
    }))
    assert.equal(moved.notice, 'Workflow stage updated successfully.')
    const me = await ok('owner getUser for tasks', () => ownerClient.getUser())
    const tasks = await ok('user getTasks', () => me.getTasks({ include_count: true }))
    const task = tasks.assignments.find((t) => t.entry_uid === s.entryA)
    assert.ok(task, 'the assignment is among the owner tasks')
    assert.equal(task.stage.uid, 'approved')
    assert.equal(task.api_key, s.apiKey)
    const rule = need(s.ruleUid, 'publish rule')
    const asked = await ok('owner publishRequest', () => a.publishRequest({
      publishing_rule: { uid: rule, action: 'publish', status: 0, notify: false, comment: 'to staging, please' }, locale: 'en-us'
    }))
    assert.match(asked.notice, /approval request to publish/)
    const accepted = await ok('owner accepts the publish request', () => a.publishRequest({
      publishing_rule: { uid: rule, action: 'publish', status: 1, notify: false }, locale: 'en-us'
    }))
    assert.match(accepted.notice, /accepted the request to publish/)
    const pub = await ok('owner publishes to staging under the accepted request', () =>
      a.publish({ publishDetails: { environments: ['staging'], locales: ['en-us'] }, locale: 'en-us' }))
    assert.equal(typeof pub.notice, 'string')
  })

  it('a token may manage a publish rule without approvers; workflows disable and enable', async () => {
    const rule = await ok('token creates a publish rule without approvers', () => tokenStack().workflow().publishRule().create({
      publishing_rule: {
        workflow: need(s.workflowUid, 'workflow'), workflow_stage: 'draft', actions: ['unpublish'],
        content_types: ['blog'], locales: ['fr-fr'], environment: 'staging', approvers: { users: [], roles: [] }
      }
    }))
    assert.deepEqual(rule.actions, ['unpublish'])
    const withApprovers = await ok('token reads the rule with approvers', () => tokenStack().workflow().publishRule(s.ruleUid).fetch())
    await refused('token updates the rule with approvers', () => withApprovers.update(), { status: 403, errorCode: 162 })
    const deleted = await ok('token deletes its publish rule', () => tokenStack().workflow().publishRule(rule.uid).delete())
    assert.equal(typeof deleted.notice, 'string')
    const wf = await ok('workflow fetch to disable', () => tokenStack().workflow(s.workflowUid).fetch())
    const off = await ok('workflow disable', () => wf.disable())
    assert.equal(off.workflow.enabled, false)
    const on = await ok('workflow enable', () => wf.enable())
    assert.equal(on.workflow.enabled, true)
  })

  it('labels, extensions and webhooks: create, query, fetch, update, delete', async () => {
    const label = await ok('label create', () => ownerStack().label().create({ label: { name: 'Stories', parent: [], content_types: ['blog'] } }))
    assert.match(label.uid, BLT_UID)
    const labels = await ok('label query', () => ownerStack().label().query({ include_count: true, query: { name: 'Stories' } }).find())
    assert.equal(labels.count, 1)
    const l = await ok('label fetch', () => ownerStack().label(label.uid).fetch())
    assert.deepEqual(l.content_types, ['blog'])
    l.name = 'Tales'
    assert.equal((await ok('label update', () => l.update())).name, 'Tales')
    await ok('label delete', () => l.delete())
    const ext = await ok('extension create', () => ownerStack().extension().create({
      extension: { title: 'Color picker', type: 'field', data_type: 'text', src: 'https://example.test/color.html', multiple: false, config: '{}', tags: ['ui'] }
    }))
    assert.deepEqual(ext.config, {})
    const exts = await ok('extension query', () => ownerStack().extension().query({ query: { type: 'field' } }).find())
    assert.deepEqual(exts.items.map((x) => x.uid), [ext.uid])
    const x = await ok('extension fetch', () => ownerStack().extension(ext.uid).fetch())
    x.title = 'Colour picker'
    assert.equal((await ok('extension update', () => x.update())).title, 'Colour picker')
    await ok('extension delete', () => x.delete())
    const hook = await ok('webhook create', () => ownerStack().webhook().create({
      webhook: {
        name: 'Rebuild',
        destinations: [{ target_url: 'https://ci.example.test/rebuild', http_basic_auth: 'ci', http_basic_password: 's3cret' }],
        channels: ['content_types.entries.publish'],
        branches: ['main'],
        retry_policy: 'manual',
        disabled: true
      }
    }))
    assert.equal(hook.destinations[0].http_basic_password, '********')
    const hooks = await ok('webhook fetchAll', () => ownerStack().webhook().fetchAll({ include_count: true }))
    assert.equal(hooks.count, 1)
    const h = await ok('webhook fetch', () => ownerStack().webhook(hook.uid).fetch())
    h.name = 'Rebuild the site'
    const hu = await ok('webhook update', () => h.update())
    assert.equal(hu.name, 'Rebuild the site')
    const execs = await ok('webhook executions', () => hu.executions())
    assert.deepEqual(execs.webhooks, [])
    await ok('webhook delete', () => hu.delete())
  })

  // --- audit log --------------------------------------------------------------------------

  it('the audit log names the management token and no person for its writes', async () => {
    const logs = await ok('auditLog fetchAll', () => tokenStack().auditLog().fetchAll({ include_count: true, limit: 100 }))
    assert.ok(logs.count >= logs.items.length && logs.items.length > 0, 'items are listed with a count')
    const byToken = logs.items.filter((i) => i.management_token)
    assert.ok(byToken.length > 0, 'the token wrote items')
    for (const item of byToken) {
      assert.deepEqual(Object.keys(item.management_token).sort(), ['name', 'uid'])
      assert.equal(item.management_token.uid, s.mgmtUid)
      assert.equal(item.created_by, undefined, `${item.module}/${item.event_type} by the token names no user`)
      const text = JSON.stringify(item)
      assert.ok(!text.includes(s.ownerUid) && !text.includes(owner.email), `${item.module}/${item.event_type} carries no personal details`)
    }
    const entryCreate = byToken.find((i) => i.module === 'entry' && i.event_type === 'create' && i.metadata.uid === s.entryA)
    assert.ok(entryCreate, 'the creation of entry A is an item of the token')
    const ownerItems = logs.items.filter((i) => i.created_by === s.ownerUid)
    assert.ok(ownerItems.length > 0, "the owner's writes name the owner")
    const one = await ok('auditLog fetch one item', () => tokenStack().auditLog(entryCreate.uid).fetch())
    assert.equal(one.log.uid, entryCreate.uid)
    assert.deepEqual(one.log.management_token, entryCreate.management_token)
  })

  // --- the delivery SDK -------------------------------------------------------------------

  // deliveryStack is the delivery SDK with a website's options: its default retries stay on.
  const deliveryStack = () => delivery.stack({
    apiKey: need(s.apiKey, 'stack api_key'),
    deliveryToken: need(s.deliveryToken, 'delivery token'),
    environment: 'production',
    host: cdaHostname,
    port: Number(cdaPort)
  })

  it('the delivery SDK sees exactly what was published', async () => {
    const list = await ok('delivery entries find includeCount', () => deliveryStack().contentType('blog').entry().includeCount().find())
    assert.equal(list.count, 1, 'only entry A is published (B was unpublished)')
    assert.deepEqual(list.entries.map((e) => e.uid), [need(s.entryA, 'entry A')])
    const [a] = list.entries
    assert.equal(a.title, 'Post A, edited', 'the published version, not the later draft')
    assert.equal(a._version, 3)
    assert.equal(a.publish_details.environment, s.env_production)
    assert.equal(a.publish_details.locale, 'en-us')
    const one = await ok('delivery entry fetch', () => deliveryStack().contentType('blog').entry(s.entryA).fetch())
    assert.equal(one.uid, s.entryA)
    assert.equal(one.title, 'Post A, edited')
    assert.deepEqual(one.meta, { summary: 'edited', words: 501 })
    let err
    try {
      await deliveryStack().contentType('blog').entry(need(s.entryB, 'entry B')).fetch()
    } catch (e) {
      err = e
    }
    const good = err !== undefined && err.status === 422 && err.error_code === 141
    log.record('delivery entry fetch of the unpublished entry', good, good ? '' : `got ${err ? describeError(err) : 'success'}`)
    assert.ok(good, `want 422/141 for the unpublished entry, got ${err ? describeError(err) : 'success'}`)
  })

  it('the delivery SDK queries the published content, falls back across locales and sees the bulk publish', async () => {
    const blog = () => deliveryStack().contentType('blog').entry()
    const byTitle = await ok('delivery entries query equalTo', () => blog().query().equalTo('title', 'Post A, edited').includeCount().find())
    assert.equal(byTitle.count, 1)
    assert.deepEqual(byTitle.entries.map((e) => e.uid), [need(s.entryA, 'entry A')])
    const byDraft = await ok('delivery entries query on the draft title', () => blog().query().equalTo('title', 'Post A, draft').includeCount().find())
    assert.equal(byDraft.count, 0, 'a later draft cannot be found by its new values')
    const rated = await ok('delivery entries query greaterThan', () => blog().query().greaterThan('rating', 1).find())
    assert.deepEqual(rated.entries.map((e) => e.uid), [s.entryA])
    const fr = await ok('delivery entry fetch fr-fr with fallback', () =>
      deliveryStack().contentType('blog').entry(s.entryA).locale('fr-fr').includeFallback().fetch())
    assert.equal(fr.locale, 'en-us', 'fr-fr content is not published: the en-us publication is served')
    assert.equal(fr.title, 'Post A, edited')
    const only = await ok('delivery entry fetch only title', () => deliveryStack().contentType('blog').entry(s.entryA).only('title').fetch())
    assert.equal(only.title, 'Post A, edited')
    assert.equal(only.meta, undefined)
    const authors = await ok('delivery author entries', () => deliveryStack().contentType('author').entry().includeCount().find())
    assert.equal(authors.count, 1)
    assert.deepEqual(authors.entries.map((e) => [e.uid, e.title]), [[need(s.authorUid, 'author'), 'Ann']])
  })

  it('the delivery SDK reads the published asset and the content types', async () => {
    const asset = await ok('delivery asset fetch', () => deliveryStack().asset(need(s.assetUid, 'asset')).fetch())
    assert.equal(asset.uid, s.assetUid)
    assert.equal(asset.title, 'Hello file')
    assert.equal(asset.filename, 'hello.txt')
    const assets = await ok('delivery assets find includeCount', () => deliveryStack().asset().includeCount().find())
    assert.equal(assets.count, 1)
    assert.deepEqual(assets.assets.map((x) => x.uid), [s.assetUid])
    const types = await ok('delivery contentType find', () => deliveryStack().contentType().includeCount().find())
    assert.deepEqual(types.content_types.map((c) => c.uid).sort(), ['author', 'blog', 'page'])
    assert.equal(types.count, 3)
    const blog = await ok('delivery contentType fetch', () => deliveryStack().contentType('blog').fetch())
    assert.equal(blog.uid, 'blog')
    assert.equal(blog.schema.length, BLOG_SCHEMA.length)
  })

  it('logs out the owner and the dev user', async () => {
    for (const [who, client] of [['owner', ownerClient], ['dev', devClient]]) {
      const res = await ok(`${who} logout`, () => client.logout())
      assert.equal(res.notice, "You've logged out successfully.")
    }
  })
})
