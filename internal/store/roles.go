package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

const roleCols = `uid, api_key, name, description, builtin, rules, created_by, updated_by, created_at, updated_at`

func scanRole(sc interface{ Scan(...any) error }) (domain.Role, error) {
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
	rows, err := s.read().query(ctx, `SELECT `+roleCols+` FROM roles WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: list roles: %w", err)
	}
	defer rows.Close()
	out := []domain.Role{}
	for rows.Next() {
		r, err := scanRole(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan role: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
