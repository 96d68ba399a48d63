package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/stackd/stackd/internal/domain"
)

func init() { registerStackTables("workflows", "publish_rules") }

const workflowCols = `uid, api_key, name, description, enabled, branches, content_types, admin_users, stages,
	created_by, updated_by, created_at, updated_at`

// jsonColumns encodes values for JSON text columns.
func jsonColumns(vs ...any) ([]any, error) {
	out := make([]any, len(vs))
	for i, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("store: encode json column: %w", err)
		}
		out[i] = string(b)
	}
	return out, nil
}

// decodeColumns decodes JSON text columns into the pointers of dst, in order.
func decodeColumns(src []string, dst ...any) error {
	for i, s := range src {
		if err := json.Unmarshal([]byte(s), dst[i]); err != nil {
			return fmt.Errorf("store: decode json column: %w", err)
		}
	}
	return nil
}

func scanWorkflow(sc interface{ Scan(...any) error }) (domain.Workflow, error) {
	var w domain.Workflow
	var branches, cts, admins, stages string
	var created, updated int64
	if err := sc.Scan(&w.UID, &w.APIKey, &w.Name, &w.Description, &w.Enabled, &branches, &cts, &admins, &stages,
		&w.CreatedBy, &w.UpdatedBy, &created, &updated); err != nil {
		return w, err
	}
	w.CreatedAt, w.UpdatedAt = fromMS(created), fromMS(updated)
	return w, decodeColumns([]string{branches, cts, admins, stages}, &w.Branches, &w.ContentTypes, &w.AdminUsers, &w.Stages)
}

func workflowArgs(w domain.Workflow) ([]any, error) {
	js, err := jsonColumns(w.Branches, w.ContentTypes, w.AdminUsers, w.Stages)
	if err != nil {
		return nil, err
	}
	return append(append([]any{w.UID, w.APIKey, w.Name, w.Description, w.Enabled}, js...),
		w.CreatedBy, w.UpdatedBy, ms(w.CreatedAt), ms(w.UpdatedAt)), nil
}

func errWorkflowNotFound() *domain.Error { return domain.ErrNotFound("workflow", "uid") }

// workflowsOf lists a stack's workflows, oldest first.
func workflowsOf(ctx context.Context, c conn, apiKey string) ([]domain.Workflow, error) {
	rows, err := c.query(ctx, `SELECT `+workflowCols+` FROM workflows WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: list workflows: %w", err)
	}
	defer rows.Close()
	out := []domain.Workflow{}
	for rows.Next() {
		w, err := scanWorkflow(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan workflow: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func findWorkflow(ws []domain.Workflow, uid string) (domain.Workflow, error) {
	for _, w := range ws {
		if w.UID == uid {
			return w, nil
		}
	}
	return domain.Workflow{}, errWorkflowNotFound()
}

// lockedWorkflows locks the stack row (so that workflow and publish-rule
// writes of one stack run one at a time and the cross-row rules, limits
// and conflicts hold) and returns the stack's workflows.
func lockedWorkflows(ctx context.Context, c conn, apiKey string) ([]domain.Workflow, error) {
	if _, err := stackByKey(ctx, c, apiKey); err != nil {
		return nil, err
	}
	return workflowsOf(ctx, c, apiKey)
}

// stackRefs loads the uids of a stack's roles and members.
func stackRefs(ctx context.Context, c conn, apiKey string) (domain.StackRefs, error) {
	refs := domain.StackRefs{Roles: map[string]bool{}, Members: map[string]bool{}}
	for _, q := range []struct {
		sql string
		set map[string]bool
	}{
		{`SELECT uid FROM roles WHERE api_key = ?`, refs.Roles},
		{`SELECT user_uid FROM stack_members WHERE api_key = ?`, refs.Members},
	} {
		if err := collectStrings(ctx, c, q.set, q.sql, apiKey); err != nil {
			return refs, err
		}
	}
	return refs, nil
}

func collectStrings(ctx context.Context, c conn, set map[string]bool, query string, args ...any) error {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: stack references: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("store: scan stack reference: %w", err)
		}
		set[s] = true
	}
	return rows.Err()
}

// checkWorkflow checks w's references against the stack and its content
// types against the stack's other enabled workflows.
func checkWorkflow(ctx context.Context, c conn, w domain.Workflow, all []domain.Workflow) error {
	refs, err := stackRefs(ctx, c, w.APIKey)
	if err != nil {
		return err
	}
	if err := domain.CheckWorkflowRefs(w, refs); err != nil {
		return err
	}
	return domain.CheckWorkflowConflicts(w, all)
}

// CreateWorkflow adds a workflow. It fails with an invalid error when the
// stack already has domain.MaxWorkflows, when a user or role it names is
// not the stack's, or when it is enabled and shares a content type with
// another enabled workflow.
func (s *Store) CreateWorkflow(ctx context.Context, w domain.Workflow, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		all, err := lockedWorkflows(ctx, c, w.APIKey)
		if err != nil {
			return err
		}
		if len(all) >= domain.MaxWorkflows {
			return domain.Errorf(domain.KindInvalid, domain.CodeValidation,
				"A stack can have at most %d workflows; delete one first.", domain.MaxWorkflows).
				WithField("workflow", fmt.Sprintf("limit of %d reached.", domain.MaxWorkflows))
		}
		if err := checkWorkflow(ctx, c, w, all); err != nil {
			return err
		}
		args, err := workflowArgs(w)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO workflows (`+workflowCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
			return fmt.Errorf("store: insert workflow: %w", err)
		}
		return nil
	})
}

// Workflows lists a stack's workflows, oldest first.
func (s *Store) Workflows(ctx context.Context, apiKey string) ([]domain.Workflow, error) {
	return workflowsOf(ctx, s.read(), apiKey)
}

// Workflow returns one workflow of a stack; an unknown uid is a 422.
func (s *Store) Workflow(ctx context.Context, apiKey, uid string) (domain.Workflow, error) {
	all, err := workflowsOf(ctx, s.read(), apiKey)
	if err != nil {
		return domain.Workflow{}, err
	}
	return findWorkflow(all, uid)
}

// WorkflowFor returns the enabled workflow governing entries of content
// type ct on branch, and false when there is none.
func (s *Store) WorkflowFor(ctx context.Context, apiKey, ct, branch string) (domain.Workflow, bool, error) {
	all, err := workflowsOf(ctx, s.read(), apiKey)
	if err != nil {
		return domain.Workflow{}, false, err
	}
	w, ok := domain.WorkflowFor(all, ct, branch)
	return w, ok, nil
}

// UpdateWorkflow reads a workflow, lets fn change it and writes it back,
// with the checks of CreateWorkflow. A stage that a publish rule uses may
// not be removed (422 naming the rule). Enable and disable use it too.
func (s *Store) UpdateWorkflow(ctx context.Context, apiKey, uid string, fn func(w *domain.Workflow) error, a *domain.AuditEntry) (domain.Workflow, error) {
	var out domain.Workflow
	err := s.txAudit(ctx, a, func(c conn) error {
		all, err := lockedWorkflows(ctx, c, apiKey)
		if err != nil {
			return err
		}
		w, err := findWorkflow(all, uid)
		if err != nil {
			return err
		}
		if err := fn(&w); err != nil {
			return err
		}
		if err := checkWorkflow(ctx, c, w, all); err != nil {
			return err
		}
		if err := stagesInUse(ctx, c, w); err != nil {
			return err
		}
		out = w
		args, err := workflowArgs(w)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE workflows SET name = ?, description = ?, enabled = ?, branches = ?, content_types = ?,
			admin_users = ?, stages = ?, updated_by = ?, updated_at = ? WHERE uid = ?`,
			append(slices.Clone(args[2:9]), w.UpdatedBy, ms(w.UpdatedAt), w.UID)...)
		if err != nil {
			return fmt.Errorf("store: update workflow: %w", err)
		}
		return nil
	})
	return out, err
}

// stagesInUse fails when a publish rule of w names a stage w no longer has.
func stagesInUse(ctx context.Context, c conn, w domain.Workflow) error {
	rules, err := rulesWhere(ctx, c, `workflow_uid = ?`, w.UID)
	if err != nil {
		return err
	}
	for _, r := range rules {
		if _, ok := w.Stage(r.StageUID); !ok {
			return domain.ErrInvalid("workflow_stages",
				fmt.Sprintf("the stage %s is used by the publish rule %s; change or delete the rule first.", r.StageUID, r.UID))
		}
	}
	return nil
}

// DeleteWorkflow removes a workflow and, in the same transaction, the
// publish rules that use it. It returns how many rules went with it.
func (s *Store) DeleteWorkflow(ctx context.Context, apiKey, uid string, a *domain.AuditEntry) (int, error) {
	var n int64
	err := s.txAudit(ctx, a, func(c conn) error {
		all, err := lockedWorkflows(ctx, c, apiKey)
		if err != nil {
			return err
		}
		if _, err := findWorkflow(all, uid); err != nil {
			return err
		}
		res, err := c.exec(ctx, `DELETE FROM publish_rules WHERE api_key = ? AND workflow_uid = ?`, apiKey, uid)
		if err != nil {
			return fmt.Errorf("store: delete workflow's publish rules: %w", err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return fmt.Errorf("store: delete workflow's publish rules: %w", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM workflows WHERE uid = ?`, uid); err != nil {
			return fmt.Errorf("store: delete workflow: %w", err)
		}
		return nil
	})
	return int(n), err
}
