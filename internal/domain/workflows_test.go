package domain

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func stage(uid, name string, next []string, users, roles []string) WorkflowStage {
	return WorkflowStage{UID: uid, Name: name, NextAvailableStages: next,
		SysACL: StageACL{Users: UIDList{UIDs: users}, Roles: UIDList{UIDs: roles}}}
}

func validWorkflow() Workflow {
	return Workflow{Name: "Review", Enabled: true, ContentTypes: []string{"blog"}, Stages: []WorkflowStage{
		stage("draft", "Draft", []string{"review"}, []string{All}, nil),
		stage("review", "Review", []string{All}, nil, []string{"role_editor"}),
	}}
}

func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	e, ok := AsError(err)
	if !ok || e.Kind != KindInvalid {
		t.Fatalf("error = %v; want an invalid error on %s", err, field)
	}
	if _, has := e.Fields[field]; !has {
		t.Fatalf("error fields = %v; want %s", e.Fields, field)
	}
}

func TestNormalizeWorkflowDefaultsAndFlags(t *testing.T) {
	w := validWorkflow()
	if err := NormalizeWorkflow(&w); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(w.Branches, []string{"main"}) || w.AdminUsers.Users == nil || w.AdminUsers.Roles == nil {
		t.Errorf("defaults: branches %v, admin_users %+v", w.Branches, w.AdminUsers)
	}
	d, r := w.Stages[0], w.Stages[1]
	if d.AllStages || !d.SpecificStages || !d.AllUsers || d.SpecificUsers || d.EntryLock != "$none" || string(d.SysACL.Others) != "{}" {
		t.Errorf("draft stage flags: %+v", d)
	}
	if !r.AllStages || r.SpecificStages || r.AllUsers || !r.SpecificUsers || r.SysACL.Users.UIDs == nil {
		t.Errorf("review stage flags: %+v", r)
	}
}

func TestNormalizeWorkflowErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(w *Workflow)
		field string
	}{
		{"no name", func(w *Workflow) { w.Name = " " }, "name"},
		{"one stage", func(w *Workflow) { w.Stages = w.Stages[:1] }, "workflow_stages"},
		{"21 stages", func(w *Workflow) {
			for i := 0; i < 19; i++ {
				w.Stages = append(w.Stages, stage(NewUID(), NewUID(), nil, nil, nil))
			}
		}, "workflow_stages"},
		{"stage without name", func(w *Workflow) { w.Stages[1].Name = "" }, "workflow_stages.1.name"},
		{"duplicate stage name", func(w *Workflow) { w.Stages[1].Name = "Draft" }, "workflow_stages.1.name"},
		{"duplicate stage uid", func(w *Workflow) { w.Stages[1].UID = "draft" }, "workflow_stages.1.uid"},
		{"bad stage uid", func(w *Workflow) { w.Stages[1].UID = "a b" }, "workflow_stages.1.uid"},
		{"next stage of another workflow", func(w *Workflow) { w.Stages[0].NextAvailableStages = []string{"elsewhere"} },
			"workflow_stages.0.next_available_stages"},
		{"21 next stages", func(w *Workflow) {
			for i := 0; i < 21; i++ {
				w.Stages[0].NextAvailableStages = append(w.Stages[0].NextAvailableStages, "review")
			}
		}, "workflow_stages.0.next_available_stages"},
		{"bad color", func(w *Workflow) { w.Stages[0].Color = "blue" }, "workflow_stages.0.color"},
		{"bad entry lock", func(w *Workflow) { w.Stages[0].EntryLock = "$some" }, "workflow_stages.0.entry_lock"},
		{"others not an object", func(w *Workflow) { w.Stages[0].SysACL.Others = json.RawMessage(`[1]`) }, "workflow_stages.0.SYS_ACL.others"},
		{"101 stage users", func(w *Workflow) { w.Stages[0].SysACL.Users.UIDs = make([]string, 101) }, "workflow_stages.0.SYS_ACL"},
		{"bad content type", func(w *Workflow) { w.ContentTypes = []string{"Blog"} }, "content_types"},
		{"101 content types", func(w *Workflow) { w.ContentTypes = make([]string, 101) }, "content_types"},
		{"bad branch", func(w *Workflow) { w.Branches = []string{"Main!"} }, "branches"},
		{"101 super users", func(w *Workflow) { w.AdminUsers.Users = make([]string, 101) }, "admin_users.users"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validWorkflow()
			tt.edit(&w)
			wantInvalid(t, NormalizeWorkflow(&w), tt.field)
		})
	}
}

func TestAssignStageUIDs(t *testing.T) {
	prev := []WorkflowStage{{UID: "s1", Name: "Draft"}, {UID: "s2", Name: "Review"}}
	stages := []WorkflowStage{{Name: "Review"}, {UID: "mine", Name: "Draft"}, {Name: "Done"}}
	AssignStageUIDs(stages, prev)
	if stages[0].UID != "s2" || stages[1].UID != "mine" || !ValidUID(stages[2].UID) {
		t.Errorf("uids: %q %q %q", stages[0].UID, stages[1].UID, stages[2].UID)
	}
}

func TestCheckWorkflowRefs(t *testing.T) {
	refs := StackRefs{Roles: map[string]bool{"role_editor": true}, Members: map[string]bool{"u1": true}}
	ok := validWorkflow()
	ok.Stages[0].SysACL.Users.UIDs = []string{"u1", All}
	ok.AdminUsers = Principals{Users: []string{"u1"}, Roles: []string{"role_editor"}}
	if err := CheckWorkflowRefs(ok, refs); err != nil {
		t.Fatalf("valid refs: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(w *Workflow)
		field string
	}{
		{"stage user not a member", func(w *Workflow) { w.Stages[0].SysACL.Users.UIDs = []string{"u2"} }, "workflow_stages.0.SYS_ACL.users.uids"},
		{"stage role unknown", func(w *Workflow) { w.Stages[1].SysACL.Roles.UIDs = []string{"nope"} }, "workflow_stages.1.SYS_ACL.roles.uids"},
		{"admin user not a member", func(w *Workflow) { w.AdminUsers.Users = []string{"u2"} }, "admin_users.users"},
		{"admin role unknown", func(w *Workflow) { w.AdminUsers.Roles = []string{"nope"} }, "admin_users.roles"},
		{"$all is no admin role", func(w *Workflow) { w.AdminUsers.Roles = []string{All} }, "admin_users.roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := validWorkflow()
			tt.edit(&w)
			wantInvalid(t, CheckWorkflowRefs(w, refs), tt.field)
		})
	}
}

func TestCheckWorkflowConflicts(t *testing.T) {
	wf := func(uid string, enabled bool, cts []string, branches ...string) Workflow {
		if len(branches) == 0 {
			branches = []string{"main"}
		}
		return Workflow{UID: uid, Name: uid, Enabled: enabled, ContentTypes: cts, Branches: branches}
	}
	others := []Workflow{wf("a", true, []string{"blog", "page"}), wf("b", false, []string{All}), wf("c", true, []string{"news"}, "dev")}
	tests := []struct {
		name     string
		w        Workflow
		conflict bool
	}{
		{"shares blog", wf("x", true, []string{"author", "blog"}), true},
		{"$all against a", wf("x", true, []string{All}), true},
		{"disabled may share", wf("x", false, []string{"blog"}), false},
		{"shares only with a disabled workflow", wf("x", true, []string{"faq"}), false},
		{"same content type on another branch", wf("x", true, []string{"news"}), false},
		{"same content type on the same branch", wf("x", true, []string{"news"}, "dev"), true},
		{"no content types", wf("x", true, nil), false},
		{"itself", wf("a", true, []string{"blog"}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckWorkflowConflicts(tt.w, others)
			if (err != nil) != tt.conflict {
				t.Fatalf("conflict = %v, want %v", err, tt.conflict)
			}
			if err != nil {
				wantInvalid(t, err, "content_types")
			}
		})
	}
	with := append(others, wf("d", true, []string{All}, "dev"))
	if got, ok := WorkflowFor(with, "page", "main"); !ok || got.UID != "a" {
		t.Errorf("WorkflowFor(page, main) = %v, %v", got.UID, ok)
	}
	if got, ok := WorkflowFor(with, "anything", "dev"); !ok || got.UID != "d" {
		t.Errorf("WorkflowFor(anything, dev) = %v, %v", got.UID, ok)
	}
	if _, ok := WorkflowFor(with, "anything", "main"); ok {
		t.Error("WorkflowFor found the disabled $all workflow")
	}
}
