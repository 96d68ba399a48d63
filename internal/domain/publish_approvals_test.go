package domain

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestNormalizePublishDecision(t *testing.T) {
	ok := PublishDecision{RuleUID: "r1", Action: "unpublish", Status: RequestRejected, Comment: "no"}
	if err := NormalizePublishDecision(&ok); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		d     PublishDecision
		field string
	}{
		{"no rule", PublishDecision{Action: "publish"}, "publishing_rule.uid"},
		{"no action", PublishDecision{RuleUID: "r1"}, "publishing_rule.action"},
		{"both is not an action", PublishDecision{RuleUID: "r1", Action: "both"}, "publishing_rule.action"},
		{"status 2", PublishDecision{RuleUID: "r1", Action: "publish", Status: 2}, "publishing_rule.status"},
		{"NUL comment", PublishDecision{RuleUID: "r1", Action: "publish", Comment: "\x00"}, "publishing_rule.comment"},
	}
	for _, tt := range tests {
		wantInvalid(t, NormalizePublishDecision(&tt.d), tt.field)
	}
}

func TestApprovedBy(t *testing.T) {
	r := PublishRule{Approvers: Principals{Users: []string{"u1"}, Roles: []string{"editors"}}}
	tests := []struct {
		name string
		rule PublishRule
		d    Decider
		want bool
	}{
		{"named user", r, Decider{UserUID: "u1"}, true},
		{"holder of a named role", r, Decider{UserUID: "u2", RoleUIDs: []string{"x", "editors"}}, true},
		{"other user", r, Decider{UserUID: "u2", RoleUIDs: []string{"x"}}, false},
		{"stack owner", r, Decider{UserUID: "u3", Owner: true}, true},
		{"token", r, Decider{Token: true}, false},
		{"rule without approvers, owner", PublishRule{}, Decider{UserUID: "u3", Owner: true}, false},
	}
	for _, tt := range tests {
		if got := tt.rule.ApprovedBy(tt.d); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if d := DeciderOf(Principal{Kind: CredManagement}); !d.Token {
		t.Errorf("token decider: %+v", d)
	}
	d := DeciderOf(Principal{Kind: CredUser, UserUID: "u1", IsOwner: true, RoleUIDs: []string{"r"}})
	if !cmp.Equal(d, Decider{UserUID: "u1", Owner: true, RoleUIDs: []string{"r"}}) {
		t.Errorf("user decider: %+v", d)
	}
}

func gateWorkflow() Workflow {
	w := validWorkflow()
	w.UID = "wf1"
	return w
}

func gateRule(uid string, approvers ...string) PublishRule {
	return PublishRule{UID: uid, WorkflowUID: "wf1", StageUID: "review", Actions: []string{"publish"}, Branches: []string{"main"},
		ContentTypes: []string{All}, Locales: []string{All}, EnvironmentUID: "env1", Approvers: Principals{Users: approvers}}
}

func TestRulesOf(t *testing.T) {
	w := gateWorkflow()
	other := gateRule("r2")
	other.WorkflowUID = "wf0"
	unpublish := gateRule("r3")
	unpublish.Actions = []string{"unpublish"}
	rules := []PublishRule{gateRule("r1"), other, unpublish}
	q := RuleQuery{ContentType: "blog", Locale: "en-us", Environment: "env1", Action: "publish", Branch: "main"}
	got := RulesOf(w, rules, q)
	if len(got) != 1 || got[0].UID != "r1" {
		t.Errorf("rules: %+v", got)
	}
	w.Enabled = false
	if got := RulesOf(w, rules, q); len(got) != 0 {
		t.Errorf("disabled workflow's rules apply: %+v", got)
	}
	wantInvalid(t, CheckRuleGoverns(other, gateWorkflow(), q), "publishing_rule.uid")
	if err := CheckRuleGoverns(gateRule("r1"), gateWorkflow(), q); err != nil {
		t.Error(err)
	}
}

func TestCheckPublish(t *testing.T) {
	w := gateWorkflow()
	q := RuleQuery{ContentType: "blog", Locale: "en-us", Environment: "env1", Action: "publish", Branch: "main"}
	inReview := &EntryStage{WorkflowUID: "wf1", StageUID: "review"}
	accepted := func(version int) PublishApproval {
		return PublishApproval{RuleUID: "r1", EnvironmentUID: "env1", Action: "publish", Status: RequestAccepted, EntryVersion: version}
	}
	cm := Decider{UserUID: "cm"}
	tests := []struct {
		name  string
		rule  PublishRule
		facts EntryFacts
		by    Decider
		field string // "" when allowed
	}{
		{"not in the stage (never moved)", gateRule("r1"), EntryFacts{Version: 1}, cm, "workflow_stage"},
		{"in the stage, no approvers", gateRule("r1"), EntryFacts{Stage: inReview, Version: 1}, Decider{Token: true}, ""},
		{"approvers, no request", gateRule("r1", "boss"), EntryFacts{Stage: inReview, Version: 1}, cm, "publishing_rule"},
		{"approvers, accepted for this version", gateRule("r1", "boss"),
			EntryFacts{Stage: inReview, Version: 2, Approvals: []PublishApproval{accepted(2)}}, cm, ""},
		{"accepted for an older version", gateRule("r1", "boss"),
			EntryFacts{Stage: inReview, Version: 3, Approvals: []PublishApproval{accepted(2)}}, cm, "publishing_rule"},
		{"pending request", gateRule("r1", "boss"), EntryFacts{Stage: inReview, Version: 2,
			Approvals: []PublishApproval{{RuleUID: "r1", EnvironmentUID: "env1", Action: "publish", Status: RequestPending, EntryVersion: 2}}}, cm, "publishing_rule"},
		{"accepted for unpublishing only", gateRule("r1", "boss"), EntryFacts{Stage: inReview, Version: 2,
			Approvals: []PublishApproval{{RuleUID: "r1", EnvironmentUID: "env1", Action: "unpublish", Status: RequestAccepted, EntryVersion: 2}}}, cm, "publishing_rule"},
		{"accepted for another environment", gateRule("r1", "boss"), EntryFacts{Stage: inReview, Version: 2,
			Approvals: []PublishApproval{{RuleUID: "r1", EnvironmentUID: "env0", Action: "publish", Status: RequestAccepted, EntryVersion: 2}}}, cm, "publishing_rule"},
		{"approver publishes directly", gateRule("r1", "boss"), EntryFacts{Stage: inReview, Version: 1}, Decider{UserUID: "boss"}, ""},
		{"owner publishes directly", gateRule("r1", "boss"), EntryFacts{Stage: inReview, Version: 1}, Decider{UserUID: "o", Owner: true}, ""},
		{"approver publishing disabled", func() PublishRule { r := gateRule("r1", "boss"); r.DisableApproverPublishing = true; return r }(),
			EntryFacts{Stage: inReview, Version: 1}, Decider{UserUID: "boss"}, "publishing_rule"},
		{"approver, not in the stage", gateRule("r1", "boss"), EntryFacts{Version: 1}, Decider{UserUID: "boss"}, "workflow_stage"},
		{"token never an approver", gateRule("r1", "boss"), EntryFacts{Stage: inReview, Version: 1}, Decider{Token: true}, "publishing_rule"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPublish(w, []PublishRule{tt.rule}, PublishCheck{Query: q, EntryUID: "e1", EnvName: "production", Facts: tt.facts, By: tt.by})
			if tt.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantInvalid(t, err, tt.field)
		})
	}
	err := CheckPublish(w, []PublishRule{gateRule("r1")}, PublishCheck{Query: q, EntryUID: "e1", EnvName: "production", By: cm})
	want := "The entry 'e1' (en-us) cannot be published on the production environment: the publish rule r1 requires the workflow stage 'Review' and the entry is in the stage 'Draft'."
	if e, _ := AsError(err); e == nil || e.Message != want {
		t.Errorf("message: %v\nwant %s", err, want)
	}
}

func TestApplyPublishDecision(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	r := gateRule("r1", "boss")
	req := PublishDecision{RuleUID: "r1", Action: "publish", Status: RequestPending, Comment: "please"}
	got, err := ApplyPublishDecision(nil, req, r, 2, "review", "cm", at)
	if err != nil {
		t.Fatal(err)
	}
	want := PublishApproval{Status: RequestPending, EntryVersion: 2, RequestedBy: "cm", RequestedAt: at, RequestComment: "please"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	_, err = ApplyPublishDecision(nil, req, r, 2, "draft", "cm", at)
	wantInvalid(t, err, "publishing_rule.uid")

	accept := PublishDecision{RuleUID: "r1", Action: "publish", Status: RequestAccepted, Comment: "ok"}
	_, err = ApplyPublishDecision(nil, accept, r, 2, "review", "boss", at)
	wantInvalid(t, err, "publishing_rule.status")
	later := at.Add(time.Hour)
	done, err := ApplyPublishDecision(&got, accept, r, 3, "draft", "boss", later)
	if err != nil {
		t.Fatal(err)
	}
	want = PublishApproval{Status: RequestAccepted, EntryVersion: 3, RequestedBy: "cm", RequestedAt: at, RequestComment: "please",
		DecidedBy: "boss", DecidedAt: later, DecisionComment: "ok"}
	if diff := cmp.Diff(want, done); diff != "" {
		t.Errorf("acceptance (-want +got):\n%s", diff)
	}
	_, err = ApplyPublishDecision(&done, PublishDecision{RuleUID: "r1", Action: "publish", Status: RequestRejected}, r, 3, "review", "boss", later)
	wantInvalid(t, err, "publishing_rule.status")
	_, err = ApplyPublishDecision(&done, req, r, 3, "review", "cm", later)
	wantInvalid(t, err, "publishing_rule.status")
	if again, err := ApplyPublishDecision(&done, req, r, 4, "review", "cm", later); err != nil || again.Status != RequestPending || again.DecidedBy != "" {
		t.Errorf("new request after a change: %+v, %v", again, err)
	}
}
