package domain

import (
	"strings"
	"testing"
)

func TestCurrentStage(t *testing.T) {
	w := validWorkflow()
	w.UID = "wf1"
	tests := []struct {
		name string
		s    *EntryStage
		want string
	}{
		{"never moved: first stage", nil, "draft"},
		{"moved in this workflow", &EntryStage{WorkflowUID: "wf1", StageUID: "review"}, "review"},
		{"moved in another workflow", &EntryStage{WorkflowUID: "wf0", StageUID: "review"}, "draft"},
		{"stage since removed", &EntryStage{WorkflowUID: "wf1", StageUID: "gone"}, "draft"},
	}
	for _, tt := range tests {
		if got := CurrentStage(w, tt.s); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNormalizeStageMove(t *testing.T) {
	valid := func() StageMove {
		return StageMove{StageUID: "review", Comment: "please", DueDate: " 2026-03-10 ",
			AssignedTo: []Assignee{{UID: "u1"}, {UID: "u2"}}, AssignedByRoles: []RoleRef{{UID: "r1"}}}
	}
	m := valid()
	if err := NormalizeStageMove(&m); err != nil {
		t.Fatal(err)
	}
	if m.DueDate != "2026-03-10" {
		t.Errorf("due date not trimmed: %q", m.DueDate)
	}
	for _, d := range []string{"2026-03-10T12:00:00Z", "2026-03-10T12:00:00.5+02:00", "Thu Dec 01 2016"} {
		m := valid()
		m.DueDate = d
		if err := NormalizeStageMove(&m); err != nil {
			t.Errorf("due date %q refused: %v", d, err)
		}
	}
	many := make([]Assignee, MaxAssignees+1)
	for i := range many {
		many[i].UID = NewUID()
	}
	tests := []struct {
		name  string
		edit  func(m *StageMove)
		field string
	}{
		{"no stage", func(m *StageMove) { m.StageUID = "" }, "workflow_stage.uid"},
		{"NUL in stage", func(m *StageMove) { m.StageUID = "a\x00" }, "workflow_stage.uid"},
		{"NUL in comment", func(m *StageMove) { m.Comment = "a\x00" }, "workflow_stage.comment"},
		{"long comment", func(m *StageMove) { m.Comment = strings.Repeat("x", MaxWorkflowComment+1) }, "workflow_stage.comment"},
		{"bad due date", func(m *StageMove) { m.DueDate = "next week" }, "workflow_stage.due_date"},
		{"assignee without uid", func(m *StageMove) { m.AssignedTo[1].UID = "" }, "workflow_stage.assigned_to.1.uid"},
		{"assignee twice", func(m *StageMove) { m.AssignedTo[1].UID = "u1" }, "workflow_stage.assigned_to"},
		{"too many assignees", func(m *StageMove) { m.AssignedTo = many }, "workflow_stage.assigned_to"},
		{"role twice", func(m *StageMove) { m.AssignedByRoles = append(m.AssignedByRoles, RoleRef{UID: "r1"}) }, "workflow_stage.assigned_by_roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.edit(&m)
			wantInvalid(t, NormalizeStageMove(&m), tt.field)
		})
	}
}

func TestCheckAssigneeRefs(t *testing.T) {
	refs := StackRefs{Members: map[string]bool{"u1": true}, Roles: map[string]bool{"r1": true}}
	if err := CheckAssigneeRefs(StageMove{AssignedTo: []Assignee{{UID: "u1"}}, AssignedByRoles: []RoleRef{{UID: "r1"}}}, refs); err != nil {
		t.Fatal(err)
	}
	wantInvalid(t, CheckAssigneeRefs(StageMove{AssignedTo: []Assignee{{UID: "u1"}, {UID: "u9"}}}, refs), "workflow_stage.assigned_to.1.uid")
	wantInvalid(t, CheckAssigneeRefs(StageMove{AssignedByRoles: []RoleRef{{UID: "r9"}}}, refs), "workflow_stage.assigned_by_roles.0.uid")
}
