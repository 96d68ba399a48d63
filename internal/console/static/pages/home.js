// home.js: the organizations the user belongs to; with only one, its page.

import { h, replace, heading, link, table } from '../lib/dom.js';
import { session } from '../lib/session.js';
import { navigate } from '../lib/router.js';

export default async function home({ main }) {
  const orgs = session.user.organizations || [];
  if (orgs.length === 1) { navigate(`/console/orgs/${orgs[0].uid}`, { replace: true }); return; }
  replace(main, heading('Organizations'), table('Your organizations', [
    ['Name', (o) => link(`/console/orgs/${o.uid}`, o.name)],
    ['Your role', (o) => (o.is_owner ? 'Owner' : (o.org_roles || []).map((r) => r.name).join(', '))],
    ['ID', (o) => h('code', {}, o.uid)],
  ], orgs, 'You belong to no organization.'));
}
