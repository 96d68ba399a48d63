package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// RunEntryWorkflow is the conformance suite of entry stages, assignments
// and publish requests: every engine must pass all of it.
func RunEntryWorkflow(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.Store, st ewStack)
	}{
		{"StageMoves", testStageMoves},
		{"StageMoveRefusals", testStageMoveRefusals},
		{"Assignments", testAssignments},
		{"ConcurrentStageMoves", testConcurrentStageMoves},
		{"PublishRequests", testPublishRequests},
		{"EntryWorkflowGoesWithTheStack", testEntryWorkflowGoesWithTheStack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := e.Open(t)
			tt.fn(t, s, seedEntryWorkflow(t, s))
		})
	}
}

// ewStack is a workflow stack (seedWorkflowStack) with a content type
// blog holding an entry, and an enabled workflow for blog whose stages
// s_draft (next: any) and s_review (next: s_draft) are open to all users.
type ewStack struct {
	wfStack
	stack domain.Stack
	entry domain.Entry
	wf    domain.Workflow
}

func seedEntryWorkflow(t *testing.T, s *store.Store) ewStack {
	t.Helper()
	ctx := context.Background()
	ws := seedWorkflowStack(t, s)
	st := domain.Stack{APIKey: ws.key, MasterLocale: "en-us"}
	for _, uid := range []string{"blog", "page"} {
		if err := s.CreateContentType(ctx, newCT(st, uid, schema(t, `[{"uid":"title","data_type":"text","display_name":"Title"}]`)), nil); err != nil {
			t.Fatal(err)
		}
	}
	w := newWorkflow(t, ws.key, "blog")
	if err := s.CreateWorkflow(ctx, w, nil); err != nil {
		t.Fatal(err)
	}
	return ewStack{wfStack: ws, stack: st, entry: createEntry(t, s, st, "blog", "en-us", `{"title":"One"}`, t0), wf: w}
}

func (st ewStack) move(stage string) domain.StageMove {
	return domain.StageMove{APIKey: st.key, ContentType: "blog", EntryUID: st.entry.UID, Locale: "en-us", Branch: "main",
		StageUID: stage, By: st.owner, At: t0}
}

var ownerMover = domain.Mover{Superuser: true}

func stagesOf(t *testing.T, s *store.Store, st ewStack) []domain.EntryStage {
	t.Helper()
	got, err := s.EntryStages(context.Background(), st.key, []string{st.entry.UID})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func testStageMoves(t *testing.T, s *store.Store, st ewStack) {
	ctx := context.Background()
	if got := stagesOf(t, s, st); len(got) != 0 {
		t.Fatalf("stages before any move: %+v", got)
	}
	m := st.move("s_review")
	m.Comment, m.DueDate, m.Notify = "look", "2026-02-01", true
	m.AssignedTo = []domain.Assignee{{UID: st.member, Name: "ignored", Email: "ignored"}}
	m.AssignedByRoles = []domain.RoleRef{{UID: st.role}}
	before := auditCount(t, s, st.key)
	got, err := s.MoveEntryStage(ctx, m, domain.Mover{UserUID: st.member}, auditFor(st.key, "workflow_stage"))
	if err != nil {
		t.Fatal(err)
	}
	want := domain.EntryStage{APIKey: st.key, ContentType: "blog", EntryUID: st.entry.UID, Locale: "en-us", WorkflowUID: st.wf.UID,
		StageUID: "s_review", EntryVersion: 1, Comment: "look", DueDate: "2026-02-01", Notify: true,
		AssignedTo:      []domain.Assignee{{UID: st.member, Name: "", Email: "member@example.com"}},
		AssignedByRoles: []domain.RoleRef{{UID: st.role, Name: "Developer"}}, UpdatedBy: st.owner, UpdatedAt: t0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MoveEntryStage (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]domain.EntryStage{want}, stagesOf(t, s, st)); diff != "" {
		t.Errorf("EntryStages (-want +got):\n%s", diff)
	}
	if n := auditCount(t, s, st.key); n != before+1 {
		t.Errorf("audit items: %d, want %d", n, before+1)
	}
	back := st.move("s_draft")
	if _, err := s.MoveEntryStage(ctx, back, domain.Mover{UserUID: st.member}, nil); err != nil {
		t.Fatal(err)
	}
	if got := stagesOf(t, s, st); len(got) != 1 || got[0].StageUID != "s_draft" || len(got[0].AssignedTo) != 0 || got[0].AssignedTo == nil {
		t.Errorf("after moving back: %+v", got)
	}
}

func testStageMoveRefusals(t *testing.T, s *store.Store, st ewStack) {
	ctx := context.Background()
	if _, err := s.MoveEntryStage(ctx, st.move("s_review"), ownerMover, nil); err != nil {
		t.Fatal(err)
	}
	before := auditCount(t, s, st.key)
	stages := stagesOf(t, s, st)
	page := createEntry(t, s, st.stack, "page", "en-us", `{"title":"P"}`, t0)
	tests := []struct {
		name  string
		edit  func(m *domain.StageMove)
		mover domain.Mover
		code  int
		field string
	}{
		{"not a next stage", func(m *domain.StageMove) {}, domain.Mover{UserUID: st.member}, domain.CodeValidation, "workflow_stage.uid"},
		{"unknown stage", func(m *domain.StageMove) { m.StageUID = "nope" }, ownerMover, domain.CodeValidation, "workflow_stage.uid"},
		{"non-member assignee", func(m *domain.StageMove) {
			m.StageUID, m.AssignedTo = "s_draft", []domain.Assignee{{UID: "bltnotamember"}}
		}, ownerMover, domain.CodeValidation, "workflow_stage.assigned_to.0.uid"},
		{"role of no stack", func(m *domain.StageMove) {
			m.StageUID, m.AssignedByRoles = "s_draft", []domain.RoleRef{{UID: "bltnorole"}}
		}, ownerMover, domain.CodeValidation, "workflow_stage.assigned_by_roles.0.uid"},
		{"no workflow for the content type", func(m *domain.StageMove) { m.ContentType, m.EntryUID = "page", page.UID }, ownerMover,
			domain.CodeValidation, "workflow"},
		{"unknown content type", func(m *domain.StageMove) { m.ContentType = "nope" }, ownerMover, domain.CodeCTNotFound, ""},
		{"entry of another content type", func(m *domain.StageMove) { m.ContentType = "page" }, ownerMover, domain.CodeEntryNotFound, "uid"},
		{"locale without content", func(m *domain.StageMove) { m.Locale = "fr-fr" }, ownerMover, domain.CodeEntryNotFound, "locale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := st.move("s_review")
			tt.edit(&m)
			_, err := s.MoveEntryStage(ctx, m, tt.mover, auditFor(st.key, "workflow_stage"))
			wantCode(t, err, tt.code, tt.field)
		})
	}
	t.Run("token on a restricted stage", func(t *testing.T) {
		_, err := s.UpdateWorkflow(ctx, st.key, st.wf.UID, func(w *domain.Workflow) error {
			w.Stages[0].SysACL = domain.StageACL{Users: domain.UIDList{UIDs: []string{st.member}}}
			return domain.NormalizeWorkflow(w)
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.MoveEntryStage(ctx, st.move("s_draft"), domain.Mover{Token: true}, auditFor(st.key, "workflow_stage"))
		wantKind(t, err, domain.KindForbidden)
	})
	if diff := cmp.Diff(stages, stagesOf(t, s, st)); diff != "" {
		t.Errorf("a refused move changed the stage (-before +after):\n%s", diff)
	}
	if n := auditCount(t, s, st.key); n != before {
		t.Errorf("refused moves wrote %d audit items", n-before)
	}
}

func testAssignments(t *testing.T, s *store.Store, st ewStack) {
	ctx := context.Background()
	second := createEntry(t, s, st.stack, "blog", "en-us", `{"title":"Two"}`, t0)
	m := st.move("s_review")
	m.AssignedTo, m.DueDate = []domain.Assignee{{UID: st.member}}, "2026-02-01"
	if _, err := s.MoveEntryStage(ctx, m, ownerMover, nil); err != nil {
		t.Fatal(err)
	}
	m = st.move("s_review")
	m.EntryUID, m.AssignedByRoles, m.At = second.UID, []domain.RoleRef{{UID: st.role}}, t0.Add(time.Second)
	if _, err := s.MoveEntryStage(ctx, m, ownerMover, nil); err != nil {
		t.Fatal(err)
	}
	list := func(user, apiKey string) []string {
		t.Helper()
		got, err := s.Assignments(ctx, user, apiKey)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, a := range got {
			out = append(out, a.EntryTitle+"@"+a.Stage.StageUID+"/"+a.Workflow.UID)
		}
		return out
	}
	// The member holds st.role: the role assignment (newer) comes first.
	want := []string{"Two@s_review/" + st.wf.UID, "One@s_review/" + st.wf.UID}
	if diff := cmp.Diff(want, list(st.member, "")); diff != "" {
		t.Errorf("member's assignments (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, list(st.member, st.key)); diff != "" {
		t.Errorf("member's assignments in the stack (-want +got):\n%s", diff)
	}
	other, _ := secondStack(t, s, st.wfStack)
	if got := list(st.member, other); len(got) != 0 {
		t.Errorf("assignments in another stack: %v", got)
	}
	if got := list(st.owner, ""); len(got) != 0 {
		t.Errorf("owner's assignments: %v", got)
	}
	if err := s.DeleteEntry(ctx, st.key, "blog", second.UID, "", "en-us", false, domain.IfMatch{}, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[1:], list(st.member, "")); diff != "" {
		t.Errorf("after deleting an entry (-want +got):\n%s", diff)
	}
	if _, err := s.UpdateWorkflow(ctx, st.key, st.wf.UID, func(w *domain.Workflow) error { w.Enabled = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if got := list(st.member, ""); len(got) != 0 {
		t.Errorf("assignments of a disabled workflow: %v", got)
	}
}

// testConcurrentStageMoves races moves s_draft → s_review: only the first
// may succeed, since s_review may not move to itself; the others must see
// the stage it left (the entry's row is locked).
func testConcurrentStageMoves(t *testing.T, s *store.Store, st ewStack) {
	ctx := context.Background()
	ok := raceCreates(t, 4, func(int) error {
		_, err := s.MoveEntryStage(ctx, st.move("s_review"), domain.Mover{UserUID: st.member}, nil)
		return err
	})
	if ok != 1 {
		t.Errorf("%d concurrent moves to s_review succeeded, want 1", ok)
	}
}

func testPublishRequests(t *testing.T, s *store.Store, st ewStack) {
	ctx := context.Background()
	rule := newRule(t, st.key, st.wf.UID, st.env)
	rule.Approvers = domain.Principals{Users: []string{st.member}, Roles: []string{}}
	if _, err := s.CreatePublishRule(ctx, rule, nil); err != nil {
		t.Fatal(err)
	}
	open := newRule(t, st.key, st.wf.UID, st.env)
	if _, err := s.CreatePublishRule(ctx, open, nil); err != nil {
		t.Fatal(err)
	}
	allow := func(domain.PublishRule, domain.Environment) error { return nil }
	req := func(ruleUID string, status int) store.ApprovalRequest {
		return store.ApprovalRequest{APIKey: st.key, ContentType: "blog", EntryUID: st.entry.UID, Locale: "en-us", Branch: "main",
			Decision: domain.PublishDecision{RuleUID: ruleUID, Action: "publish", Status: status, Comment: "c"}, By: st.owner, At: t0}
	}
	_, _, err := s.DecidePublishRequest(ctx, req(rule.UID, domain.RequestPending), allow, nil)
	wantCode(t, err, domain.CodeValidation, "publishing_rule.uid") // the entry is still in s_draft
	if _, err := s.MoveEntryStage(ctx, st.move("s_review"), ownerMover, nil); err != nil {
		t.Fatal(err)
	}
	refuse := func(domain.PublishRule, domain.Environment) error { return domain.ErrForbidden() }
	_, _, err = s.DecidePublishRequest(ctx, req(rule.UID, domain.RequestPending), refuse, auditFor(st.key, "publish_request"))
	wantKind(t, err, domain.KindForbidden)
	_, _, err = s.DecidePublishRequest(ctx, req(open.UID, domain.RequestPending), allow, nil)
	wantCode(t, err, domain.CodeValidation, "publishing_rule.uid") // no approvers
	_, _, err = s.DecidePublishRequest(ctx, req("bltnorule", domain.RequestPending), allow, nil)
	wantCode(t, err, domain.CodeNotFound, "publishing_rule.uid")
	_, _, err = s.DecidePublishRequest(ctx, req(rule.UID, domain.RequestAccepted), allow, nil)
	wantCode(t, err, domain.CodeValidation, "publishing_rule.status") // nothing pending
	facts, err := s.EntryFacts(ctx, st.key, st.entry.UID, "en-us")
	if err != nil || len(facts.Approvals) != 0 || facts.Version != 1 || facts.Stage == nil || facts.Stage.StageUID != "s_review" {
		t.Fatalf("facts after refusals: %+v, %v", facts, err)
	}

	p, env, err := s.DecidePublishRequest(ctx, req(rule.UID, domain.RequestPending), allow, nil)
	if err != nil || env.Name != "development" || p.Status != domain.RequestPending || p.EntryVersion != 1 {
		t.Fatalf("request: %+v, %s, %v", p, env.Name, err)
	}
	if _, _, err := updateEntry(s, st.stack, "blog", st.entry.UID, "en-us", map[string]any{"title": "One, changed"}); err != nil {
		t.Fatal(err)
	}
	accept := req(rule.UID, domain.RequestAccepted)
	accept.By, accept.At = st.member, t0.Add(5*time.Second)
	if _, _, err := s.DecidePublishRequest(ctx, accept, allow, nil); err != nil {
		t.Fatal(err)
	}
	facts, err = s.EntryFacts(ctx, st.key, st.entry.UID, "en-us")
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.PublishApproval{{APIKey: st.key, RuleUID: rule.UID, ContentType: "blog", EntryUID: st.entry.UID, Locale: "en-us",
		EnvironmentUID: st.env, Action: "publish", Status: domain.RequestAccepted, EntryVersion: 2, RequestedBy: st.owner, RequestedAt: t0,
		RequestComment: "c", DecidedBy: st.member, DecidedAt: t0.Add(5 * time.Second), DecisionComment: "c"}}
	if diff := cmp.Diff(want, facts.Approvals); diff != "" || facts.Version != 2 {
		t.Errorf("facts after acceptance, version %d (-want +got):\n%s", facts.Version, diff)
	}
	facts, err = s.EntryFacts(ctx, st.key, st.entry.UID, "fr-fr")
	if err != nil || facts.Version != 0 || facts.Stage != nil || len(facts.Approvals) != 0 {
		t.Errorf("facts of a locale without content: %+v, %v", facts, err)
	}
}

func testEntryWorkflowGoesWithTheStack(t *testing.T, s *store.Store, st ewStack) {
	ctx := context.Background()
	rule := newRule(t, st.key, st.wf.UID, st.env)
	rule.Approvers = domain.Principals{Users: []string{st.member}, Roles: []string{}}
	if _, err := s.CreatePublishRule(ctx, rule, nil); err != nil {
		t.Fatal(err)
	}
	m := st.move("s_review")
	m.AssignedTo = []domain.Assignee{{UID: st.member}}
	if _, err := s.MoveEntryStage(ctx, m, ownerMover, nil); err != nil {
		t.Fatal(err)
	}
	r := store.ApprovalRequest{APIKey: st.key, ContentType: "blog", EntryUID: st.entry.UID, Locale: "en-us", Branch: "main",
		Decision: domain.PublishDecision{RuleUID: rule.UID, Action: "publish"}, By: st.owner, At: t0}
	if _, _, err := s.DecidePublishRequest(ctx, r, func(domain.PublishRule, domain.Environment) error { return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteStack(ctx, st.key); err != nil {
		t.Fatal(err)
	}
	facts, err := s.EntryFacts(ctx, st.key, st.entry.UID, "en-us")
	if err != nil || facts.Stage != nil || len(facts.Approvals) != 0 {
		t.Errorf("DeleteStack left %+v (%v)", facts, err)
	}
}
