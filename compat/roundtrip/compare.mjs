// compare.mjs: reads a whole stack through the CMA SDK and normalizes it, so that two stacks (the
// seeded source and the stack csdx imported it into) can be compared module by module.
//
// Normalizing drops what may differ between the two: timestamps, versions, created_by and
// updated_by (and ACL, api_key, the SDK's stackHeaders/urlPath). Every uid a stack made (locales,
// environments, folders, assets, entries, roles, extensions, labels, webhooks, workflows and their
// stages, publish rules) is replaced wherever it appears, its own uid field included, by a name
// that is the same in both stacks: "@entry:article/Article 1", "@asset:logo.png",
// "@environment:production", …; uids a client chose (content types, global fields, fields) stay
// and are compared. An asset's URL becomes "@url:<filename>". Assets carry the SHA-256 of their
// bytes.
import { createHash } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'

const DROP = new Set(['created_at', 'updated_at', 'created_by', 'updated_by', '_version', 'ACL', 'api_key',
  'stackHeaders', 'urlPath', 'org_uid', 'deleted_at'])
const BUILTIN_ROLES = new Set(['Admin', 'Developer', 'Content Manager'])
const ASSET_URL = /^https?:\/\/[^/]+\/assets\/[^/]+\/[^/]+\/[^/]+\/([^/?]+)$/

// snapshot reads every module of the stack behind `stack` (a CMA SDK stack) with log.ok around
// each call, and returns { modules: { name: [normalized items, sorted] } }. The stack settings
// are read through userStack (the same stack with an authtoken client): no token may.
export async function snapshot (stack, userStack, log, label) {
  const call = (what, fn) => log.ok(`${label}: ${what}`, fn)
  const raw = {}
  raw['stack-settings'] = [{ uid: 'settings', ...(await call('read stack settings', () => userStack.settings())) }]
  raw.locales = (await call('list locales', () => stack.locale().query({ include_count: true }).find())).items
  raw.environments = (await call('list environments', () => stack.environment().query({ include_count: true }).find())).items
  raw.extensions = (await call('list extensions', () => stack.extension().query({ include_count: true }).find())).items
  raw.webhooks = (await call('list webhooks', () => stack.webhook().fetchAll({ include_count: true }))).items
  raw['global-fields'] = (await call('list global fields', () => stack.globalField().query({ include_count: true }).find())).items
  raw['content-types'] = (await call('list content types', () => stack.contentType().query({ include_count: true }).find())).items
  raw.labels = (await call('list labels', () => stack.label().query({ include_count: true }).find())).items
  raw['custom-roles'] = (await call('list roles', () => stack.role().fetchAll({ include_rules: true, include_permissions: true })))
    .items.filter((r) => !BUILTIN_ROLES.has(r.name))
  raw.workflows = (await call('list workflows', () => stack.workflow().fetchAll({ include_count: true }))).items
  raw['publish-rules'] = (await call('list publish rules', () => stack.workflow().publishRule().fetchAll({ include_count: true }))).items
  const all = (await call('list assets and folders', () =>
    stack.asset().query({ include_folders: true, include_publish_details: true, include_count: true, limit: 100 }).find())).items
  raw.folders = all.filter((a) => a.is_dir)
  raw.assets = all.filter((a) => !a.is_dir)
  for (const a of raw.assets) {
    const res = await call(`download asset ${a.filename}`, () => stack.asset(a.uid).download({ url: a.url, responseType: 'arraybuffer' }))
    a.sha256 = createHash('sha256').update(Buffer.from(res.data)).digest('hex')
  }
  raw.entries = []
  for (const ct of raw['content-types']) {
    for (const locale of raw.locales) {
      // query.locale keeps the entries localized in that locale, as the csdx export asks.
      const res = await call(`list ${ct.uid} entries in ${locale.code}`, () => stack.contentType(ct.uid).entry()
        .query({ locale: locale.code, include_publish_details: true, include_count: true, limit: 100, query: { locale: locale.code } }).find())
      for (const e of res.items) raw.entries.push({ ...e, _content_type_uid: ct.uid })
    }
  }
  return { modules: normalizeAll(raw), raw }
}

// names maps every uid the stack made to a name both stacks share.
function names (raw) {
  const m = new Map()
  const folderPath = (f) => {
    const parent = raw.folders.find((p) => p.uid === f.parent_uid)
    return parent ? `${folderPath(parent)}/${f.name}` : f.name
  }
  for (const l of raw.locales) m.set(l.uid, `@locale:${l.code}`)
  for (const e of raw.environments) m.set(e.uid, `@environment:${e.name}`)
  for (const f of raw.folders) m.set(f.uid, `@folder:${folderPath(f)}`)
  for (const a of raw.assets) m.set(a.uid, `@asset:${a.filename}`)
  for (const x of raw.extensions) m.set(x.uid, `@extension:${x.title}`)
  for (const l of raw.labels) m.set(l.uid, `@label:${l.name}`)
  for (const w of raw.webhooks) m.set(w.uid, `@webhook:${w.name}`)
  for (const r of raw['custom-roles']) m.set(r.uid, `@role:${r.name}`)
  for (const w of raw.workflows) {
    m.set(w.uid, `@workflow:${w.name}`)
    for (const s of w.workflow_stages || []) m.set(s.uid, `@stage:${w.name}/${s.name}`)
  }
  for (const r of raw['publish-rules']) {
    m.set(r.uid, `@publish-rule:${m.get(r.workflow)}/${m.get(r.workflow_stage)}/${m.get(r.environment)}`)
  }
  const master = raw.locales.find((l) => l.fallback_locale === null)
  for (const e of raw.entries) {
    if (e.locale === master.code) m.set(e.uid, `@entry:${e._content_type_uid}/${e.title}`)
  }
  return m
}

function normalizeAll (raw) {
  const m = names(raw)
  const norm = (v, top = false) => {
    if (Array.isArray(v)) return v.map((x) => norm(x))
    // An asset object (a file field of an entry) stands for the asset it names.
    if (!top && v && typeof v === 'object' && typeof v.uid === 'string' && 'filename' in v && 'content_type' in v) {
      return m.get(v.uid) || `@unknown-asset:${v.filename}`
    }
    if (v && typeof v === 'object') {
      const out = {}
      for (const k of Object.keys(v).sort()) {
        if (!DROP.has(k) && typeof v[k] !== 'function') out[k] = norm(v[k])
      }
      return out
    }
    if (typeof v === 'string') {
      if (m.has(v)) return m.get(v)
      const url = ASSET_URL.exec(v)
      if (url) return `@url:${url[1]}`
    }
    return v
  }
  const publishDetails = (pd) => (pd || []).map((p) => `${m.get(p.environment) || p.environment}/${p.locale}`).sort()
  const out = {}
  for (const [mod, items] of Object.entries(raw)) {
    out[mod] = items.map((it) => {
      const n = norm(it, true)
      if (mod === 'entries') {
        n._key = `${m.get(it.uid) || it.uid}@${it.locale}`
      } else {
        n._key = m.get(it.uid) || it.uid
      }
      if ('publish_details' in it) n.publish_details = publishDetails(it.publish_details)
      return JSON.parse(JSON.stringify(n))
    }).sort((a, b) => String(a._key).localeCompare(String(b._key)))
  }
  return out
}

// diff compares two snapshots module by module and returns, per module, the counts on each side
// and the differences found (empty when the module round-tripped).
export function diff (source, target) {
  const report = {}
  for (const mod of Object.keys(source.modules)) {
    const a = source.modules[mod]
    const b = target.modules[mod] || []
    const problems = []
    const byKey = new Map(b.map((x) => [x._key, x]))
    for (const x of a) {
      const y = byKey.get(x._key)
      if (!y) {
        problems.push(`missing in the import: ${x._key}`)
        continue
      }
      byKey.delete(x._key)
      for (const d of paths(x, y, '')) problems.push(`${x._key}: ${d}`)
    }
    for (const k of byKey.keys()) problems.push(`only in the import: ${k}`)
    report[mod] = { source: a.length, target: b.length, problems }
  }
  return report
}

// paths lists where a and b differ, as "path: source …, import …", down to the deepest
// differing key or list element.
function paths (a, b, at) {
  if (isDeepStrictEqual(a, b)) return []
  const show = (v) => v === undefined ? '(absent)' : JSON.stringify(v)
  const objects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)
  if (!objects || (Array.isArray(a) && a.length !== b.length)) return [`${at || '(value)'}: source ${show(a)}, import ${show(b)}`]
  const out = []
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out.push(...paths(a[k], b[k], at ? `${at}.${k}` : k))
  return out
}
