package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

const stackCols = `api_key, uid, org_uid, name, description, master_locale, owner_uid, created_at, updated_at`

func scanStack(sc scanner) (domain.Stack, error) {
	var st domain.Stack
	var created, updated int64
	err := sc.Scan(&st.APIKey, &st.UID, &st.OrgUID, &st.Name, &st.Description, &st.MasterLocale, &st.OwnerUID, &created, &updated)
	st.CreatedAt, st.UpdatedAt = fromMS(created), fromMS(updated)
	return st, err
}

// CreateStack adds a stack, makes its owner a member and creates its roles,
// in one transaction.
func (s *Store) CreateStack(ctx context.Context, st domain.Stack, roles []domain.Role, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO stacks (`+stackCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			st.APIKey, st.UID, st.OrgUID, st.Name, st.Description, st.MasterLocale, st.OwnerUID, ms(st.CreatedAt), ms(st.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: insert stack: %w", err)
		}
		if err := addStackMember(ctx, c, st.APIKey, st.OwnerUID, st.CreatedAt); err != nil {
			return err
		}
		for _, r := range roles {
			if err := insertRole(ctx, c, r); err != nil {
				return err
			}
		}
		return nil
	})
}

func addStackMember(ctx context.Context, c conn, apiKey, userUID string, now time.Time) error {
	_, err := c.exec(ctx, `INSERT INTO stack_members (api_key, user_uid, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		apiKey, userUID, ms(now))
	if err != nil {
		return fmt.Errorf("store: add stack member: %w", err)
	}
	return nil
}

// Stack returns the stack with apiKey; an unknown key is a 412.
func (s *Store) Stack(ctx context.Context, apiKey string) (domain.Stack, error) {
	return stackByKey(ctx, s.read(), apiKey)
}

func stackByKey(ctx context.Context, c conn, apiKey string) (domain.Stack, error) {
	st, err := scanStack(c.row(ctx, `SELECT `+stackCols+` FROM stacks WHERE api_key = ?`+c.lock(), apiKey))
	if errors.Is(err, sql.ErrNoRows) {
		return st, domain.ErrStackUnknown()
	}
	if err != nil {
		return st, fmt.Errorf("store: find stack: %w", err)
	}
	return st, nil
}

// Access is what a user may be on a stack.
type Access struct {
	Member    bool
	SSOStrict bool // the stack's organization has strict SSO and the user does not own it
	Builtins  []domain.Builtin
	Rules     []domain.Rule // the rules of the user's custom roles
	RoleUIDs  []string
}

// StackAccess returns userUID's membership and roles on apiKey.
func (s *Store) StackAccess(ctx context.Context, apiKey, userUID string) (Access, error) {
	var a Access
	var n, strict int
	c := s.read()
	// One round trip answers membership and whether strict SSO applies
	// (internal/api/sso_policy.go); the organization's owner is exempt.
	if err := c.row(ctx, `SELECT COUNT(*), COALESCE(MAX(CASE WHEN o.strict AND g.owner_uid <> m.user_uid THEN 1 ELSE 0 END), 0)
		FROM stack_members m JOIN stacks st ON st.api_key = m.api_key JOIN organizations g ON g.uid = st.org_uid
		LEFT JOIN org_sso o ON o.org_uid = st.org_uid WHERE m.api_key = ? AND m.user_uid = ?`, apiKey, userUID).Scan(&n, &strict); err != nil {
		return a, fmt.Errorf("store: stack membership: %w", err)
	}
	a.Member, a.SSOStrict = n > 0, strict > 0
	if !a.Member {
		return a, nil
	}
	rows, err := c.query(ctx, `SELECT r.uid, r.builtin, r.rules FROM member_roles m JOIN roles r ON r.uid = m.role_uid
		WHERE m.api_key = ? AND m.user_uid = ? ORDER BY r.uid`, apiKey, userUID)
	if err != nil {
		return a, fmt.Errorf("store: member roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid, b, rules string
		if err := rows.Scan(&uid, &b, &rules); err != nil {
			return a, fmt.Errorf("store: scan member role: %w", err)
		}
		a.RoleUIDs = append(a.RoleUIDs, uid)
		if b != "" {
			a.Builtins = append(a.Builtins, domain.Builtin(b))
			continue
		}
		// Stored rules were validated on write; a role whose rules no
		// longer parse grants nothing rather than failing the request.
		if rs, err := domain.ParseRules([]byte(rules)); err == nil {
			a.Rules = append(a.Rules, rs...)
		}
	}
	return a, rows.Err()
}

// UserStacks lists the stacks userUID is a member of, optionally only in orgUID.
func (s *Store) UserStacks(ctx context.Context, userUID, orgUID string) ([]domain.Stack, error) {
	q := `SELECT ` + prefixed("s.", stackCols) + ` FROM stack_members m JOIN stacks s ON s.api_key = m.api_key WHERE m.user_uid = ?`
	args := []any{userUID}
	if orgUID != "" {
		q += ` AND s.org_uid = ?`
		args = append(args, orgUID)
	}
	return queryList(ctx, s.read(), "stacks", scanStack, q+` ORDER BY s.created_at, s.api_key`, args...)
}

// UpdateStack reads the stack, lets fn change it and writes it back in one transaction.
func (s *Store) UpdateStack(ctx context.Context, apiKey string, fn func(st *domain.Stack) error, a *domain.AuditEntry) (domain.Stack, error) {
	var out domain.Stack
	err := s.txAudit(ctx, a, func(c conn) error {
		st, err := stackByKey(ctx, c, apiKey)
		if err != nil {
			return err
		}
		if err := fn(&st); err != nil {
			return err
		}
		out = st
		_, err = c.exec(ctx, `UPDATE stacks SET name = ?, description = ?, owner_uid = ?, updated_at = ? WHERE api_key = ?`,
			st.Name, st.Description, st.OwnerUID, ms(st.UpdatedAt), apiKey)
		if err != nil {
			return fmt.Errorf("store: update stack: %w", err)
		}
		return nil
	})
	return out, err
}

// stackTables lists every table holding per-stack rows (in an api_key
// column), deleted with the stack; "stacks" itself goes last.
var stackTables = []string{"member_roles", "roles", "stack_members", "management_tokens", "token_secrets",
	"delivery_tokens", "environments", "audit_log"}

// registerStackTables adds tables with an api_key column to those a stack
// deletion clears; resource files call it from init.
func registerStackTables(names ...string) { stackTables = append(stackTables, names...) }

// DeleteStack removes a stack and everything in it.
func (s *Store) DeleteStack(ctx context.Context, apiKey string) error {
	return s.tx(ctx, func(c conn) error {
		for _, t := range append(stackTables, "stacks") {
			if _, err := c.exec(ctx, `DELETE FROM `+t+` WHERE api_key = ?`, apiKey); err != nil {
				return fmt.Errorf("store: delete stack rows from %s: %w", t, err)
			}
		}
		return nil
	})
}
