package api

import (
	"context"
	"errors"

	"github.com/stackd/stackd/internal/domain"
)

// publishItem is one entry (locale) to publish or unpublish to one
// environment, as publish rules see it.
type publishItem struct {
	ContentType string
	EntryUID    string
	Locale      string
	Environment domain.Environment
	Action      string // "publish" or "unpublish"
}

// checkPublishRules refuses publishing items that a publish rule covers
// when the entry is not in the rule's stage or has no approved request.
// Every publish path (single, bulk, scheduled) calls it when the request
// is made, before anything is written.
//
// The rules that bind an item are those of the enabled workflow governing
// its content type on the request's branch that apply to its locale,
// environment and action (domain.RulesOf); domain.CheckPublish decides.
// An approver of a rule (never a management token) may publish without
// an accepted request unless the rule sets disable_approver_publishing.
// The first item refused is answered with a 422 naming the entry, the
// environment and the rule; a refusal is a workflow condition, the same
// for users and tokens.
func (a *API) checkPublishRules(ctx context.Context, rc *reqCtx, items []publishItem) error {
	if len(items) == 0 {
		return nil
	}
	if rc == nil || rc.stack == nil {
		return errors.New("api: publish rules checked without a stack")
	}
	apiKey := rc.stack.APIKey
	rules, err := a.Store.PublishRules(ctx, apiKey)
	if err != nil || len(rules) == 0 {
		return err
	}
	ws, err := a.Store.Workflows(ctx, apiKey)
	if err != nil {
		return err
	}
	branch := rc.principal.Branch
	if branch == "" {
		branch = domain.DefaultBranch
	}
	by := domain.DeciderOf(rc.principal)
	for _, it := range items {
		w, ok := domain.WorkflowFor(ws, it.ContentType, branch)
		if !ok {
			continue
		}
		q := domain.RuleQuery{ContentType: it.ContentType, Locale: it.Locale, Environment: it.Environment.UID, Action: it.Action, Branch: branch}
		binding := domain.RulesOf(w, rules, q)
		if len(binding) == 0 {
			continue
		}
		facts, err := a.Store.EntryFacts(ctx, apiKey, it.EntryUID, it.Locale)
		if err != nil {
			return err
		}
		err = domain.CheckPublish(w, binding, domain.PublishCheck{Query: q, EntryUID: it.EntryUID, EnvName: it.Environment.Name, Facts: facts, By: by})
		if err != nil {
			return err
		}
	}
	return nil
}
