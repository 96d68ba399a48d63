package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// Entry workflow state: the stage each locale of an entry is in
// (entry_stages, with its assignees indexed in entry_assignments) and
// publish requests (publish_approvals, in publish_approvals.go). Rows of
// deleted entries are left behind and never shown: every read joins the
// entries table or starts from an entry that exists.

func init() { registerStackTables("entry_stages", "entry_assignments", "publish_approvals") }

const stageCols = `api_key, content_type_uid, entry_uid, locale, workflow_uid, stage_uid, entry_version, comment, due_date, notify,
	assigned_to, assigned_by_roles, updated_by, updated_at`

func scanStage(sc scanner, extra ...any) (domain.EntryStage, error) {
	var st domain.EntryStage
	var users, roles string
	var at int64
	dest := append([]any{&st.APIKey, &st.ContentType, &st.EntryUID, &st.Locale, &st.WorkflowUID, &st.StageUID, &st.EntryVersion,
		&st.Comment, &st.DueDate, &st.Notify, &users, &roles, &st.UpdatedBy, &at}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return st, err
	}
	st.UpdatedAt = fromMS(at)
	return st, decodeColumns([]string{users, roles}, &st.AssignedTo, &st.AssignedByRoles)
}

// stageOf reads the stored stage of one locale of an entry (locked inside
// a write transaction); nil when the entry was never moved.
func stageOf(ctx context.Context, c conn, apiKey, entryUID, locale string) (*domain.EntryStage, error) {
	st, err := scanStage(c.row(ctx, `SELECT `+stageCols+` FROM entry_stages WHERE api_key = ? AND entry_uid = ? AND locale = ?`+c.lock(),
		apiKey, entryUID, locale))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: read stage of entry %s: %w", entryUID, err)
	}
	return &st, nil
}

// governingWorkflow returns the enabled workflow governing content type ct
// on branch, or a 422 when there is none.
func governingWorkflow(ctx context.Context, c conn, apiKey, ct, branch string) (domain.Workflow, error) {
	ws, err := workflowsOf(ctx, c, apiKey)
	if err != nil {
		return domain.Workflow{}, err
	}
	w, ok := domain.WorkflowFor(ws, ct, branch)
	if !ok {
		return w, domain.ErrNoWorkflow(ct)
	}
	return w, nil
}

// MoveEntryStage moves one locale of an entry to a stage of the workflow
// governing its content type and assigns it, once domain.CheckStageMove
// allows mover to. It fails with 118 for an unknown content type, 141 for
// an entry not in it or without content in the locale, a 422 when no
// enabled workflow governs the content type or an assignee is not the
// stack's, and whatever CheckStageMove returns. The entry's row is locked,
// so concurrent moves of one entry queue and each sees the stage the
// previous one left.
func (s *Store) MoveEntryStage(ctx context.Context, m domain.StageMove, mover domain.Mover, a *domain.AuditEntry) (domain.EntryStage, error) {
	var out domain.EntryStage
	err := s.txAudit(ctx, a, func(c conn) error {
		if _, err := entryOf(ctx, c, m.APIKey, m.ContentType, m.EntryUID, m.Locale); err != nil {
			return err
		}
		e, err := entryRow(ctx, c, m.APIKey, m.EntryUID, m.Locale)
		if err != nil {
			return err
		}
		w, err := governingWorkflow(ctx, c, m.APIKey, m.ContentType, m.Branch)
		if err != nil {
			return err
		}
		cur, err := stageOf(ctx, c, m.APIKey, m.EntryUID, m.Locale)
		if err != nil {
			return err
		}
		if err := domain.CheckStageMove(w, domain.CurrentStage(w, cur), m.StageUID, mover); err != nil {
			return err
		}
		if err := nameAssignees(ctx, c, &m); err != nil {
			return err
		}
		out = domain.EntryStage{APIKey: m.APIKey, ContentType: m.ContentType, EntryUID: m.EntryUID, Locale: m.Locale,
			WorkflowUID: w.UID, StageUID: m.StageUID, EntryVersion: e.Version, Comment: m.Comment, DueDate: m.DueDate,
			Notify: m.Notify, AssignedTo: m.AssignedTo, AssignedByRoles: m.AssignedByRoles, UpdatedBy: m.By, UpdatedAt: m.At}
		return writeStage(ctx, c, out)
	})
	return out, err
}

// nameAssignees checks that m's assignees are the stack's members and
// roles and fills in their names and emails from their records.
func nameAssignees(ctx context.Context, c conn, m *domain.StageMove) error {
	refs, err := stackRefs(ctx, c, m.APIKey)
	if err != nil {
		return err
	}
	if err := domain.CheckAssigneeRefs(*m, refs); err != nil {
		return err
	}
	for i, u := range m.AssignedTo {
		var first, last string
		err := c.row(ctx, `SELECT first_name, last_name, email FROM users WHERE uid = ?`, u.UID).Scan(&first, &last, &m.AssignedTo[i].Email)
		if err != nil {
			return fmt.Errorf("store: read assignee %s: %w", u.UID, err)
		}
		m.AssignedTo[i].Name = strings.TrimSpace(first + " " + last)
	}
	for i, r := range m.AssignedByRoles {
		if err := c.row(ctx, `SELECT name FROM roles WHERE uid = ?`, r.UID).Scan(&m.AssignedByRoles[i].Name); err != nil {
			return fmt.Errorf("store: read assigned role %s: %w", r.UID, err)
		}
	}
	return nil
}

// writeStage stores st and replaces the entry's assignment rows.
func writeStage(ctx context.Context, c conn, st domain.EntryStage) error {
	if st.AssignedTo == nil {
		st.AssignedTo = []domain.Assignee{}
	}
	if st.AssignedByRoles == nil {
		st.AssignedByRoles = []domain.RoleRef{}
	}
	js, err := jsonColumns(st.AssignedTo, st.AssignedByRoles)
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `INSERT INTO entry_stages (`+stageCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (api_key, entry_uid, locale) DO UPDATE SET content_type_uid = excluded.content_type_uid,
		workflow_uid = excluded.workflow_uid, stage_uid = excluded.stage_uid, entry_version = excluded.entry_version,
		comment = excluded.comment, due_date = excluded.due_date, notify = excluded.notify, assigned_to = excluded.assigned_to,
		assigned_by_roles = excluded.assigned_by_roles, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		st.APIKey, st.ContentType, st.EntryUID, st.Locale, st.WorkflowUID, st.StageUID, st.EntryVersion, st.Comment, st.DueDate,
		st.Notify, js[0], js[1], st.UpdatedBy, ms(st.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: write stage of entry %s: %w", st.EntryUID, err)
	}
	if _, err := c.exec(ctx, `DELETE FROM entry_assignments WHERE api_key = ? AND entry_uid = ? AND locale = ?`,
		st.APIKey, st.EntryUID, st.Locale); err != nil {
		return fmt.Errorf("store: clear assignments of entry %s: %w", st.EntryUID, err)
	}
	for kind, uids := range map[string][]string{"user": assigneeUIDs(st.AssignedTo), "role": roleRefUIDs(st.AssignedByRoles)} {
		for _, uid := range uids {
			if _, err := c.exec(ctx, `INSERT INTO entry_assignments (api_key, entry_uid, locale, assignee_kind, assignee_uid) VALUES (?, ?, ?, ?, ?)`,
				st.APIKey, st.EntryUID, st.Locale, kind, uid); err != nil {
				return fmt.Errorf("store: assign entry %s: %w", st.EntryUID, err)
			}
		}
	}
	return nil
}

func assigneeUIDs(as []domain.Assignee) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.UID
	}
	return out
}

func roleRefUIDs(rs []domain.RoleRef) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.UID
	}
	return out
}

// EntryStages returns the stored stages of the entries with the given
// uids, in every locale they were moved in.
func (s *Store) EntryStages(ctx context.Context, apiKey string, entryUIDs []string) ([]domain.EntryStage, error) {
	if len(entryUIDs) == 0 {
		return []domain.EntryStage{}, nil
	}
	args := []any{apiKey}
	for _, u := range entryUIDs {
		args = append(args, u)
	}
	return queryList(ctx, s.read(), "entry stages", func(sc scanner) (domain.EntryStage, error) { return scanStage(sc) },
		`SELECT `+stageCols+` FROM entry_stages WHERE api_key = ? AND entry_uid IN (`+placeholders(len(entryUIDs))+`)`, args...)
}

// Assignments lists the entry locales assigned to user userUID, directly
// or through a role they hold, in the stacks they are a member of (only
// the stack apiKey when it is not empty), most recently moved first. An
// entry counts only while it exists and its stage belongs to the enabled
// workflow governing its content type on the main branch.
func (s *Store) Assignments(ctx context.Context, userUID, apiKey string) ([]domain.Assignment, error) {
	q := `SELECT ` + prefixed("s.", stageCols) + `, e.title FROM entry_stages s
		JOIN entries e ON e.api_key = s.api_key AND e.uid = s.entry_uid AND e.locale = s.locale
		JOIN stack_members m ON m.api_key = s.api_key AND m.user_uid = ?
		WHERE EXISTS (SELECT 1 FROM entry_assignments a WHERE a.api_key = s.api_key AND a.entry_uid = s.entry_uid AND a.locale = s.locale
			AND ((a.assignee_kind = 'user' AND a.assignee_uid = ?) OR (a.assignee_kind = 'role' AND a.assignee_uid IN
				(SELECT r.role_uid FROM member_roles r WHERE r.api_key = s.api_key AND r.user_uid = ?))))`
	args := []any{userUID, userUID, userUID}
	if apiKey != "" {
		q += ` AND s.api_key = ?`
		args = append(args, apiKey)
	}
	c := s.read()
	rows, err := queryList(ctx, c, "assignments", func(sc scanner) (domain.Assignment, error) {
		var as domain.Assignment
		st, err := scanStage(sc, &as.EntryTitle)
		as.Stage = st
		return as, err
	}, q+` ORDER BY s.updated_at DESC, s.entry_uid, s.locale`, args...)
	if err != nil {
		return nil, err
	}
	return currentAssignments(ctx, c, rows)
}

// currentAssignments keeps the assignments whose stage is one of the
// workflow now governing the entry, and attaches that workflow.
func currentAssignments(ctx context.Context, c conn, rows []domain.Assignment) ([]domain.Assignment, error) {
	workflows := map[string][]domain.Workflow{}
	out := []domain.Assignment{}
	for _, as := range rows {
		ws, ok := workflows[as.Stage.APIKey]
		if !ok {
			var err error
			if ws, err = workflowsOf(ctx, c, as.Stage.APIKey); err != nil {
				return nil, err
			}
			workflows[as.Stage.APIKey] = ws
		}
		w, ok := domain.WorkflowFor(ws, as.Stage.ContentType, domain.DefaultBranch)
		if ok && domain.CurrentStage(w, &as.Stage) == as.Stage.StageUID && w.UID == as.Stage.WorkflowUID {
			as.Workflow = w
			out = append(out, as)
		}
	}
	return out, nil
}
