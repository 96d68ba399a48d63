// seed.mjs: fills an empty stack, through the CMA SDK, with every module the csdx export/import
// round trip covers (compat/roundtrip.test.mjs): 2 locales with a fallback chain, 2 environments,
// 2 asset folders (one inside the other) holding 5 assets, 1 global field, 4 content types with
// references (one to itself), groups, blocks, file fields and a custom field, 30 entries in the
// master locale and 10 of them localized in fr-fr, several versions, 1 workflow with a publish
// rule, 2 custom roles, 2 labels (one inside the other), 1 extension, 1 webhook and stack
// settings; 18 entries (some in both locales) and 3 assets are published to one or both
// environments.
//
// Every SDK call goes through log.ok, so the suite's summary counts it.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

// The asset files: small, of several types, with bytes the comparison checks.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a2d1e2a30000000049454e44ae426082', 'hex')
export const ASSET_FILES = [
  { file: 'logo.png', title: 'Logo', folder: 'Media', data: PNG, description: 'the logo', tags: ['brand'] },
  { file: 'banner.png', title: 'Banner', folder: 'Media', data: Buffer.concat([PNG, Buffer.from('banner')]) },
  { file: 'guide.txt', title: 'Guide', folder: 'Docs', data: Buffer.from('How to write an article.\n'.repeat(20)) },
  { file: 'data.json', title: 'Data', folder: 'Docs', data: Buffer.from(JSON.stringify({ a: 1, b: [1, 2, 3] })) },
  { file: 'readme.txt', title: 'Readme', folder: null, data: Buffer.from('root asset\n') }
]

// The schemas, written once; the seeding fills in the extension uid.
function schemas (extensionUid) {
  const title = { display_name: 'Title', uid: 'title', data_type: 'text', mandatory: true, unique: true, field_metadata: { _default: true } }
  const url = { display_name: 'URL', uid: 'url', data_type: 'text', field_metadata: { _default: true } }
  return {
    globalField: {
      uid: 'seo',
      title: 'SEO',
      description: 'search metadata',
      schema: [
        { display_name: 'Meta title', uid: 'meta_title', data_type: 'text' },
        { display_name: 'Keywords', uid: 'keywords', data_type: 'text', multiple: true }
      ]
    },
    contentTypes: [
      {
        uid: 'category',
        title: 'Category',
        description: 'article categories',
        options: { is_page: false, singleton: false, title: 'title' },
        schema: [title, { display_name: 'Description', uid: 'description', data_type: 'text', field_metadata: { multiline: true } }]
      },
      {
        uid: 'author',
        title: 'Author',
        options: { is_page: false, singleton: false, title: 'title' },
        schema: [
          title,
          { display_name: 'Bio', uid: 'bio', data_type: 'text' },
          { display_name: 'Photo', uid: 'photo', data_type: 'file' }
        ]
      },
      {
        uid: 'article',
        title: 'Article',
        options: { is_page: true, singleton: false, title: 'title', url_pattern: '/:title', url_prefix: '/articles/' },
        schema: [
          title,
          url,
          { display_name: 'Author', uid: 'author', data_type: 'reference', reference_to: ['author'], field_metadata: { ref_multiple: false } },
          { display_name: 'Categories', uid: 'categories', data_type: 'reference', reference_to: ['category'], field_metadata: { ref_multiple: true } },
          { display_name: 'Related', uid: 'related', data_type: 'reference', reference_to: ['article'], field_metadata: { ref_multiple: true } },
          { display_name: 'Cover', uid: 'cover', data_type: 'file' },
          { display_name: 'SEO', uid: 'seo', data_type: 'global_field', reference_to: 'seo' },
          {
            display_name: 'Body',
            uid: 'body',
            data_type: 'group',
            schema: [
              { display_name: 'Summary', uid: 'summary', data_type: 'text' },
              { display_name: 'Words', uid: 'words', data_type: 'number' },
              { display_name: 'Attachments', uid: 'attachments', data_type: 'file', multiple: true }
            ]
          },
          {
            display_name: 'Sections',
            uid: 'sections',
            data_type: 'blocks',
            multiple: true,
            blocks: [
              { title: 'Quote', uid: 'quote', schema: [{ display_name: 'Text', uid: 'text', data_type: 'text' }] },
              { title: 'Gallery', uid: 'gallery', schema: [{ display_name: 'Images', uid: 'images', data_type: 'file', multiple: true }] }
            ]
          }
        ]
      },
      {
        uid: 'page',
        title: 'Page',
        options: { is_page: true, singleton: false, title: 'title', url_pattern: '/:title', url_prefix: '/' },
        schema: [
          title,
          url,
          { display_name: 'Featured', uid: 'featured', data_type: 'reference', reference_to: ['article', 'author'], field_metadata: { ref_multiple: true } },
          { display_name: 'Color', uid: 'color', data_type: 'text', extension_uid: extensionUid, field_metadata: { extension: true } },
          {
            display_name: 'Hero',
            uid: 'hero',
            data_type: 'blocks',
            multiple: true,
            blocks: [
              { title: 'Banner', uid: 'banner', schema: [{ display_name: 'Image', uid: 'image', data_type: 'file' }, { display_name: 'Caption', uid: 'caption', data_type: 'text' }] },
              { title: 'Pick', uid: 'pick', schema: [{ display_name: 'Article', uid: 'article', data_type: 'reference', reference_to: ['article'] }] }
            ]
          },
          { display_name: 'SEO', uid: 'seo', data_type: 'global_field', reference_to: 'seo' }
        ]
      }
    ]
  }
}

const ref = (uid, ct) => ({ uid, _content_type_uid: ct })

// seed fills the stack behind `stack` (a CMA SDK stack, authtoken client) and returns what it
// made: uids by name, for the publishing step and the comparison.
export async function seed (stack, log, { tmp, userUid }) {
  const made = { locales: {}, environments: {}, folders: {}, assets: {}, entries: {}, roles: {} }

  const master = await log.ok('seed: read the master locale', () => stack.locale('en-us').fetch())
  made.masterLocale = master.uid
  // Locales: fr-fr falls back to the master, fr-ca to fr-fr.
  for (const locale of [{ code: 'fr-fr', name: 'French - France' }, { code: 'fr-ca', name: 'French - Canada', fallback_locale: 'fr-fr' }]) {
    const l = await log.ok(`seed: create locale ${locale.code}`, () => stack.locale().create({ locale }))
    made.locales[locale.code] = l.uid
  }

  for (const name of ['development', 'production']) {
    const e = await log.ok(`seed: create environment ${name}`, () => stack.environment().create({
      environment: { name, urls: [{ locale: 'en-us', url: `https://${name}.example.test/` }, { locale: 'fr-fr', url: `https://${name}.example.test/fr/` }] }
    }))
    made.environments[name] = e.uid
  }

  // Folders: Media, and Docs inside it.
  const media = await log.ok('seed: create folder Media', () => stack.asset().folder().create({ asset: { name: 'Media' } }))
  made.folders.Media = media.uid
  const docs = await log.ok('seed: create folder Docs', () => stack.asset().folder().create({ asset: { name: 'Docs', parent_uid: media.uid } }))
  made.folders.Docs = docs.uid

  mkdirSync(tmp, { recursive: true })
  for (const a of ASSET_FILES) {
    const path = join(tmp, a.file)
    writeFileSync(path, a.data)
    const asset = await log.ok(`seed: upload asset ${a.file}`, () => stack.asset().create({
      upload: path,
      title: a.title,
      description: a.description,
      tags: a.tags,
      ...(a.folder ? { parent_uid: made.folders[a.folder] } : {})
    }))
    made.assets[a.file] = asset.uid
  }
  // A second version of one asset.
  await log.ok('seed: update asset logo.png', async () => {
    const asset = await stack.asset(made.assets['logo.png']).fetch()
    asset.description = 'the logo, second version'
    return asset.update()
  })

  const ext = await log.ok('seed: create extension', () => stack.extension().create({
    extension: { title: 'Color picker', type: 'field', data_type: 'text', src: 'https://extensions.example.test/color.html', multiple: false, config: { palette: 'web' }, tags: ['ui'] }
  }))
  made.extension = ext.uid

  const s = schemas(ext.uid)
  await log.ok('seed: create global field seo', () => stack.globalField().create({ global_field: s.globalField }))
  // article references itself: create it without the reference first, then update.
  for (const ct of s.contentTypes) {
    const first = ct.uid === 'article' ? { ...ct, schema: ct.schema.filter((f) => f.uid !== 'related') } : ct
    await log.ok(`seed: create content type ${ct.uid}`, () => stack.contentType().create({ content_type: first }))
  }
  await log.ok('seed: update content type article (self reference)', async () => {
    const ct = await stack.contentType('article').fetch()
    ct.schema = s.contentTypes.find((c) => c.uid === 'article').schema
    return ct.update()
  })

  // Entries.
  const create = async (ct, entry, locale = 'en-us') => {
    const e = await log.ok(`seed: create ${ct} ${entry.title}`, () => stack.contentType(ct).entry().create({ entry }, { locale }))
    made.entries[`${ct}/${entry.title}`] = e.uid
    return e.uid
  }
  // put sends an entry update the way the SDK does it: fields set on an entry object, then
  // update({ locale }) (the first argument of update is the query string).
  const put = (ct, uid, fields, locale) => {
    const e = stack.contentType(ct).entry(uid)
    Object.assign(e, fields)
    return e.update({ locale })
  }
  const asset = (file) => made.assets[file]
  const categories = []
  for (let i = 1; i <= 5; i++) categories.push(await create('category', { title: `Category ${i}`, description: `About topic ${i}.` }))
  const authors = []
  for (let i = 1; i <= 5; i++) {
    authors.push(await create('author', { title: `Author ${i}`, bio: `Writes about ${i}.`, ...(i <= 3 ? { photo: asset(i === 1 ? 'logo.png' : 'banner.png') } : {}) }))
  }
  const articles = []
  for (let i = 1; i <= 12; i++) {
    const entry = {
      title: `Article ${i}`,
      url: `/articles/article-${i}`,
      author: [ref(authors[i % 5], 'author')],
      categories: [ref(categories[i % 5], 'category'), ref(categories[(i + 1) % 5], 'category')],
      cover: asset(i % 2 ? 'logo.png' : 'banner.png'),
      seo: { meta_title: `Article ${i} | Site`, keywords: ['news', `k${i}`] },
      body: { summary: `Summary of article ${i}.`, words: 100 * i, attachments: [asset('guide.txt'), asset('data.json')] },
      sections: [{ quote: { text: `Quote ${i}` } }, { gallery: { images: [asset('logo.png'), asset('banner.png')] } }],
      tags: ['seeded', `n${i}`]
    }
    if (i > 1) entry.related = [ref(articles[0], 'article')]
    articles.push(await create('article', entry))
  }
  for (let i = 1; i <= 8; i++) {
    await create('page', {
      title: `Page ${i}`,
      url: `/page-${i}`,
      featured: [ref(articles[i - 1], 'article'), ref(authors[i % 5], 'author')],
      color: i % 2 ? '#ff0000' : '#00ff00',
      hero: [{ banner: { image: asset('banner.png'), caption: `Hero ${i}` } }, { pick: { article: [ref(articles[i + 2], 'article')] } }],
      seo: { meta_title: `Page ${i}`, keywords: ['page'] }
    })
  }

  // More versions: articles 1-4 are updated twice.
  for (let i = 1; i <= 4; i++) {
    for (const v of [2, 3]) {
      await log.ok(`seed: update article ${i} (version ${v})`, () =>
        put('article', articles[i - 1], { body: { summary: `Summary of article ${i}, version ${v}.`, words: 100 * i + v } }, 'en-us'))
    }
  }
  // Localizations in fr-fr: articles 1-8 and authors 1-2.
  for (let i = 1; i <= 8; i++) {
    await log.ok(`seed: localize article ${i} in fr-fr`, () =>
      put('article', articles[i - 1], {
        title: `Article ${i} (fr)`,
        url: `/fr/articles/article-${i}`,
        author: [ref(authors[i % 5], 'author')],
        categories: [ref(categories[i % 5], 'category')],
        cover: asset('banner.png'),
        seo: { meta_title: `Article ${i} | Site FR`, keywords: ['actualité'] },
        body: { summary: `Résumé de l'article ${i}.`, words: 90 * i, attachments: [asset('guide.txt')] },
        sections: [{ quote: { text: `Citation ${i}` } }],
        tags: ['seeded', 'fr']
      }, 'fr-fr'))
  }
  for (let i = 1; i <= 2; i++) {
    await log.ok(`seed: localize author ${i} in fr-fr`, () =>
      put('author', authors[i - 1], { title: `Auteur ${i}`, bio: `Écrit sur ${i}.` }, 'fr-fr'))
  }

  // Publishing: some entries and assets, in one or both environments and locales. Articles go
  // to development only: the publish rule made below gates production.
  const publishEntry = (ct, uid, environments, locales) => log.ok(`seed: publish ${ct} ${uid} to ${environments} in ${locales}`, () =>
    stack.contentType(ct).entry(uid).publish({ publishDetails: { environments, locales }, locale: locales[0] }))
  for (const uid of categories) await publishEntry('category', uid, ['development'], ['en-us'])
  for (let i = 0; i < 3; i++) await publishEntry('author', authors[i], ['development', 'production'], i === 0 ? ['en-us', 'fr-fr'] : ['en-us'])
  for (let i = 0; i < 6; i++) await publishEntry('article', articles[i], ['development'], i < 3 ? ['en-us', 'fr-fr'] : ['en-us'])
  for (let i = 1; i <= 4; i++) await publishEntry('page', made.entries[`page/Page ${i}`], ['development', 'production'], ['en-us'])
  for (const [file, environments] of [['logo.png', ['development', 'production']], ['banner.png', ['development', 'production']], ['guide.txt', ['development']]]) {
    await log.ok(`seed: publish asset ${file}`, () => stack.asset(made.assets[file]).publish({ publishDetails: { environments, locales: ['en-us'] } }))
  }

  // Custom roles: rules name content types, environments, locales (by uid) and folders.
  const branch = { module: 'branch', branches: ['main'], acl: { read: true } }
  const editor = await log.ok('seed: create role Editor', () => stack.role().create({
    role: {
      name: 'Editor',
      description: 'writes articles',
      rules: [
        branch,
        { module: 'content_type', content_types: ['article', 'author'], acl: { read: true, sub_acl: { read: true, create: true, update: true, publish: true } } },
        { module: 'asset', assets: ['$all'], acl: { read: true, create: true, update: true } },
        { module: 'folder', folders: [made.folders.Media], acl: { read: true, sub_acl: { read: true, create: true } } },
        { module: 'environment', environments: [made.environments.development], acl: { read: true } },
        { module: 'locale', locales: [made.locales['fr-fr']], acl: { read: true } }
      ]
    }
  }))
  made.roles.Editor = editor.uid
  const reviewer = await log.ok('seed: create role Reviewer', () => stack.role().create({
    role: {
      name: 'Reviewer',
      description: 'reads everything, publishes to production',
      rules: [
        branch,
        { module: 'content_type', content_types: ['$all'], acl: { read: true, sub_acl: { read: true, publish: true } } },
        { module: 'asset', assets: ['$all'], acl: { read: true } },
        { module: 'environment', environments: [made.environments.development, made.environments.production], acl: { read: true } },
        // Locales and environments by uid, never "$all": csdx import maps each uid of these rules
        // and turns "$all" into null.
        { module: 'locale', locales: Object.values(made.locales).concat(made.masterLocale), acl: { read: true } }
      ]
    }
  }))
  made.roles.Reviewer = reviewer.uid

  const workflow = await log.ok('seed: create workflow', () => stack.workflow().create({
    workflow: {
      name: 'Article review',
      description: 'draft, then review',
      enabled: true,
      branches: ['main'],
      content_types: ['article'],
      admin_users: { users: [], roles: [] },
      workflow_stages: [
        { name: 'Draft', color: '#9e9e9e', SYS_ACL: { users: { uids: ['$all'] }, roles: { uids: [] }, others: {} }, next_available_stages: ['$all'], entry_lock: '$none' },
        { name: 'Review', color: '#2196f3', SYS_ACL: { users: { uids: [] }, roles: { uids: [reviewer.uid] }, others: {} }, next_available_stages: ['$all'], entry_lock: '$others' }
      ]
    }
  }))
  made.workflow = workflow.uid
  const review = workflow.workflow_stages.find((st) => st.name === 'Review')
  await log.ok('seed: create publish rule', () => stack.workflow().publishRule().create({
    publishing_rule: {
      workflow: workflow.uid,
      workflow_stage: review.uid,
      actions: ['publish'],
      branches: ['main'],
      content_types: ['article'],
      locales: ['en-us'],
      environment: made.environments.production,
      approvers: { users: userUid ? [userUid] : [], roles: [reviewer.uid] },
      disable_approver_publishing: false
    }
  }))

  // Labels: Pages is made first and put inside Editorial afterwards, so that it lists first:
  // csdx 1.60.1 imports label parents only for the labels listed before the first label
  // without one (its update step shares one request object across labels, and a label
  // without parents clears the request kind for those after it).
  const pages = await log.ok('seed: create label Pages', () => stack.label().create({ label: { name: 'Pages', parent: [], content_types: ['page'] } }))
  const editorial = await log.ok('seed: create label Editorial', () => stack.label().create({ label: { name: 'Editorial', parent: [], content_types: ['article', 'author'] } }))
  await log.ok('seed: put label Pages inside Editorial', () => {
    pages.parent = [editorial.uid]
    return pages.update()
  })

  // Stack settings (authtoken only): csdx carries them when it runs with the login.
  await log.ok('seed: add stack settings', () => stack.addSettings({
    stack_variables: { enforce_unique_urls: true, sys_rte_allowed_tags: 'figure,style' },
    live_preview: { enabled: true, 'default-env': made.environments.production },
    rte: { cs_only_breakline: true }
  }))

  await log.ok('seed: create webhook', () => stack.webhook().create({
    webhook: {
      name: 'Rebuild site',
      destinations: [{ target_url: 'https://ci.example.test/hooks/rebuild', http_basic_auth: 'deployer', http_basic_password: 's3cret', custom_header: [{ header_name: 'X-Token', value: 'abc123' }] }],
      channels: ['content_types.entries.publish', 'assets.publish'],
      branches: ['main'],
      retry_policy: 'manual',
      disabled: false,
      concise_payload: true
    }
  }))
  return made
}
