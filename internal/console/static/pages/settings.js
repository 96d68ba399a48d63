// settings.js: the stack's settings pages, one module each, loaded on demand.

const sections = {
  environments: 'environments', locales: 'locales', 'management-tokens': 'tokens', 'delivery-tokens': 'delivery_tokens',
  users: 'users', roles: 'roles', 'audit-log': 'audit', webhooks: 'webhooks', labels: 'labels', workflows: 'workflows',
  'publish-rules': 'publish_rules',
};

export default async function settings(ctx) {
  const name = sections[ctx.params.section];
  if (!name) throw new Error('There is no such settings page.');
  const mod = await import(`./${name}.js`);
  return mod.default(ctx);
}
