package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

func ruleJSON(p domain.PublishRule) map[string]any {
	return map[string]any{
		"uid": p.UID, "api_key": p.APIKey, "workflow": p.WorkflowUID, "workflow_stage": p.StageUID, "environment": p.EnvironmentUID,
		"actions": nonNil(p.Actions), "branches": nonNil(p.Branches), "content_types": nonNil(p.ContentTypes), "locales": nonNil(p.Locales),
		"approvers": principalsJSON(p.Approvers), "disable_approver_publishing": p.DisableApproverPublishing,
		"created_by": p.CreatedBy, "updated_by": p.UpdatedBy, "created_at": isoTime(p.CreatedAt), "updated_at": isoTime(p.UpdatedAt),
	}
}

type ruleBody struct {
	Rule struct {
		Workflow                  *string            `json:"workflow"`
		WorkflowStage             *string            `json:"workflow_stage"`
		Environment               *string            `json:"environment"`
		Actions                   []string           `json:"actions"`
		Branches                  []string           `json:"branches"`
		ContentTypes              []string           `json:"content_types"`
		Locales                   []string           `json:"locales"`
		Approvers                 *domain.Principals `json:"approvers"`
		DisableApproverPublishing *bool              `json:"disable_approver_publishing"`
	} `json:"publishing_rule"`
}

// namesApprovers reports whether the body names any approver.
func (b ruleBody) namesApprovers() bool { return b.Rule.Approvers != nil && b.Rule.Approvers.Any() }

// applyRule copies the fields a body gives onto p and validates the result.
func applyRule(p *domain.PublishRule, b ruleBody) error {
	in := b.Rule
	setIf(&p.WorkflowUID, in.Workflow)
	setIf(&p.StageUID, in.WorkflowStage)
	setIf(&p.EnvironmentUID, in.Environment)
	for _, f := range []struct {
		dst *[]string
		src []string
	}{{&p.Actions, in.Actions}, {&p.Branches, in.Branches}, {&p.ContentTypes, in.ContentTypes}, {&p.Locales, in.Locales}} {
		if f.src != nil {
			*f.dst = f.src
		}
	}
	if in.Approvers != nil {
		p.Approvers = *in.Approvers
	}
	if in.DisableApproverPublishing != nil {
		p.DisableApproverPublishing = *in.DisableApproverPublishing
	}
	return domain.NormalizePublishRule(p)
}

// tokenApprovalRule refuses a management token a rule that names approvers:
// tokens may manage publish rules, but not rules requiring approval by
// users or roles (spec §3.5). It applies to what a body asks for and to
// the rule a token would change or delete.
func tokenApprovalRule(rc *reqCtx, names bool) error {
	if rc.token != nil && names {
		return domain.ErrForbidden()
	}
	return nil
}

// createPublishRule is POST /v3/workflows/publishing_rules.
func (a *API) createPublishRule(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body ruleBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if err := tokenApprovalRule(rc, body.namesApprovers()); err != nil {
		return err
	}
	now := a.Now()
	p := domain.PublishRule{UID: domain.NewUID(), APIKey: rc.stack.APIKey,
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyRule(&p, body); err != nil {
		return err
	}
	p, err := a.Store.CreatePublishRule(r.Context(), p, a.audit(r, rc, domain.ModPublishRule, "create", p.UID, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Publish rule created successfully.", "publishing_rule": ruleJSON(p)})
	return nil
}

// listPublishRules is GET /v3/workflows/publishing_rules; content_types (a
// comma-separated list) keeps the rules governing any of them.
func (a *API) listPublishRules(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	rules, err := a.Store.PublishRules(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	var cts []string
	if v := r.URL.Query().Get("content_types"); v != "" {
		cts = strings.Split(v, ",")
	}
	items := make([]map[string]any, 0, len(rules))
	for _, rule := range rules {
		if cts == nil || slices.ContainsFunc(cts, func(ct string) bool { return rule.Applies(domain.RuleQuery{ContentType: strings.TrimSpace(ct)}) }) {
			items = append(items, ruleJSON(rule))
		}
	}
	writeJSON(w, http.StatusOK, listBody("publishing_rules", items, p))
	return nil
}

// getPublishRule is GET /v3/workflows/publishing_rules/{rule_uid}.
func (a *API) getPublishRule(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := a.Store.PublishRule(r.Context(), rc.stack.APIKey, r.PathValue("rule_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"publishing_rule": ruleJSON(p)})
	return nil
}

// updatePublishRule is PUT /v3/workflows/publishing_rules/{rule_uid}.
func (a *API) updatePublishRule(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body ruleBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if err := tokenApprovalRule(rc, body.namesApprovers()); err != nil {
		return err
	}
	uid := r.PathValue("rule_uid")
	p, err := a.Store.UpdatePublishRule(r.Context(), rc.stack.APIKey, uid, func(p *domain.PublishRule) error {
		if err := tokenApprovalRule(rc, p.Approvers.Any()); err != nil {
			return err
		}
		p.UpdatedBy, p.UpdatedAt = actorUID(rc), a.Now()
		return applyRule(p, body)
	}, a.audit(r, rc, domain.ModPublishRule, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Publish rule updated successfully.", "publishing_rule": ruleJSON(p)})
	return nil
}

// deletePublishRule is DELETE /v3/workflows/publishing_rules/{rule_uid}.
func (a *API) deletePublishRule(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("rule_uid")
	err := a.Store.DeletePublishRule(r.Context(), rc.stack.APIKey, uid, func(p domain.PublishRule) error {
		return tokenApprovalRule(rc, p.Approvers.Any())
	}, a.audit(r, rc, domain.ModPublishRule, "delete", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Publish rule deleted successfully."))
	return nil
}

// contentTypeRules is GET /v3/workflows/content_type/{content_type_uid}:
// the rules of enabled workflows that govern the content type on the
// request's branch, narrowed by action, locale and environment (a name or
// uid) when given.
func (a *API) contentTypeRules(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	rq := domain.RuleQuery{ContentType: r.PathValue("content_type_uid"), Action: q.Get("action"), Locale: q.Get("locale"),
		Environment: q.Get("environment"), Branch: rc.principal.Branch}
	if !domain.ValidContentTypeUID(rq.ContentType) {
		return domain.ErrInvalid("content_type_uid", "is not a valid content type uid.")
	}
	if rq.Action != "" && !slices.Contains(domain.PublishActions, rq.Action) {
		return domain.ErrInvalid("action", "must be publish or unpublish.")
	}
	rules, err := a.Store.PublishRulesFor(r.Context(), rc.stack.APIKey, rq)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(rules))
	for _, rule := range rules {
		items = append(items, ruleJSON(rule))
	}
	writeJSON(w, http.StatusOK, listBody("publishing_rules", items, p))
	return nil
}
