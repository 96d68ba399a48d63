// workflows.js: the stack's workflows: their stages, enable and disable,
// delete, and a form for a new workflow (content types, stages in order,
// who may move entries through each stage).

import { api, listAll } from '../lib/api.js';
import { h, replace, field, input, form, heading, section, table, say, confirmButton, generalError, checkbox, button, act, select } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export default async function workflows({ main, stack }) {
  const key = stack.api_key;
  const [items, cts, roles] = await Promise.all([listAll('/v3/workflows', key, 'workflows'), listAll('/v3/content_types', key, 'content_types'),
    listAll('/v3/roles', key, 'roles')]);
  const err = generalError();
  const reload = () => navigate(location.pathname, { replace: true });
  replace(main, heading('Workflows'), section('Workflows', err, table('Workflows of this stack', [
    ['Name', (w) => w.name],
    ['Content types', (w) => (w.content_types || []).join(', ')],
    ['Stages', (w) => h('ol', {}, (w.workflow_stages || []).map((s) => h('li', { class: 'stage' }, s.name)))],
    ['State', (w) => (w.enabled ? 'Enabled' : 'Disabled')],
    ['Actions', (w) => h('span', { class: 'row-actions' }, toggle(w, key, err, reload),
      confirmButton('Delete', `Delete the workflow ${w.name}?`, async () => {
        await api('DELETE', `/v3/workflows/${w.uid}`, { key });
        say(`Workflow ${w.name} deleted.`);
        reload();
      }, err, `Delete workflow ${w.name}`))],
  ], items, 'No workflows yet.')), section('Create a workflow', createForm(key, cts, roles, reload)));
}

function toggle(w, key, err, reload) {
  const b = button(w.enabled ? 'Disable' : 'Enable', () => act(b, err, async () => {
    await api('GET', `/v3/workflows/${w.uid}/${w.enabled ? 'disable' : 'enable'}`, { key });
    say(`Workflow ${w.name} ${w.enabled ? 'disabled' : 'enabled'}.`);
    reload();
  }), { 'aria-label': `${w.enabled ? 'Disable' : 'Enable'} ${w.name}` });
  return b;
}

function createForm(key, cts, roles, reload) {
  const name = input({ name: 'name', required: true });
  const stages = [{ name: 'Draft', who: '$all' }, { name: 'Review', who: '$all' }];
  const stageBox = h('div', {});
  const renderStages = () => replace(stageBox, stages.map((s, i) => {
    const n = input({ name: `workflow_stages.${i}.name`, value: s.name });
    n.addEventListener('input', () => { s.name = n.value; });
    const who = select({ name: `workflow_stages.${i}.who`, value: s.who }, [['$all', 'Everyone'], ...roles.map((r) => [r.uid, `Role: ${r.name}`])]);
    who.addEventListener('change', () => { s.who = who.value; });
    return h('fieldset', { class: 'block' }, h('legend', {}, `Stage ${i + 1}`), h('div', { class: 'toolbar' },
      field('Stage name', n, { name: `workflow_stages.${i}.name` }), field('Who may move entries here', who)),
    stages.length > 2 ? button('Remove stage', () => { stages.splice(i, 1); renderStages(); }, { 'aria-label': `Remove stage ${i + 1}` }) : null);
  }), button('Add stage', () => { stages.push({ name: '', who: '$all' }); renderStages(); }), h('p', { class: 'field-error', 'data-error-for': 'workflow_stages', hidden: true }));
  renderStages();
  return form('Create a workflow', [field('Workflow name', name, { name: 'name' }),
    h('fieldset', {}, h('legend', {}, 'Content types'), checkbox('All content types', { name: 'ct.$all' }), cts.map((c) => checkbox(c.title, { name: `ct.${c.uid}` })),
      h('p', { class: 'field-error', 'data-error-for': 'content_types', hidden: true })), stageBox], async (f) => {
    const chosen = f.elements['ct.$all'].checked ? ['$all'] : cts.filter((c) => f.elements[`ct.${c.uid}`].checked).map((c) => c.uid);
    const body = { name: name.value, enabled: true, branches: ['main'], content_types: chosen, admin_users: { users: [], roles: [] },
      workflow_stages: stages.map((s) => ({ name: s.name, color: '#2196f3', next_available_stages: ['$all'], entry_lock: '$none',
        SYS_ACL: { users: { uids: s.who === '$all' ? ['$all'] : [] }, roles: { uids: s.who === '$all' ? [] : [s.who] }, others: {} } })) };
    const data = await api('POST', '/v3/workflows', { key, body: { workflow: body } });
    say(data.notice || 'Workflow created.');
    reload();
  }, 'Create workflow');
}
