package domain

import (
	"fmt"
	"slices"
)

// MaxPublishRules is how many publish rules a stack may hold (spec §6.6).
const MaxPublishRules = 100

// PublishActions are the actions a publish rule may govern.
var PublishActions = []string{"publish", "unpublish"}

// NormalizePublishRule fills defaults (both actions, branch main, every
// content type and locale) and validates what can be checked without the
// stack. The environment may still be a name here; the store resolves it.
func NormalizePublishRule(r *PublishRule) error {
	if r.WorkflowUID == "" {
		return ErrInvalid("workflow", "is required.")
	}
	if r.StageUID == "" {
		return ErrInvalid("workflow_stage", "is required.")
	}
	if r.EnvironmentUID == "" {
		return ErrInvalid("environment", "is required.")
	}
	if len(r.Actions) == 0 {
		r.Actions = slices.Clone(PublishActions)
	}
	for _, a := range r.Actions {
		if !slices.Contains(PublishActions, a) {
			return ErrInvalid("actions", fmt.Sprintf("%q is not an action; use publish or unpublish.", a))
		}
	}
	if len(r.Branches) == 0 {
		r.Branches = []string{DefaultBranch}
	}
	if err := validBranches("branches", r.Branches); err != nil {
		return err
	}
	if len(r.ContentTypes) == 0 {
		r.ContentTypes = []string{All}
	}
	if err := validContentTypes("content_types", r.ContentTypes, MaxWorkflowContentTypes); err != nil {
		return err
	}
	if len(r.Locales) == 0 {
		r.Locales = []string{All}
	}
	for _, l := range r.Locales {
		if l != All && !ValidLocaleCode(l) {
			return ErrInvalid("locales", fmt.Sprintf("%q is not a valid locale code.", l))
		}
	}
	r.Approvers = normalPrincipals(r.Approvers)
	return nil
}

// CheckPublishRuleRefs checks a rule against its workflow w (the stage must
// be one of w's) and the stack (approvers must be members and roles).
func CheckPublishRuleRefs(r PublishRule, w Workflow, refs StackRefs) error {
	if _, ok := w.Stage(r.StageUID); !ok {
		return ErrInvalid("workflow_stage", fmt.Sprintf("%q is not a stage of the workflow %s.", r.StageUID, w.UID))
	}
	if err := refs.checkUsers("approvers.users", r.Approvers.Users, false); err != nil {
		return err
	}
	return refs.checkRoles("approvers.roles", r.Approvers.Roles, false)
}

// RuleQuery describes a publish or unpublish: an entry of ContentType in
// Locale going to the environment with uid Environment on Branch. An empty
// field matches every rule (the listing route filters on some fields only).
type RuleQuery struct {
	ContentType string
	Locale      string
	Environment string // an environment uid
	Action      string // "publish" or "unpublish"
	Branch      string
}

// Applies reports whether r governs q.
func (r PublishRule) Applies(q RuleQuery) bool {
	return matchAll(r.ContentTypes, q.ContentType) && matchAll(r.Locales, q.Locale) &&
		matchOne(r.Actions, q.Action) && matchOne(r.Branches, q.Branch) &&
		(q.Environment == "" || r.EnvironmentUID == q.Environment)
}

func matchAll(list []string, x string) bool {
	return x == "" || slices.Contains(list, All) || slices.Contains(list, x)
}

func matchOne(list []string, x string) bool { return x == "" || slices.Contains(list, x) }

// RulesFor returns the rules that govern q, in the order given. Rules of
// a workflow that is disabled (or missing from ws) do not apply.
func RulesFor(rules []PublishRule, ws []Workflow, q RuleQuery) []PublishRule {
	enabled := map[string]bool{}
	for _, w := range ws {
		enabled[w.UID] = w.Enabled
	}
	out := []PublishRule{}
	for _, r := range rules {
		if enabled[r.WorkflowUID] && r.Applies(q) {
			out = append(out, r)
		}
	}
	return out
}
