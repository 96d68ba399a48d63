// delivery.test.mjs: drives stackd's Content Delivery API listener with the official delivery
// SDK (@contentstack/delivery-sdk). The stack, its environments and a delivery token are made
// with the CMA SDK first. Run by scripts/test.sh; by hand (TLS, as there):
//   NODE_EXTRA_CA_CERTS=tls.crt NODE_OPTIONS="--require $PWD/resolve-local.js" \
//   STACKD_CMA_HOST=cma.test:8443 STACKD_CDA_HOST=cda.test:8444 \
//   STACKD_OWNER_EMAIL=… STACKD_OWNER_PASSWORD=… node --test delivery.test.mjs
// After the token checks it publishes linked content with the CMA SDK (books, people who
// reference books, articles that reference people, asset files, a global field) and reads it
// back with the delivery SDK: includeReference() (nested), whereIn(), globalField(), the
// asset URLs the CDA hands out, fetched as they are returned and compared byte for byte, and
// sync(): an init over two pages, then a sync token after an unpublish and a delete.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import https from 'node:https'
import { deflateSync } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import contentstack, { QueryOperation } from '@contentstack/delivery-sdk'
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

// download gets url as it is (no credentials) and resolves with its status and bytes.
function download (url) {
  return new Promise((resolve, reject) => {
    https.get(url, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    }).on('error', reject)
  })
}

// solidPNG is a w×h grey PNG, written by hand (IHDR, one IDAT, IEND) so no image library is needed.
function solidPNG (w, h) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (buf) => {
    let c = 0xffffffff
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
    const td = Buffer.concat([Buffer.from(type), data])
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, sum])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 0 // 8-bit greyscale
  const rows = Buffer.alloc((w + 1) * h, 0x80)
  for (let y = 0; y < h; y++) rows[y * (w + 1)] = 0 // filter byte: none
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}

describe('delivery SDK against stackd', { timeout: 120_000 }, () => {
  const state = {}
  const scratch = mkdtempSync(join(tmpdir(), 'stackd-delivery-'))
  after(() => rmSync(scratch, { recursive: true, force: true }))

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
    state.cma = s
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

  // --- linked content: references, files, global fields ------------------------------------

  const publishTo = { publishDetails: { environments: ['development'], locales: ['en-us'] }, locale: 'en-us' }

  it('publishes linked content with the CMA SDK', async () => {
    const s = need(state.cma, 'the CMA stack')
    state.coverBytes = Buffer.from('%PDF-1.4 cover of book one\n' + 'x'.repeat(3000))
    const file = join(scratch, 'cover.pdf')
    writeFileSync(file, state.coverBytes)
    const cover = await log.ok('asset create (CMA SDK)', () => s.asset().create({ upload: file, title: 'Cover' }))
    await log.ok('asset publish (CMA SDK)', () => cover.publish({ publishDetails: { environments: ['development'], locales: ['en-us'] } }))
    state.coverUid = cover.uid
    await log.ok('global field create (CMA SDK)', () => s.globalField().create({
      global_field: { title: 'SEO', uid: 'seo', schema: [{ display_name: 'Keywords', uid: 'keywords', data_type: 'text' }] }
    }))
    const title = { display_name: 'Title', uid: 'title', data_type: 'text', mandatory: true, field_metadata: { _default: true } }
    const types = [
      { title: 'Book', uid: 'book', schema: [title, { display_name: 'Cover', uid: 'cover', data_type: 'file' }] },
      { title: 'Person', uid: 'person', schema: [title, { display_name: 'Books', uid: 'books', data_type: 'reference', reference_to: ['book'], field_metadata: { ref_multiple: true } }] },
      { title: 'Article', uid: 'article', schema: [title, { display_name: 'Author', uid: 'author', data_type: 'reference', reference_to: ['person'], field_metadata: { ref_multiple: true } },
        { display_name: 'SEO', uid: 'seo', data_type: 'global_field', reference_to: 'seo' }] }
    ]
    for (const ct of types) {
      await log.ok(`content type create ${ct.uid} (CMA SDK)`, () => s.contentType().create({ content_type: ct }))
    }
    const create = async (ct, entry) => {
      const e = await log.ok(`entry create ${ct} (CMA SDK)`, () => s.contentType(ct).entry().create({ entry }, { locale: 'en-us' }))
      await log.ok(`entry publish ${ct} (CMA SDK)`, () => e.publish(publishTo))
      return e.uid
    }
    state.book = await create('book', { title: 'Book one', cover: cover.uid })
    const draft = await log.ok('entry create unpublished book (CMA SDK)', () =>
      s.contentType('book').entry().create({ entry: { title: 'Draft book' } }, { locale: 'en-us' }))
    state.person = await create('person', { title: 'Ann', books: [{ uid: state.book, _content_type_uid: 'book' }, { uid: draft.uid, _content_type_uid: 'book' }] })
    state.article = await create('article', { title: 'Hello', author: [{ uid: state.person, _content_type_uid: 'person' }], seo: { keywords: 'hello' } })
  })

  it('includeReference() shows nested references as published', async () => {
    const stack = deliveryStack({ apiKey: need(state.apiKey, 'api_key'), deliveryToken: need(state.deliveryToken, 'delivery token'), retryOnError: false })
    const one = await log.ok('entry(uid).includeReference(author, author.books).fetch()', () =>
      stack.contentType('article').entry(need(state.article, 'article')).includeReference('author', 'author.books').fetch())
    assert.equal(one.author.length, 1)
    assert.equal(one.author[0].uid, state.person)
    assert.equal(one.author[0].title, 'Ann')
    assert.deepEqual(one.author[0].books.map((b) => b.title), ['Book one'], 'the unpublished book is left out')
    assert.equal(one.author[0].books[0].cover.uid, state.coverUid, 'file fields are asset objects')
    assert.equal(one.seo.keywords, 'hello')
    const list = await log.ok('entry().includeReference([author]).includeReferenceContentTypeUID().find()', () =>
      stack.contentType('article').entry().includeReference(['author']).includeReferenceContentTypeUID().includeCount().find())
    assert.equal(list.count, 1)
    assert.equal(list.entries[0].author[0].title, 'Ann')
    assert.equal(list.entries[0].author[0]._content_type_uid, 'person')
    assert.equal(typeof list.entries[0].author[0].books[0].uid, 'string', 'one level only: books stay references')
    const byAuthor = await log.ok('entry().query().whereIn(author, …).find()', () =>
      stack.contentType('article').entry().query()
        .whereIn('author', stack.contentType('person').entry().query().where('title', QueryOperation.EQUALS, 'Ann')).find())
    assert.deepEqual(byAuthor.entries.map((e) => e.uid), [state.article])
    const notByAuthor = await log.ok('entry().query().whereNotIn(author, …).find()', () =>
      stack.contentType('article').entry().query()
        .whereNotIn('author', stack.contentType('person').entry().query().where('title', QueryOperation.EQUALS, 'Ann')).find())
    assert.deepEqual(notByAuthor.entries, [])
  })

  it('globalField() reads the global fields', async () => {
    const stack = deliveryStack({ apiKey: need(state.apiKey, 'api_key'), deliveryToken: need(state.deliveryToken, 'delivery token'), retryOnError: false })
    const all = await log.ok('globalField().find()', () => stack.globalField().find())
    assert.deepEqual(all.global_fields.map((g) => g.uid), ['seo'])
    const seo = await log.ok('globalField(uid).fetch()', () => stack.globalField('seo').fetch())
    assert.equal(seo.title, 'SEO')
    assert.equal(seo.schema[0].uid, 'keywords')
  })

  it('asset URLs the CDA hands out answer with the file, as returned', async () => {
    const stack = deliveryStack({ apiKey: need(state.apiKey, 'api_key'), deliveryToken: need(state.deliveryToken, 'delivery token'), retryOnError: false })
    const asset = await log.ok('asset(uid).fetch()', () => stack.asset(need(state.coverUid, 'cover')).fetch())
    assert.match(asset.url, new RegExp(`^https://${cdaHostname}:${cdaPort}/assets/`), 'the URL is on the CDA host')
    const book = await log.ok('entry(book).fetch()', () => stack.contentType('book').entry(need(state.book, 'book')).fetch())
    for (const [label, url] of [['asset url', asset.url], ['file field url', book.cover.url]]) {
      const res = await download(url)
      const ok = res.status === 200 && res.body.equals(state.coverBytes)
      log.record(`GET ${label} as returned`, ok, ok ? '' : `status ${res.status}, ${res.body.length} bytes`)
      assert.ok(ok, `${label} ${url}: status ${res.status}, ${res.body.length} bytes`)
    }
  })

  it('an image URL takes transforms: width=40 answers a 40 px wide image', async () => {
    const s = need(state.cma, 'the CMA stack')
    const file = join(scratch, 'photo.png')
    writeFileSync(file, solidPNG(200, 100))
    const photo = await log.ok('image asset create (CMA SDK)', () => s.asset().create({ upload: file, title: 'Photo' }))
    await log.ok('image asset publish (CMA SDK)', () => photo.publish({ publishDetails: { environments: ['development'], locales: ['en-us'] } }))
    const stack = deliveryStack({ apiKey: need(state.apiKey, 'api_key'), deliveryToken: need(state.deliveryToken, 'delivery token'), retryOnError: false })
    const asset = await log.ok('asset(uid).includeDimension().fetch()', () => stack.asset(photo.uid).includeDimension().fetch())
    assert.deepEqual(asset.dimension, { height: 100, width: 200 })
    state.photoUid = photo.uid
    const res = await download(asset.url + '?width=40&format=png')
    const width = res.body.length > 24 ? res.body.readUInt32BE(16) : 0
    const height = res.body.length > 24 ? res.body.readUInt32BE(20) : 0
    const ok = res.status === 200 && width === 40 && height === 20
    log.record('GET image url ?width=40 (decoded size)', ok, ok ? '' : `status ${res.status}, ${width}x${height}`)
    assert.ok(ok, `resized image: status ${res.status}, ${width}x${height}`)
  })

  // --- sync ------------------------------------------------------------------------------------

  it('sync() lists what is published, page by page, then replays an unpublish and a delete', async () => {
    const s = need(state.cma, 'the CMA stack')
    const stack = deliveryStack({ apiKey: need(state.apiKey, 'api_key'), deliveryToken: need(state.deliveryToken, 'delivery token'), retryOnError: false })
    // 100 more published books, so that an init takes two pages (100 items a page).
    const books = []
    for (let i = 0; i < 100; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) =>
        s.contentType('book').entry().create({ entry: { title: `Sync book ${i + j}` } }, { locale: 'en-us' })
          .then((e) => e.publish(publishTo).then(() => e.uid))))
      books.push(...batch)
    }
    log.record('create and publish 100 books (CMA SDK)', books.length === 100, '')
    const first = await log.ok('sync() init, first page', () => stack.sync())
    assert.equal(first.items.length, 100)
    assert.equal(typeof first.pagination_token, 'string', 'a second page is announced')
    const all = await log.ok('sync({}, true) init, every page', () => stack.sync({}, true))
    const published = all.items.filter((it) => it.type === 'entry_published').map((it) => it.data.uid)
    const assets = all.items.filter((it) => it.type === 'asset_published').map((it) => it.data.uid)
    assert.equal(published.length, 103, 'the linked content (book, person, article) and the 100 books')
    assert.ok(published.includes(state.article) && books.every((b) => published.includes(b)))
    assert.deepEqual(assets.sort(), [state.coverUid, state.photoUid].filter(Boolean).sort())
    const syncToken = need(all.sync_token, 'sync token of the init')
    const article = all.items.find((it) => it.data.uid === state.article)
    assert.equal(article.content_type_uid, 'article')
    assert.equal(article.data.title, 'Hello')

    const entry = await s.contentType('article').entry(state.article).fetch()
    await log.ok('entry unpublish (CMA SDK)', () => entry.unpublish(publishTo))
    await log.ok('entry delete (CMA SDK)', () => s.contentType('person').entry(state.person).delete())
    const delta = await log.ok('sync({syncToken})', () => stack.sync({ syncToken }))
    assert.deepEqual(delta.items.map((it) => `${it.type} ${it.data.uid}`),
      [`entry_unpublished ${state.article}`, `entry_deleted ${state.person}`])
    assert.equal(typeof delta.sync_token, 'string')
    const none = await log.ok('sync({syncToken}) again', () => stack.sync({ syncToken: delta.sync_token }))
    assert.deepEqual(none.items, [])
  })
})
