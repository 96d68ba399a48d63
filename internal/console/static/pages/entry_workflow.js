// entry_workflow.js: an entry's workflow stage, moves to the next stages,
// and publish requests (ask, approve, reject) under the stack's publish
// rules. The API decides who may do what; refusals show their message.

import { api } from '../lib/api.js';
import { h, field, input, form, section, say, select, button, act, generalError, when } from '../lib/dom.js';
import { navigate } from '../lib/router.js';

export async function workflowSection(ctx) {
  const wf = ctx.entry._workflow;
  if (!wf || !wf.uid) return section('Workflow', h('p', {}, 'No workflow applies to this entry.'));
  const [workflow, rules] = await Promise.all([
    api('GET', `/v3/workflows/${wf.uid}`, { key: ctx.key }).then((d) => d.workflow),
    api('GET', '/v3/workflows/publishing_rules', { key: ctx.key, query: { content_types: ctx.type.uid } }).then((d) => d.publishing_rules || []),
  ]);
  const stage = wf.stage || {};
  return section('Workflow',
    h('p', {}, 'Stage: ', h('span', { class: 'pill' }, stage.title || stage.uid), ` in ${workflow.name}`,
      stage.comment ? ` — “${stage.comment}”` : '', stage.due_date ? `, due ${stage.due_date}` : '',
      stage.updated_at ? `, since ${when(stage.updated_at)}` : ''),
    moveForm(ctx, workflow, stage), requestsPart(ctx, workflow, rules.filter((r) => r.workflow === workflow.uid)));
}

function nextStages(workflow, current) {
  const st = workflow.workflow_stages.find((s) => s.uid === current.uid);
  const next = st ? st.next_available_stages || [] : [];
  return workflow.workflow_stages.filter((s) => s.uid !== current.uid && (next.includes('$all') || next.includes(s.uid)));
}

function moveForm(ctx, workflow, current) {
  const options = nextStages(workflow, current);
  if (!options.length) return h('p', {}, 'This stage leads nowhere else.');
  const to = select({ name: 'workflow_stage' }, options.map((s) => [s.uid, s.name]));
  const comment = input({ name: 'comment' });
  const due = input({ name: 'due_date', type: 'date' });
  return form('Move to stage', [h('div', { class: 'toolbar' }, field('Next stage', to, { name: 'workflow_stage' }),
    field('Comment', comment), field('Due date', due))], async () => {
    const data = await api('POST', `/v3/content_types/${encodeURIComponent(ctx.type.uid)}/entries/${ctx.entry.uid}/workflow`, {
      key: ctx.key, query: { locale: ctx.locale },
      body: { workflow: { workflow_stage: { uid: to.value, comment: comment.value, due_date: due.value, notify: false } } } });
    say(data.notice);
    navigate(location.pathname + location.search, { replace: true });
  }, 'Move');
}

function requestsPart(ctx, workflow, rules) {
  const stageName = Object.fromEntries(workflow.workflow_stages.map((s) => [s.uid, s.name]));
  if (!rules.length) return h('p', {}, 'No publish rule asks for approval here.');
  const envName = Object.fromEntries(ctx.envs.map((e) => [e.uid, e.name]));
  const err = generalError();
  const send = (rule, action, status, btn) => act(btn, err, async () => {
    const data = await api('POST', `/v3/content_types/${encodeURIComponent(ctx.type.uid)}/entries/${ctx.entry.uid}/workflow`, {
      key: ctx.key, query: { locale: ctx.locale },
      body: { workflow: { publishing_rule: { uid: rule.uid, action, status, notify: false } } } });
    say(data.notice);
  });
  return h('div', {}, h('h3', {}, 'Publish requests'), err, h('ul', {}, rules.map((r) => {
    const env = envName[r.environment] || r.environment;
    return h('li', {}, `${(r.actions || ['publish']).join('/')} on ${env} at stage ${stageName[r.workflow_stage] || r.workflow_stage}: `,
      (r.actions || ['publish']).map((action) => {
        const what = `${action} on ${env}`;
        const ask = button(`Request ${what}`, () => send(r, action, 0, ask));
        const ok = button(`Approve ${what}`, () => send(r, action, 1, ok));
        const no = button(`Reject ${what}`, () => send(r, action, -1, no), { class: 'danger' });
        return h('span', { class: 'row-actions' }, ask, ok, no);
      }));
  })));
}
