package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Limits of a stage move (stackd's own: Contentstack documents none).
const (
	MaxAssignees       = 100  // assigned_to users, and assigned_by_roles roles, per move
	MaxWorkflowComment = 1000 // characters of a move's or a publish request's comment
)

// Assignee is a user an entry's stage is assigned to. Name and email are
// taken from the user's account when the entry is moved.
type Assignee struct {
	UID   string `json:"uid"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// RoleRef is a role an entry's stage is assigned to; Name is the role's.
type RoleRef struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

// EntryStage is where one locale of an entry stands in its workflow, as
// its last stage move left it.
type EntryStage struct {
	APIKey          string
	ContentType     string
	EntryUID        string
	Locale          string
	WorkflowUID     string
	StageUID        string
	EntryVersion    int // the entry's version when it was moved
	Comment         string
	DueDate         string // as sent, "" for none
	Notify          bool
	AssignedTo      []Assignee
	AssignedByRoles []RoleRef
	UpdatedBy       string
	UpdatedAt       time.Time
}

// CurrentStage returns the uid of the stage of w an entry is in, given
// its stored state s (nil when it was never moved): the stored stage when
// it is a stage of w, otherwise w's first stage. Entries of a workflow's
// content types start in its first stage without being moved there, and
// an entry whose stored stage belongs to a workflow that no longer
// governs it (deleted, replaced) starts over in the first stage of the
// one that does.
func CurrentStage(w Workflow, s *EntryStage) string {
	if s != nil && s.WorkflowUID == w.UID {
		if _, ok := w.Stage(s.StageUID); ok {
			return s.StageUID
		}
	}
	if len(w.Stages) == 0 {
		return ""
	}
	return w.Stages[0].UID
}

// StageMove asks to move one locale of an entry to the stage StageUID of
// the workflow governing its content type on Branch, assigning it.
type StageMove struct {
	APIKey          string
	ContentType     string
	EntryUID        string
	Locale          string
	Branch          string
	StageUID        string
	Comment         string
	DueDate         string
	Notify          bool
	AssignedTo      []Assignee
	AssignedByRoles []RoleRef
	By              string
	At              time.Time
}

// dueDateLayouts are the forms a due date may take: a day, an RFC 3339
// time, and the form of Contentstack's examples ("Thu Dec 01 2016").
var dueDateLayouts = []string{"2006-01-02", time.RFC3339, time.RFC3339Nano, "Mon Jan 02 2006"}

// NormalizeStageMove validates what can be checked without the stack: a
// stage uid, the comment's length, the due date's form, and the assignees
// (at most MaxAssignees users and roles, each named once by uid).
func NormalizeStageMove(m *StageMove) error {
	if m.StageUID == "" {
		return ErrInvalid("workflow_stage.uid", "is required.")
	}
	if err := cleanFields(map[string]string{"workflow_stage.uid": m.StageUID, "workflow_stage.comment": m.Comment,
		"workflow_stage.due_date": m.DueDate}); err != nil {
		return err
	}
	if err := ValidateName("workflow_stage.comment", m.Comment, false, MaxWorkflowComment); err != nil {
		return err
	}
	m.DueDate = strings.TrimSpace(m.DueDate)
	if m.DueDate != "" && !slices.ContainsFunc(dueDateLayouts, func(l string) bool { _, err := time.Parse(l, m.DueDate); return err == nil }) {
		return ErrInvalid("workflow_stage.due_date", "must be a date such as 2026-03-04 or 2026-03-04T12:00:00Z.")
	}
	users := make([]string, len(m.AssignedTo))
	for i, a := range m.AssignedTo {
		users[i] = a.UID
	}
	roles := make([]string, len(m.AssignedByRoles))
	for i, r := range m.AssignedByRoles {
		roles[i] = r.UID
	}
	if err := distinctAssignees("workflow_stage.assigned_to", users); err != nil {
		return err
	}
	return distinctAssignees("workflow_stage.assigned_by_roles", roles)
}

func cleanFields(fields map[string]string) error {
	for f, v := range fields {
		if !CleanText(v) {
			return ErrInvalid(f, "must not contain NUL characters or invalid UTF-8.")
		}
	}
	return nil
}

func distinctAssignees(field string, uids []string) error {
	if len(uids) > MaxAssignees {
		return ErrInvalid(field, fmt.Sprintf("may name at most %d.", MaxAssignees))
	}
	seen := map[string]bool{}
	for i, u := range uids {
		if u == "" || !CleanText(u) {
			return ErrInvalid(fmt.Sprintf("%s.%d.uid", field, i), "is required.")
		}
		if seen[u] {
			return ErrInvalid(field, fmt.Sprintf("%q is named twice.", u))
		}
		seen[u] = true
	}
	return nil
}

// CheckAssigneeRefs checks that the users a move assigns are members of
// the stack and its roles are roles of the stack.
func CheckAssigneeRefs(m StageMove, refs StackRefs) error {
	for i, a := range m.AssignedTo {
		if !refs.Members[a.UID] {
			return ErrInvalid(fmt.Sprintf("workflow_stage.assigned_to.%d.uid", i), fmt.Sprintf("%q is not a member of this stack.", a.UID))
		}
	}
	for i, r := range m.AssignedByRoles {
		if !refs.Roles[r.UID] {
			return ErrInvalid(fmt.Sprintf("workflow_stage.assigned_by_roles.%d.uid", i), fmt.Sprintf("%q is not a role of this stack.", r.UID))
		}
	}
	return nil
}

// ErrNoWorkflow is the answer to a workflow call on an entry whose content
// type no enabled workflow governs.
func ErrNoWorkflow(ct string) *Error {
	return Errorf(KindInvalid, CodeValidation, "The content type '%s' is not part of an enabled workflow.", ct).
		WithField("workflow", "no enabled workflow governs this content type.")
}

// Assignment is one locale of an entry assigned to a user (directly or
// through one of their roles), for GET /v3/user/assignments.
type Assignment struct {
	Stage      EntryStage
	EntryTitle string
	Workflow   Workflow
}
