package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

const roleCols = `uid, api_key, name, description, builtin, rules, created_by, updated_by, created_at, updated_at`

func scanRole(sc scanner) (domain.Role, error) {
	var r domain.Role
	var b, rules string
	var created, updated int64
	err := sc.Scan(&r.UID, &r.APIKey, &r.Name, &r.Description, &b, &rules, &r.CreatedBy, &r.UpdatedBy, &created, &updated)
	r.Builtin, r.Rules = domain.Builtin(b), json.RawMessage(rules)
	r.CreatedAt, r.UpdatedAt = fromMS(created), fromMS(updated)
	return r, err
}

func insertRole(ctx context.Context, c conn, r domain.Role) error {
	rules := string(r.Rules)
	if rules == "" {
		rules = "[]"
	}
	_, err := c.exec(ctx, `INSERT INTO roles (`+roleCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.UID, r.APIKey, r.Name, r.Description, string(r.Builtin), rules, r.CreatedBy, r.UpdatedBy, ms(r.CreatedAt), ms(r.UpdatedAt))
	if c.d.isUnique(err) {
		return domain.ErrInvalid("name", "is already taken.")
	}
	if err != nil {
		return fmt.Errorf("store: insert role: %w", err)
	}
	return nil
}

// Roles lists the roles of a stack, built-in first.
func (s *Store) Roles(ctx context.Context, apiKey string) ([]domain.Role, error) {
	return queryList(ctx, s.read(), "roles", scanRole, `SELECT `+roleCols+` FROM roles WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
}

func errRoleNotFound() *domain.Error { return domain.ErrNotFound("role", "uid") }

// Role returns one role of a stack.
func (s *Store) Role(ctx context.Context, apiKey, uid string) (domain.Role, error) {
	return roleByUID(ctx, s.read(), apiKey, uid)
}

func roleByUID(ctx context.Context, c conn, apiKey, uid string) (domain.Role, error) {
	r, err := scanRole(c.row(ctx, `SELECT `+roleCols+` FROM roles WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return r, errRoleNotFound()
	}
	if err != nil {
		return r, fmt.Errorf("store: find role: %w", err)
	}
	return r, nil
}

// CreateRole adds a custom role.
func (s *Store) CreateRole(ctx context.Context, r domain.Role, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error { return insertRole(ctx, c, r) })
}

func errBuiltin() error {
	return domain.Errorf(domain.KindInvalid, domain.CodeValidation, "Built-in roles cannot be changed or deleted.").
		WithField("uid", "is a built-in role.")
}

// UpdateRole reads a custom role, lets fn change it and writes it back.
// Built-in roles cannot be changed.
func (s *Store) UpdateRole(ctx context.Context, apiKey, uid string, fn func(r *domain.Role) error, a *domain.AuditEntry) (domain.Role, error) {
	var out domain.Role
	err := s.txAudit(ctx, a, func(c conn) error {
		r, err := roleByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if r.Builtin != "" {
			return errBuiltin()
		}
		if err := fn(&r); err != nil {
			return err
		}
		out = r
		_, err = c.exec(ctx, `UPDATE roles SET name = ?, description = ?, rules = ?, updated_by = ?, updated_at = ? WHERE uid = ?`,
			r.Name, r.Description, string(r.Rules), r.UpdatedBy, ms(r.UpdatedAt), r.UID)
		if c.d.isUnique(err) {
			return domain.ErrInvalid("name", "is already taken.")
		}
		if err != nil {
			return fmt.Errorf("store: update role: %w", err)
		}
		return nil
	})
	return out, err
}

// DeleteRole removes a custom role that no member holds.
func (s *Store) DeleteRole(ctx context.Context, apiKey, uid string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		r, err := roleByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if r.Builtin != "" {
			return errBuiltin()
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM member_roles WHERE role_uid = ?`, uid).Scan(&n); err != nil {
			return fmt.Errorf("store: count role members: %w", err)
		}
		if n > 0 {
			return domain.ErrInvalid("uid", fmt.Sprintf("is assigned to %d user(s); assign them other roles first.", n))
		}
		if _, err := c.exec(ctx, `DELETE FROM roles WHERE uid = ?`, uid); err != nil {
			return fmt.Errorf("store: delete role: %w", err)
		}
		return nil
	})
}
