package domain

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// moveWorkflow has four stages:
//
//	open    → any stage; anyone may move in or out
//	review  → approve only; users u_rev or role r_editor
//	approve → any stage; role r_lead only
//	locked  → open only; open to all users, but only reachable from open
func moveWorkflow() Workflow {
	w := Workflow{Name: "W", Enabled: true, Branches: []string{"main"}, ContentTypes: []string{All},
		AdminUsers: Principals{Users: []string{"u_super"}, Roles: []string{"r_wfadmin"}},
		Stages: []WorkflowStage{
			stage("open", "Open", []string{All}, []string{All}, nil),
			stage("review", "Review", []string{"approve"}, []string{"u_rev"}, []string{"r_editor"}),
			stage("approve", "Approve", []string{All}, nil, []string{"r_lead"}),
			stage("locked", "Locked", []string{"open"}, []string{All}, nil),
		}}
	if err := NormalizeWorkflow(&w); err != nil {
		panic(err)
	}
	return w
}

func TestCheckStageMove(t *testing.T) {
	user := func(uid string, roles ...string) Mover { return Mover{UserUID: uid, RoleUIDs: roles} }
	token := Mover{Token: true}
	const ok, invalid, forbidden = "ok", "invalid", "forbidden"
	tests := []struct {
		name     string
		from, to string
		m        Mover
		want     string
	}{
		{"anyone into an open stage from none", "", "open", user("u_any"), ok},
		{"anyone between open stages", "open", "locked", user("u_any"), ok},
		{"token between stages open to all", "open", "locked", token, ok},
		{"token's first stage is open to all", "", "open", token, ok},
		{"token into a restricted stage", "open", "review", token, forbidden},
		{"token out of a restricted stage", "approve", "open", token, forbidden},
		{"token may not use the stack owner's rights", "open", "review", Mover{Token: true, Superuser: true}, forbidden},
		{"user into a stage naming them", "open", "review", user("u_rev"), ok},
		{"user into a stage naming their role", "open", "review", user("u_x", "r_editor"), ok},
		{"user into a stage naming neither", "open", "review", user("u_x", "r_other"), forbidden},
		{"user out of a stage that does not name them", "approve", "open", user("u_any"), forbidden},
		{"lead out of approve", "approve", "open", user("u_any", "r_lead"), ok},
		{"editor to a stage not next", "review", "locked", user("u_rev", "r_editor"), invalid},
		{"next stage but not admitted there", "review", "approve", user("u_rev"), forbidden},
		{"admitted on both sides", "review", "approve", user("u_rev", "r_lead"), ok},
		{"locked only leads to open", "locked", "review", user("u_rev"), invalid},
		{"stack admin skips the rules", "locked", "approve", Mover{UserUID: "u_admin", Superuser: true}, ok},
		{"workflow admin user skips the rules", "review", "locked", user("u_super"), ok},
		{"workflow admin role skips the rules", "approve", "review", user("u_x", "r_wfadmin"), ok},
		{"unknown target", "open", "nowhere", user("u_super"), invalid},
		{"unknown source", "gone", "open", user("u_any"), invalid},
	}
	w := moveWorkflow()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckStageMove(w, tt.from, tt.to, tt.m)
			got := ok
			switch {
			case IsKind(err, KindInvalid):
				got = invalid
			case IsKind(err, KindForbidden):
				got = forbidden
				if e, _ := AsError(err); e.Code != CodeForbidden {
					t.Errorf("forbidden with code %d", e.Code)
				}
			case err != nil:
				t.Fatalf("unexpected error %v", err)
			}
			if got != tt.want {
				t.Fatalf("CheckStageMove(%q → %q) = %s (%v), want %s", tt.from, tt.to, got, err, tt.want)
			}
		})
	}
	w.Enabled = false
	if err := CheckStageMove(w, "", "open", user("u_super")); !IsKind(err, KindInvalid) {
		t.Errorf("move in a disabled workflow: %v", err)
	}
}

func TestMoverOf(t *testing.T) {
	tests := []struct {
		name string
		p    Principal
		want Mover
	}{
		{"token", Principal{Kind: CredManagement, UserUID: "ignored"}, Mover{Token: true}},
		{"owner", Principal{Kind: CredUser, UserUID: "u", IsOwner: true}, Mover{UserUID: "u", RoleUIDs: []string{"r"}, Superuser: true}},
		{"admin", Principal{Kind: CredUser, UserUID: "u", Builtins: []Builtin{RoleDeveloper, RoleAdmin}}, Mover{UserUID: "u", RoleUIDs: []string{"r"}, Superuser: true}},
		{"developer", Principal{Kind: CredUser, UserUID: "u", Builtins: []Builtin{RoleDeveloper}}, Mover{UserUID: "u", RoleUIDs: []string{"r"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, MoverOf(tt.p, []string{"r"})); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestNormalizePublishRule(t *testing.T) {
	r := PublishRule{WorkflowUID: "w", StageUID: "s", EnvironmentUID: "development"}
	if err := NormalizePublishRule(&r); err != nil {
		t.Fatal(err)
	}
	want := PublishRule{WorkflowUID: "w", StageUID: "s", EnvironmentUID: "development", Actions: []string{"publish", "unpublish"},
		Branches: []string{"main"}, ContentTypes: []string{All}, Locales: []string{All}, Approvers: Principals{Users: []string{}, Roles: []string{}}}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	tests := []struct {
		name  string
		edit  func(r *PublishRule)
		field string
	}{
		{"no workflow", func(r *PublishRule) { r.WorkflowUID = "" }, "workflow"},
		{"no stage", func(r *PublishRule) { r.StageUID = "" }, "workflow_stage"},
		{"no environment", func(r *PublishRule) { r.EnvironmentUID = "" }, "environment"},
		{"unknown action", func(r *PublishRule) { r.Actions = []string{"publish", "delete"} }, "actions"},
		{"bad locale", func(r *PublishRule) { r.Locales = []string{"English"} }, "locales"},
		{"bad content type", func(r *PublishRule) { r.ContentTypes = []string{"1blog"} }, "content_types"},
		{"bad branch", func(r *PublishRule) { r.Branches = []string{"a/b"} }, "branches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := PublishRule{WorkflowUID: "w", StageUID: "s", EnvironmentUID: "e"}
			tt.edit(&r)
			wantInvalid(t, NormalizePublishRule(&r), tt.field)
		})
	}
}

func TestCheckPublishRuleRefs(t *testing.T) {
	w := moveWorkflow()
	refs := StackRefs{Roles: map[string]bool{"r1": true}, Members: map[string]bool{"u1": true}}
	r := PublishRule{StageUID: "review", Approvers: Principals{Users: []string{"u1"}, Roles: []string{"r1"}}}
	if err := CheckPublishRuleRefs(r, w, refs); err != nil {
		t.Fatal(err)
	}
	bad := r
	bad.StageUID = "elsewhere"
	wantInvalid(t, CheckPublishRuleRefs(bad, w, refs), "workflow_stage")
	bad = r
	bad.Approvers.Users = []string{"u2"}
	wantInvalid(t, CheckPublishRuleRefs(bad, w, refs), "approvers.users")
	bad = r
	bad.Approvers.Roles = []string{All}
	wantInvalid(t, CheckPublishRuleRefs(bad, w, refs), "approvers.roles")
}

func TestRulesFor(t *testing.T) {
	rule := func(uid, wf string, cts, locales, actions, branches []string, env string) PublishRule {
		return PublishRule{UID: uid, WorkflowUID: wf, ContentTypes: cts, Locales: locales, Actions: actions, Branches: branches, EnvironmentUID: env}
	}
	both, main := []string{"publish", "unpublish"}, []string{"main"}
	rules := []PublishRule{
		rule("r_blog_en", "w1", []string{"blog"}, []string{"en-us"}, both, main, "env_dev"),
		rule("r_all", "w1", []string{All}, []string{All}, []string{"publish"}, main, "env_prod"),
		rule("r_dev_branch", "w1", []string{"blog"}, []string{All}, both, []string{"dev"}, "env_dev"),
		rule("r_disabled", "w2", []string{All}, []string{All}, both, main, "env_dev"),
		rule("r_orphan", "gone", []string{All}, []string{All}, both, main, "env_dev"),
	}
	ws := []Workflow{{UID: "w1", Enabled: true}, {UID: "w2", Enabled: false}}
	tests := []struct {
		name string
		q    RuleQuery
		want []string
	}{
		{"blog en-us to dev on main", RuleQuery{"blog", "en-us", "env_dev", "publish", "main"}, []string{"r_blog_en"}},
		{"blog fr-fr to dev on main", RuleQuery{"blog", "fr-fr", "env_dev", "publish", "main"}, []string{}},
		{"page to prod", RuleQuery{"page", "fr-fr", "env_prod", "publish", "main"}, []string{"r_all"}},
		{"unpublish from prod is not governed", RuleQuery{"page", "fr-fr", "env_prod", "unpublish", "main"}, []string{}},
		{"blog on the dev branch", RuleQuery{"blog", "de-de", "env_dev", "unpublish", "dev"}, []string{"r_dev_branch"}},
		{"every rule for blog", RuleQuery{ContentType: "blog"}, []string{"r_blog_en", "r_all", "r_dev_branch"}},
		{"rules for blog to dev", RuleQuery{ContentType: "blog", Environment: "env_dev"}, []string{"r_blog_en", "r_dev_branch"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, r := range RulesFor(rules, ws, tt.q) {
				got = append(got, r.UID)
			}
			if got == nil {
				got = []string{}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("RulesFor (-want +got):\n%s", diff)
			}
		})
	}
}
