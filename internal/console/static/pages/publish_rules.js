// publish_rules.js: rules that make publishing wait for an approval when
// an entry is at a workflow stage.

import { api, listAll } from '../lib/api.js';
import { h, replace, field, form, heading, section, table, say, confirmButton, generalError, checkbox, select } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export default async function publishRules({ main, stack }) {
  const key = stack.api_key;
  const [rules, wfs, envs, cts, roles, users] = await Promise.all([listAll('/v3/workflows/publishing_rules', key, 'publishing_rules'),
    listAll('/v3/workflows', key, 'workflows'), listAll('/v3/environments', key, 'environments'), listAll('/v3/content_types', key, 'content_types'),
    listAll('/v3/roles', key, 'roles'), api('GET', '/v3/stacks/users', { key }).then((d) => d.users || []).catch(() => [])]);
  const wfName = Object.fromEntries(wfs.map((w) => [w.uid, w]));
  const envName = Object.fromEntries(envs.map((e) => [e.uid, e.name]));
  const err = generalError();
  const reload = () => navigate(location.pathname, { replace: true });
  replace(main, heading('Publish rules'), section('Rules', err, table('Publish rules of this stack', [
    ['Workflow', (r) => (wfName[r.workflow] || {}).name || r.workflow],
    ['At stage', (r) => stageName(wfName[r.workflow], r.workflow_stage)],
    ['Actions', (r) => (r.actions || []).join(', ')],
    ['Environment', (r) => envName[r.environment] || r.environment],
    ['Content types', (r) => (r.content_types || []).join(', ')],
    ['Approvers', (r) => [...(r.approvers.users || []).map((u) => (users.find((x) => x.uid === u) || {}).email || u),
      ...(r.approvers.roles || []).map((x) => (roles.find((y) => y.uid === x) || {}).name || x)].join(', ') || '—'],
    ['', (r) => confirmButton('Delete', 'Delete this publish rule?', async () => {
      await api('DELETE', `/v3/workflows/publishing_rules/${r.uid}`, { key });
      say('Publish rule deleted.');
      reload();
    }, err, `Delete the rule on ${envName[r.environment] || r.environment}`)],
  ], rules, 'No publish rules yet.')),
  section('Create a publish rule', wfs.length && envs.length ? createForm(key, wfs, envs, cts, roles, users, reload)
    : h('p', {}, 'A publish rule needs a workflow and an environment first.')));
}

function stageName(wf, uid) {
  const s = wf && (wf.workflow_stages || []).find((x) => x.uid === uid);
  return s ? s.name : uid;
}

function createForm(key, wfs, envs, cts, roles, users, reload) {
  const wf = select({ name: 'workflow' }, wfs.map((w) => [w.uid, w.name]));
  const stage = select({ name: 'workflow_stage' }, []);
  const fillStages = () => replace(stage, ...(wfs.find((w) => w.uid === wf.value).workflow_stages || []).map((s) => h('option', { value: s.uid }, s.name)));
  wf.addEventListener('change', fillStages);
  fillStages();
  const env = select({ name: 'environment' }, envs.map((e) => [e.name, e.name]));
  return form('Create a publish rule', [h('div', { class: 'toolbar' }, field('Workflow', wf, { name: 'workflow' }), field('Stage', stage, { name: 'workflow_stage' }),
    field('Environment', env, { name: 'environment' })),
  h('fieldset', {}, h('legend', {}, 'Actions'), checkbox('publish', { name: 'act.publish', checked: true }), checkbox('unpublish', { name: 'act.unpublish' })),
  h('fieldset', {}, h('legend', {}, 'Content types'), checkbox('All content types', { name: 'ct.$all', checked: true }), cts.map((c) => checkbox(c.title, { name: `ct.${c.uid}` }))),
  h('fieldset', {}, h('legend', {}, 'Approvers'), users.map((u) => checkbox(u.email, { name: `user.${u.uid}` })), roles.map((r) => checkbox(`Role: ${r.name}`, { name: `role.${r.uid}` })),
    h('p', { class: 'field-error', 'data-error-for': 'approvers', hidden: true }))], async (f) => {
    const on = (n) => f.elements[n] && f.elements[n].checked;
    const body = { workflow: wf.value, workflow_stage: stage.value, environment: env.value, branches: ['main'], locales: ['$all'],
      actions: ['publish', 'unpublish'].filter((a) => on(`act.${a}`)),
      content_types: on('ct.$all') ? ['$all'] : cts.filter((c) => on(`ct.${c.uid}`)).map((c) => c.uid),
      approvers: { users: users.filter((u) => on(`user.${u.uid}`)).map((u) => u.uid), roles: roles.filter((r) => on(`role.${r.uid}`)).map((r) => r.uid) },
      disable_approver_publishing: false };
    const data = await api('POST', '/v3/workflows/publishing_rules', { key, body: { publishing_rule: body } });
    say(data.notice || 'Publish rule created.');
    reload();
  }, 'Create rule');
}
