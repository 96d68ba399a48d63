package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// RunWorkflows is the conformance suite of workflow and publish-rule
// storage: every engine must pass all of it.
func RunWorkflows(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{
		{"Workflows", testWorkflows},
		{"WorkflowReferences", testWorkflowReferences},
		{"WorkflowConflicts", testWorkflowConflicts},
		{"WorkflowLimitNoRace", testWorkflowLimitNoRace},
		{"WorkflowConflictNoRace", testWorkflowConflictNoRace},
		{"PublishRules", testPublishRules},
		{"PublishRuleLimitNoRace", testPublishRuleLimitNoRace},
		{"DeleteWorkflowTakesItsRules", testDeleteWorkflowTakesItsRules},
		{"WorkflowsGoWithTheStack", testWorkflowsGoWithTheStack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := e.Open(t)
			tt.fn(t, s)
		})
	}
}

// wfStack is a stack with a member (besides the owner) and an environment.
type wfStack struct {
	key, owner, member, role, env string
	org                           domain.Organization
	ownerUser                     domain.User
}

func seedWorkflowStack(t *testing.T, s *store.Store) wfStack {
	t.Helper()
	ctx := context.Background()
	org, owner := seedOrg(t, s)
	member := addUser(t, s, org, "member@example.com")
	st, roles := newStack(owner, org)
	if err := s.CreateStack(ctx, st, roles, nil); err != nil {
		t.Fatalf("CreateStack: %v", err)
	}
	if err := s.Share(ctx, st.APIKey, store.Grants{member.UID: {roles[1].UID}}, t0, nil); err != nil {
		t.Fatalf("Share: %v", err)
	}
	env := domain.Environment{UID: domain.NewUID(), APIKey: st.APIKey, Name: "development", CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateEnvironment(ctx, env, nil); err != nil {
		t.Fatalf("CreateEnvironment: %v", err)
	}
	return wfStack{key: st.APIKey, owner: owner.UID, member: member.UID, role: roles[1].UID, env: env.UID, org: org, ownerUser: owner}
}

// secondStack creates another stack of st's owner and returns its api_key
// and the uid of one of its roles.
func secondStack(t *testing.T, s *store.Store, st wfStack) (string, string) {
	t.Helper()
	other, roles := newStack(st.ownerUser, st.org)
	if err := s.CreateStack(context.Background(), other, roles, nil); err != nil {
		t.Fatalf("CreateStack: %v", err)
	}
	return other.APIKey, roles[0].UID
}

var wfSeq struct {
	sync.Mutex
	n int
}

// newWorkflow returns a valid, normalized workflow of two stages for the
// content types given.
func newWorkflow(t *testing.T, key string, cts ...string) domain.Workflow {
	t.Helper()
	wfSeq.Lock()
	wfSeq.n++
	at := t0.Add(time.Duration(wfSeq.n) * time.Millisecond)
	wfSeq.Unlock()
	w := domain.Workflow{UID: domain.NewUID(), APIKey: key, Name: "WF", Enabled: true, ContentTypes: cts,
		Stages: []domain.WorkflowStage{
			{UID: "s_draft", Name: "Draft", NextAvailableStages: []string{domain.All}, SysACL: domain.DefaultStageACL()},
			{UID: "s_review", Name: "Review", Color: "#2196f3", NextAvailableStages: []string{"s_draft"}, SysACL: domain.DefaultStageACL()},
		}, CreatedBy: "blt_creator", UpdatedBy: "blt_creator", CreatedAt: at, UpdatedAt: at}
	if err := domain.NormalizeWorkflow(&w); err != nil {
		t.Fatalf("NormalizeWorkflow: %v", err)
	}
	return w
}

func newRule(t *testing.T, key, workflow, env string) domain.PublishRule {
	t.Helper()
	r := domain.PublishRule{UID: domain.NewUID(), APIKey: key, WorkflowUID: workflow, StageUID: "s_review", EnvironmentUID: env,
		Locales: []string{"en-us"}, CreatedAt: t0, UpdatedAt: t0}
	if err := domain.NormalizePublishRule(&r); err != nil {
		t.Fatalf("NormalizePublishRule: %v", err)
	}
	return r
}

func auditFor(key, event string) *domain.AuditEntry {
	return &domain.AuditEntry{UID: domain.NewUID(), APIKey: key, Module: string(domain.ModWorkflow), EventType: event, ActorKind: "user", CreatedAt: t0}
}

func auditCount(t *testing.T, s *store.Store, key string) int {
	t.Helper()
	_, n, err := s.AuditLog(context.Background(), store.AuditFilter{APIKey: key, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func testWorkflows(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	w := newWorkflow(t, st.key, "blog")
	w.Description = "two stages"
	w.Stages[1].SysACL = domain.StageACL{Users: domain.UIDList{UIDs: []string{st.member}}, Roles: domain.UIDList{UIDs: []string{st.role}},
		Others: json.RawMessage(`{"note":"kept"}`)}
	w.AdminUsers = domain.Principals{Users: []string{st.owner}, Roles: []string{}}
	if err := domain.NormalizeWorkflow(&w); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWorkflow(ctx, w, auditFor(st.key, "create")); err != nil {
		t.Fatalf("CreateWorkflow: %v", err)
	}
	got, err := s.Workflow(ctx, st.key, w.UID)
	if err != nil {
		t.Fatalf("Workflow: %v", err)
	}
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("Workflow round trip (-want +got):\n%s", diff)
	}
	_, err = s.Workflow(ctx, st.key, "bltnowhere")
	wantKind(t, err, domain.KindInvalid)
	if list, err := s.Workflows(ctx, st.key); err != nil || len(list) != 1 || list[0].UID != w.UID {
		t.Fatalf("Workflows = %v, %v", list, err)
	}
	up, err := s.UpdateWorkflow(ctx, st.key, w.UID, func(w *domain.Workflow) error {
		w.Name, w.Enabled, w.UpdatedBy = "Renamed", false, "blt_editor"
		return nil
	}, auditFor(st.key, "update"))
	if err != nil || up.Name != "Renamed" || up.Enabled {
		t.Fatalf("UpdateWorkflow = %+v, %v", up, err)
	}
	got, _ = s.Workflow(ctx, st.key, w.UID)
	if got.Name != "Renamed" || got.Enabled || got.UpdatedBy != "blt_editor" || got.CreatedBy != "blt_creator" {
		t.Errorf("after UpdateWorkflow: %+v", got)
	}
	_, err = s.UpdateWorkflow(ctx, st.key, w.UID, func(w *domain.Workflow) error {
		w.Name = "Lost"
		return domain.ErrInvalid("x", "abort")
	}, auditFor(st.key, "update"))
	wantKind(t, err, domain.KindInvalid)
	if got, _ := s.Workflow(ctx, st.key, w.UID); got.Name != "Renamed" {
		t.Errorf("an aborted update wrote %q", got.Name)
	}
	if n := auditCount(t, s, st.key); n != 2 {
		t.Errorf("%d audit items after two writes and one refused", n)
	}
	if wf, ok, err := s.WorkflowFor(ctx, st.key, "blog", "main"); err != nil || ok {
		t.Errorf("WorkflowFor on a disabled workflow = %v, %v, %v", wf.UID, ok, err)
	}
	if _, err := s.UpdateWorkflow(ctx, st.key, w.UID, func(w *domain.Workflow) error { w.Enabled = true; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if wf, ok, err := s.WorkflowFor(ctx, st.key, "blog", "main"); err != nil || !ok || wf.UID != w.UID {
		t.Errorf("WorkflowFor(blog) = %v, %v, %v", wf.UID, ok, err)
	}
	_, err = s.UpdateWorkflow(ctx, st.key, "bltnowhere", func(*domain.Workflow) error { return nil }, nil)
	wantKind(t, err, domain.KindInvalid)
}

// testWorkflowReferences: users must be members and roles the stack's,
// on create and on update; a refused write changes nothing.
func testWorkflowReferences(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	_, other := secondStack(t, s, st)
	for name, edit := range map[string]func(w *domain.Workflow){
		"non-member in SYS_ACL":    func(w *domain.Workflow) { w.Stages[0].SysACL.Users.UIDs = []string{"bltstranger"} },
		"other stack's role":       func(w *domain.Workflow) { w.Stages[0].SysACL.Roles.UIDs = []string{other} },
		"non-member admin user":    func(w *domain.Workflow) { w.AdminUsers.Users = []string{"bltstranger"} },
		"unknown admin role":       func(w *domain.Workflow) { w.AdminUsers.Roles = []string{"bltnorole"} },
		"member and role are fine": nil,
	} {
		w := newWorkflow(t, st.key, "blog")
		if edit == nil {
			w.Stages[0].SysACL.Users.UIDs, w.Stages[0].SysACL.Roles.UIDs = []string{st.member}, []string{st.role}
			if err := s.CreateWorkflow(ctx, w, nil); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		edit(&w)
		wantKind(t, s.CreateWorkflow(ctx, w, auditFor(st.key, "create")), domain.KindInvalid)
	}
	list, _ := s.Workflows(ctx, st.key)
	if len(list) != 1 || auditCount(t, s, st.key) != 0 {
		t.Fatalf("refused creates wrote: %d workflows, %d audit items", len(list), auditCount(t, s, st.key))
	}
	_, err := s.UpdateWorkflow(ctx, st.key, list[0].UID, func(w *domain.Workflow) error {
		w.AdminUsers.Users = []string{"bltstranger"}
		return nil
	}, nil)
	wantKind(t, err, domain.KindInvalid)
}

func testWorkflowConflicts(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	a := newWorkflow(t, st.key, "blog", "page")
	if err := s.CreateWorkflow(ctx, a, nil); err != nil {
		t.Fatal(err)
	}
	wantKind(t, s.CreateWorkflow(ctx, newWorkflow(t, st.key, "page"), nil), domain.KindInvalid)
	wantKind(t, s.CreateWorkflow(ctx, newWorkflow(t, st.key, domain.All), nil), domain.KindInvalid)
	b := newWorkflow(t, st.key, domain.All)
	b.Enabled = false
	if err := s.CreateWorkflow(ctx, b, nil); err != nil {
		t.Fatalf("a disabled workflow may share content types: %v", err)
	}
	_, err := s.UpdateWorkflow(ctx, st.key, b.UID, func(w *domain.Workflow) error { w.Enabled = true; return nil }, nil)
	wantKind(t, err, domain.KindInvalid)
	if _, err := s.UpdateWorkflow(ctx, st.key, a.UID, func(w *domain.Workflow) error { w.Enabled = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateWorkflow(ctx, st.key, b.UID, func(w *domain.Workflow) error { w.Enabled = true; return nil }, nil); err != nil {
		t.Errorf("enable once the other is disabled: %v", err)
	}
	// Another stack's workflows never conflict.
	otherKey, _ := secondStack(t, s, st)
	if err := s.CreateWorkflow(ctx, newWorkflow(t, otherKey, "blog", "page"), nil); err != nil {
		t.Errorf("another stack's workflow for the same content types: %v", err)
	}
}

func testWorkflowLimitNoRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	for i := 0; i < domain.MaxWorkflows-2; i++ {
		if err := s.CreateWorkflow(ctx, newWorkflow(t, st.key, fmt.Sprintf("ct%d", i)), nil); err != nil {
			t.Fatalf("workflow %d: %v", i, err)
		}
	}
	ok := raceCreates(t, 5, func(i int) error {
		return s.CreateWorkflow(ctx, newWorkflow(t, st.key, fmt.Sprintf("race%d", i)), nil)
	})
	if ok != 2 {
		t.Errorf("%d of 5 concurrent creates succeeded with 2 places left", ok)
	}
	if list, _ := s.Workflows(ctx, st.key); len(list) != domain.MaxWorkflows {
		t.Errorf("%d workflows stored; the limit is %d", len(list), domain.MaxWorkflows)
	}
}

// raceCreates runs n creates at once and returns how many succeeded; every
// failure must be an invalid error (a limit or a conflict), never a fault.
func raceCreates(t *testing.T, n int, create func(i int) error) int {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- create(i)
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case !domain.IsKind(err, domain.KindInvalid):
			t.Errorf("concurrent create failed with %v", err)
		}
	}
	return ok
}

func testWorkflowConflictNoRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	ok := raceCreates(t, 4, func(int) error { return s.CreateWorkflow(ctx, newWorkflow(t, st.key, "blog"), nil) })
	if ok != 1 {
		t.Errorf("%d of 4 concurrent enabled workflows for blog were created", ok)
	}
}

func testPublishRules(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	w := newWorkflow(t, st.key, "blog")
	if err := s.CreateWorkflow(ctx, w, nil); err != nil {
		t.Fatal(err)
	}
	r := newRule(t, st.key, w.UID, "development")
	r.Approvers = domain.Principals{Users: []string{st.member}, Roles: []string{st.role}}
	got, err := s.CreatePublishRule(ctx, r, auditFor(st.key, "create"))
	if err != nil {
		t.Fatalf("CreatePublishRule: %v", err)
	}
	if got.EnvironmentUID != st.env {
		t.Errorf("environment stored as %q, want the uid %q", got.EnvironmentUID, st.env)
	}
	fetched, err := s.PublishRule(ctx, st.key, r.UID)
	if diff := cmp.Diff(got, fetched); err != nil || diff != "" {
		t.Errorf("PublishRule round trip (-want +got):\n%s %v", diff, err)
	}
	for name, edit := range map[string]func(r *domain.PublishRule){
		"unknown environment":   func(r *domain.PublishRule) { r.EnvironmentUID = "production" },
		"unknown workflow":      func(r *domain.PublishRule) { r.WorkflowUID = "bltnowhere" },
		"stage of no workflow":  func(r *domain.PublishRule) { r.StageUID = "s_elsewhere" },
		"non-member approver":   func(r *domain.PublishRule) { r.Approvers.Users = []string{"bltstranger"} },
		"unknown approver role": func(r *domain.PublishRule) { r.Approvers.Roles = []string{"bltnorole"} },
	} {
		bad := newRule(t, st.key, w.UID, st.env)
		edit(&bad)
		if _, err := s.CreatePublishRule(ctx, bad, auditFor(st.key, "create")); !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if rules, _ := s.PublishRules(ctx, st.key); len(rules) != 1 || auditCount(t, s, st.key) != 1 {
		t.Fatalf("refused creates wrote: %d rules, %d audit items", len(rules), auditCount(t, s, st.key))
	}
	up, err := s.UpdatePublishRule(ctx, st.key, r.UID, func(r *domain.PublishRule) error {
		r.Actions, r.EnvironmentUID, r.UpdatedBy = []string{"unpublish"}, st.env, "blt_editor"
		return nil
	}, nil)
	if err != nil || !cmp.Equal(up.Actions, []string{"unpublish"}) {
		t.Fatalf("UpdatePublishRule = %+v, %v", up, err)
	}
	_, err = s.UpdatePublishRule(ctx, st.key, r.UID, func(r *domain.PublishRule) error { r.StageUID = "s_nope"; return nil }, nil)
	wantKind(t, err, domain.KindInvalid)
	if got, _ := s.PublishRule(ctx, st.key, r.UID); got.StageUID != "s_review" || got.UpdatedBy != "blt_editor" {
		t.Errorf("after a refused update: %+v", got)
	}
	// A workflow update may not drop a stage a rule uses.
	_, err = s.UpdateWorkflow(ctx, st.key, w.UID, func(w *domain.Workflow) error {
		w.Stages[1].UID = "s_renamed"
		return nil
	}, nil)
	wantKind(t, err, domain.KindInvalid)

	rules, err := s.PublishRulesFor(ctx, st.key, domain.RuleQuery{ContentType: "blog", Locale: "en-us", Environment: "development", Action: "unpublish", Branch: "main"})
	if err != nil || len(rules) != 1 {
		t.Errorf("PublishRulesFor(blog, development by name) = %v, %v", rules, err)
	}
	if rules, _ := s.PublishRulesFor(ctx, st.key, domain.RuleQuery{ContentType: "blog", Action: "publish"}); len(rules) != 0 {
		t.Errorf("PublishRulesFor(publish) = %v; the rule governs unpublish only", rules)
	}
	_, err = s.PublishRulesFor(ctx, st.key, domain.RuleQuery{Environment: "production"})
	wantKind(t, err, domain.KindInvalid)

	refuse := func(domain.PublishRule) error { return domain.ErrForbidden() }
	wantKind(t, s.DeletePublishRule(ctx, st.key, r.UID, refuse, nil), domain.KindForbidden)
	if _, err := s.PublishRule(ctx, st.key, r.UID); err != nil {
		t.Fatalf("a refused delete removed the rule: %v", err)
	}
	if err := s.DeletePublishRule(ctx, st.key, r.UID, func(domain.PublishRule) error { return nil }, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.PublishRule(ctx, st.key, r.UID)
	wantKind(t, err, domain.KindInvalid)
}

func testPublishRuleLimitNoRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	w := newWorkflow(t, st.key, "blog")
	if err := s.CreateWorkflow(ctx, w, nil); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < domain.MaxPublishRules-2; i++ {
		if _, err := s.CreatePublishRule(ctx, newRule(t, st.key, w.UID, st.env), nil); err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	ok := raceCreates(t, 5, func(int) error {
		_, err := s.CreatePublishRule(ctx, newRule(t, st.key, w.UID, st.env), nil)
		return err
	})
	if ok != 2 {
		t.Errorf("%d of 5 concurrent creates succeeded with 2 places left", ok)
	}
	if rules, _ := s.PublishRules(ctx, st.key); len(rules) != domain.MaxPublishRules {
		t.Errorf("%d rules stored; the limit is %d", len(rules), domain.MaxPublishRules)
	}
}

func testDeleteWorkflowTakesItsRules(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	keep, drop := newWorkflow(t, st.key, "page"), newWorkflow(t, st.key, "blog")
	for _, w := range []domain.Workflow{keep, drop} {
		if err := s.CreateWorkflow(ctx, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	kept := newRule(t, st.key, keep.UID, st.env)
	for _, r := range []domain.PublishRule{kept, newRule(t, st.key, drop.UID, st.env), newRule(t, st.key, drop.UID, st.env)} {
		if _, err := s.CreatePublishRule(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteWorkflow(ctx, st.key, drop.UID, auditFor(st.key, "delete"))
	if err != nil || n != 2 {
		t.Fatalf("DeleteWorkflow = %d, %v; want 2 rules deleted", n, err)
	}
	rules, _ := s.PublishRules(ctx, st.key)
	if len(rules) != 1 || rules[0].UID != kept.UID {
		t.Errorf("rules after deleting a workflow: %+v", rules)
	}
	_, err = s.DeleteWorkflow(ctx, st.key, drop.UID, nil)
	wantKind(t, err, domain.KindInvalid)
	if auditCount(t, s, st.key) != 1 {
		t.Errorf("%d audit items; want the one delete", auditCount(t, s, st.key))
	}
}

func testWorkflowsGoWithTheStack(t *testing.T, s *store.Store) {
	ctx := context.Background()
	st := seedWorkflowStack(t, s)
	w := newWorkflow(t, st.key, "blog")
	if err := s.CreateWorkflow(ctx, w, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreatePublishRule(ctx, newRule(t, st.key, w.UID, st.env), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStack(ctx, st.key); err != nil {
		t.Fatal(err)
	}
	ws, _ := s.Workflows(ctx, st.key)
	rules, _ := s.PublishRules(ctx, st.key)
	if len(ws) != 0 || len(rules) != 0 {
		t.Errorf("DeleteStack left %d workflows and %d rules", len(ws), len(rules))
	}
}
