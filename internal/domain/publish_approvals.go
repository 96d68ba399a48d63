package domain

import (
	"fmt"
	"slices"
	"time"
)

// Publish request statuses, Contentstack's numbers.
const (
	RequestPending  = 0
	RequestAccepted = 1
	RequestRejected = -1
)

// PublishApproval is the publish (or unpublish) request of one locale of
// an entry under a publish rule, to the rule's environment, and its
// answer. EntryVersion is the entry's version when Status was last set:
// an accepted request allows publishing that version only, so any later
// change of the entry needs a new request.
type PublishApproval struct {
	APIKey          string
	RuleUID         string
	ContentType     string
	EntryUID        string
	Locale          string
	EnvironmentUID  string
	Action          string // "publish" or "unpublish"
	Status          int    // RequestPending, RequestAccepted or RequestRejected
	EntryVersion    int
	RequestedBy     string
	RequestedAt     time.Time
	RequestComment  string
	DecidedBy       string
	DecidedAt       time.Time
	DecisionComment string
}

// PublishDecision is a publish request (Status RequestPending) or an
// approver's answer to one, as a client sends it.
type PublishDecision struct {
	RuleUID string
	Action  string
	Status  int
	Comment string
	Notify  bool
}

// NormalizePublishDecision validates a request or answer: a rule uid, an
// action (publish or unpublish), a status of 0, 1 or -1 and the comment.
func NormalizePublishDecision(d *PublishDecision) error {
	if d.RuleUID == "" {
		return ErrInvalid("publishing_rule.uid", "is required.")
	}
	if !slices.Contains(PublishActions, d.Action) {
		return ErrInvalid("publishing_rule.action", "must be publish or unpublish.")
	}
	if d.Status != RequestPending && d.Status != RequestAccepted && d.Status != RequestRejected {
		return ErrInvalid("publishing_rule.status", "must be 0 (request), 1 (accept) or -1 (reject).")
	}
	if err := cleanFields(map[string]string{"publishing_rule.uid": d.RuleUID, "publishing_rule.comment": d.Comment}); err != nil {
		return err
	}
	return ValidateName("publishing_rule.comment", d.Comment, false, MaxWorkflowComment)
}

// Decider is who publishes, or makes or answers a publish request: a user
// with the uids of their roles on the stack, or a management token.
type Decider struct {
	Token    bool
	UserUID  string
	RoleUIDs []string
	Owner    bool // the stack's owner may answer every request
}

// DeciderOf is the Decider of a request's principal.
func DeciderOf(p Principal) Decider {
	if p.Kind != CredUser {
		return Decider{Token: true}
	}
	return Decider{UserUID: p.UserUID, RoleUIDs: p.RoleUIDs, Owner: p.IsOwner}
}

// ApprovedBy reports whether d is one of r's approvers: a user r names, a
// holder of a role r names, or the stack's owner. A management token never
// is, and a rule without approvers has none.
func (r PublishRule) ApprovedBy(d Decider) bool {
	if d.Token || !r.Approvers.Any() {
		return false
	}
	return d.Owner || slices.Contains(r.Approvers.Users, d.UserUID) || overlap(d.RoleUIDs, r.Approvers.Roles)
}

// RulesOf returns the rules among rules that govern q and belong to w, the
// enabled workflow governing q's content type: a rule binds the entries of
// its own workflow only, so a rule whose content types reach beyond its
// workflow's does not block entries that workflow does not govern.
func RulesOf(w Workflow, rules []PublishRule, q RuleQuery) []PublishRule {
	if !w.Enabled {
		return nil
	}
	out := []PublishRule{}
	for _, r := range rules {
		if r.WorkflowUID == w.UID && r.Applies(q) {
			out = append(out, r)
		}
	}
	return out
}

// CheckRuleGoverns fails (422) unless r is a rule of w, the workflow that
// governs the entry, and applies to q.
func CheckRuleGoverns(r PublishRule, w Workflow, q RuleQuery) error {
	if len(RulesOf(w, []PublishRule{r}, q)) == 0 {
		return ErrInvalid("publishing_rule.uid",
			fmt.Sprintf("the publish rule %s does not govern %sing this entry in the locale %s.", r.UID, q.Action, q.Locale))
	}
	return nil
}

// EntryFacts is what publish rules look at for one locale of an entry:
// its stored stage (nil when never moved), its current version (0 when it
// has no content in the locale) and its publish requests.
type EntryFacts struct {
	Stage     *EntryStage
	Version   int
	Approvals []PublishApproval
}

// approved reports whether f holds an accepted request under r for
// action, given for the entry's current version.
func (f EntryFacts) approved(r PublishRule, action string) bool {
	return slices.ContainsFunc(f.Approvals, func(a PublishApproval) bool {
		return a.RuleUID == r.UID && a.EnvironmentUID == r.EnvironmentUID && a.Action == action &&
			a.Status == RequestAccepted && f.Version > 0 && a.EntryVersion == f.Version
	})
}

// PublishCheck is one item of a publish or unpublish as publish rules see
// it: which entry, where, and who asks.
type PublishCheck struct {
	Query    RuleQuery // Environment is the environment's uid
	EntryUID string
	EnvName  string
	Facts    EntryFacts
	By       Decider
}

// CheckPublish decides whether the rules of w (those RulesOf returns for
// c.Query) allow c. For each rule it fails with an invalid error (422,
// code CodeValidation) when
//   - the entry is not in the rule's stage (field "workflow_stage"), or
//   - the rule names approvers and the entry has no accepted request for
//     its current version (field "publishing_rule"), unless c.By is one of
//     the rule's approvers and the rule does not disable approver
//     publishing.
//
// It is a workflow condition, not a permission failure: users and
// management tokens get the same answer.
func CheckPublish(w Workflow, rules []PublishRule, c PublishCheck) error {
	current := CurrentStage(w, c.Facts.Stage)
	for _, r := range rules {
		if current != r.StageUID {
			return Errorf(KindInvalid, CodeValidation,
				"The entry '%s' (%s) cannot be %sed on the %s environment: the publish rule %s requires the workflow stage '%s' and the entry is in the stage '%s'.",
				c.EntryUID, c.Query.Locale, c.Query.Action, c.EnvName, r.UID, stageName(w, r.StageUID), stageName(w, current)).
				WithField("workflow_stage", fmt.Sprintf("must be %s (publish rule %s).", r.StageUID, r.UID))
		}
		if !r.Approvers.Any() || r.ApprovedBy(c.By) && !r.DisableApproverPublishing || c.Facts.approved(r, c.Query.Action) {
			continue
		}
		return Errorf(KindInvalid, CodeValidation,
			"The entry '%s' (%s) cannot be %sed on the %s environment: the publish rule %s needs an approved publish request for its current version.",
			c.EntryUID, c.Query.Locale, c.Query.Action, c.EnvName, r.UID).
			WithField("publishing_rule", fmt.Sprintf("%s needs an approved publish request.", r.UID))
	}
	return nil
}

func stageName(w Workflow, uid string) string {
	if s, ok := w.Stage(uid); ok {
		return s.Name
	}
	return uid
}

// ApplyPublishDecision returns the request row d leaves behind, given the
// stored one (nil when none), the entry's current version and its current
// stage in the rule's workflow. A request (status 0) needs the entry in
// the rule's stage and replaces any earlier request or answer, except an
// acceptance still valid for the current version (422: nothing to ask).
// An acceptance or rejection needs a pending request (422).
func ApplyPublishDecision(prev *PublishApproval, d PublishDecision, r PublishRule, version int, stage, by string, at time.Time) (PublishApproval, error) {
	if d.Status == RequestPending {
		if stage != r.StageUID {
			return PublishApproval{}, ErrInvalid("publishing_rule.uid",
				fmt.Sprintf("the entry must be in the stage %s of the publish rule %s to request %sing.", r.StageUID, r.UID, d.Action))
		}
		if prev != nil && prev.Status == RequestAccepted && prev.EntryVersion == version {
			return PublishApproval{}, ErrInvalid("publishing_rule.status", "the request is already accepted for the entry's current version.")
		}
		return PublishApproval{Status: RequestPending, EntryVersion: version, RequestedBy: by, RequestedAt: at, RequestComment: d.Comment}, nil
	}
	if prev == nil || prev.Status != RequestPending {
		return PublishApproval{}, ErrInvalid("publishing_rule.status", fmt.Sprintf("there is no pending request to %s this entry.", d.Action))
	}
	out := *prev
	out.Status, out.EntryVersion, out.DecidedBy, out.DecidedAt, out.DecisionComment = d.Status, version, by, at, d.Comment
	return out, nil
}
