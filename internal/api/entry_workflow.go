package api

import (
	"fmt"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// entryWorkflowBody is the body of POST …/entries/{entry_uid}/workflow:
// a stage move (workflow_stage) or a publish request or answer
// (publishing_rule), never both.
type entryWorkflowBody struct {
	Workflow struct {
		Stage *struct {
			UID             string            `json:"uid"`
			Comment         string            `json:"comment"`
			DueDate         string            `json:"due_date"`
			Notify          bool              `json:"notify"`
			AssignedTo      []domain.Assignee `json:"assigned_to"`
			AssignedByRoles []domain.RoleRef  `json:"assigned_by_roles"`
		} `json:"workflow_stage"`
		Rule *struct {
			UID     string `json:"uid"`
			Action  string `json:"action"`
			Status  int    `json:"status"`
			Comment string `json:"comment"`
			Notify  bool   `json:"notify"`
		} `json:"publishing_rule"`
	} `json:"workflow"`
}

// entryWorkflow is POST /v3/content_types/{content_type_uid}/entries/{entry_uid}/workflow?locale=.
// The route needs the entry update right; the handlers below add the
// workflow's own checks.
func (a *API) entryWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body entryWorkflowBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := body.Workflow
	switch {
	case in.Stage != nil && in.Rule != nil:
		return domain.ErrInvalid("workflow", "must hold either workflow_stage or publishing_rule, not both.")
	case in.Rule != nil:
		return a.publishRequest(w, r, rc, domain.PublishDecision{RuleUID: in.Rule.UID, Action: in.Rule.Action,
			Status: in.Rule.Status, Comment: in.Rule.Comment, Notify: in.Rule.Notify})
	case in.Stage != nil:
		s := in.Stage
		return a.moveEntryStage(w, r, rc, domain.StageMove{StageUID: s.UID, Comment: s.Comment, DueDate: s.DueDate,
			Notify: s.Notify, AssignedTo: s.AssignedTo, AssignedByRoles: s.AssignedByRoles})
	}
	return domain.ErrInvalid("workflow", "must hold workflow_stage or publishing_rule.")
}

// moveEntryStage moves the entry's locale to a stage when
// domain.CheckStageMove allows the caller: a management token only
// between stages open to all users.
func (a *API) moveEntryStage(w http.ResponseWriter, r *http.Request, rc *reqCtx, m domain.StageMove) error {
	if err := domain.NormalizeStageMove(&m); err != nil {
		return err
	}
	uid := r.PathValue("entry_uid")
	m.APIKey, m.ContentType, m.EntryUID, m.Locale = rc.stack.APIKey, r.PathValue("content_type_uid"), uid, localeParam(r, rc)
	m.Branch, m.By, m.At = rc.principal.Branch, actorUID(rc), a.Now()
	mover := domain.MoverOf(rc.principal, rc.principal.RoleUIDs)
	if _, err := a.Store.MoveEntryStage(r.Context(), m, mover, a.audit(r, rc, domain.ModEntry, "workflow_stage", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Workflow stage updated successfully."))
	return nil
}

// publishRequest makes (status 0), accepts (1) or rejects (-1) a request
// to publish or unpublish the entry's locale under a publish rule.
// Management tokens may do none of it (spec §3.5). A request needs the
// right to publish the entry to the rule's environment; an answer needs
// the caller to be one of the rule's approvers (or the stack's owner).
func (a *API) publishRequest(w http.ResponseWriter, r *http.Request, rc *reqCtx, d domain.PublishDecision) error {
	if rc.token != nil {
		return domain.ErrForbidden()
	}
	if err := domain.NormalizePublishDecision(&d); err != nil {
		return err
	}
	uid, ct, locale := r.PathValue("entry_uid"), r.PathValue("content_type_uid"), localeParam(r, rc)
	p := rc.principal
	check := func(rule domain.PublishRule, env domain.Environment) error {
		ok := rule.ApprovedBy(domain.DeciderOf(p))
		if d.Status == domain.RequestPending {
			ok = domain.Decide(p, perm(domain.ModEntry, domain.ActPublish), domain.Target{ContentType: ct, Locale: locale, Environment: env.Name})
		}
		if !ok {
			return domain.ErrForbidden()
		}
		return nil
	}
	req := store.ApprovalRequest{APIKey: rc.stack.APIKey, ContentType: ct, EntryUID: uid, Locale: locale, Branch: p.Branch,
		Decision: d, By: actorUID(rc), At: a.Now()}
	_, env, err := a.Store.DecidePublishRequest(r.Context(), req, check, a.audit(r, rc, domain.ModEntry, requestEvents[d.Status], uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice(requestNotice(d, env.Name)))
	return nil
}

// requestEvents name publish requests and answers in the audit log.
var requestEvents = map[int]string{
	domain.RequestPending:  "publish_request",
	domain.RequestAccepted: "publish_request_accept",
	domain.RequestRejected: "publish_request_reject",
}

// requestNotice is Contentstack's notice for a publish request or answer.
func requestNotice(d domain.PublishDecision, env string) string {
	switch d.Status {
	case domain.RequestAccepted:
		return fmt.Sprintf("You have accepted the request to %s entry on %s environment.", d.Action, env)
	case domain.RequestRejected:
		return fmt.Sprintf("You have rejected the request to %s entry on %s environment.", d.Action, env)
	}
	return fmt.Sprintf("You have sent an approval request to %s the entry on %s environment.", d.Action, env)
}
