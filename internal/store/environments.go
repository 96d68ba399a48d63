package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

const envCols = `uid, api_key, name, urls, servers, deploy_content, created_by, updated_by, created_at, updated_at`

func scanEnv(sc scanner) (domain.Environment, error) {
	var e domain.Environment
	var urls, servers string
	var created, updated int64
	err := sc.Scan(&e.UID, &e.APIKey, &e.Name, &urls, &servers, &e.DeployContent, &e.CreatedBy, &e.UpdatedBy, &created, &updated)
	e.URLs, e.Servers = json.RawMessage(urls), json.RawMessage(servers)
	e.CreatedAt, e.UpdatedAt = fromMS(created), fromMS(updated)
	return e, err
}

func errEnvNotFound() *domain.Error { return domain.ErrNotFound("environment", "name") }

func rawOr(r json.RawMessage, def string) string {
	if len(r) == 0 || string(r) == "null" {
		return def
	}
	return string(r)
}

// CreateEnvironment adds an environment; names are unique in a stack.
func (s *Store) CreateEnvironment(ctx context.Context, e domain.Environment, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO environments (`+envCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.UID, e.APIKey, e.Name, rawOr(e.URLs, "[]"), rawOr(e.Servers, "[]"), e.DeployContent, e.CreatedBy, e.UpdatedBy,
			ms(e.CreatedAt), ms(e.UpdatedAt))
		if c.d.isUnique(err) {
			return domain.ErrInvalid("name", "is not unique.")
		}
		if err != nil {
			return fmt.Errorf("store: insert environment: %w", err)
		}
		return nil
	})
}

// Environments lists a stack's environments.
func (s *Store) Environments(ctx context.Context, apiKey string) ([]domain.Environment, error) {
	return queryList(ctx, s.read(), "environments", scanEnv, `SELECT `+envCols+` FROM environments WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
}

// Environment returns the environment named name (or with that uid).
func (s *Store) Environment(ctx context.Context, apiKey, name string) (domain.Environment, error) {
	c := s.read()
	if v := viewOf(ctx, c, apiKey); v != nil {
		return v.environment(ctx, c, name)
	}
	return envByName(ctx, c, apiKey, name)
}

func envByName(ctx context.Context, c conn, apiKey, name string) (domain.Environment, error) {
	e, err := scanEnv(c.row(ctx, `SELECT `+envCols+` FROM environments WHERE api_key = ? AND (name = ? OR uid = ?)`+c.lock(), apiKey, name, name))
	if errors.Is(err, sql.ErrNoRows) {
		return e, errEnvNotFound()
	}
	if err != nil {
		return e, fmt.Errorf("store: find environment: %w", err)
	}
	return e, nil
}

// UpdateEnvironment reads an environment, lets fn change it and writes it back.
func (s *Store) UpdateEnvironment(ctx context.Context, apiKey, name string, fn func(e *domain.Environment) error, a *domain.AuditEntry) (domain.Environment, error) {
	var out domain.Environment
	err := s.txAudit(ctx, a, func(c conn) error {
		e, err := envByName(ctx, c, apiKey, name)
		if err != nil {
			return err
		}
		if err := fn(&e); err != nil {
			return err
		}
		out = e
		_, err = c.exec(ctx, `UPDATE environments SET name = ?, urls = ?, servers = ?, deploy_content = ?, updated_by = ?, updated_at = ?
			WHERE uid = ?`, e.Name, rawOr(e.URLs, "[]"), rawOr(e.Servers, "[]"), e.DeployContent, e.UpdatedBy, ms(e.UpdatedAt), e.UID)
		if c.d.isUnique(err) {
			return domain.ErrInvalid("name", "is not unique.")
		}
		if err != nil {
			return fmt.Errorf("store: update environment: %w", err)
		}
		return nil
	})
	return out, err
}

// DeleteEnvironment removes an environment that no delivery token uses.
func (s *Store) DeleteEnvironment(ctx context.Context, apiKey, name string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		e, err := envByName(ctx, c, apiKey, name)
		if err != nil {
			return err
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM delivery_tokens WHERE environment_uid = ?`, e.UID).Scan(&n); err != nil {
			return fmt.Errorf("store: count delivery tokens: %w", err)
		}
		if n > 0 {
			return domain.ErrInvalid("name", fmt.Sprintf("is used by %d delivery token(s); delete them first.", n))
		}
		if _, err := c.exec(ctx, `DELETE FROM environments WHERE uid = ?`, e.UID); err != nil {
			return fmt.Errorf("store: delete environment: %w", err)
		}
		return unpublishEnvironment(ctx, c, apiKey, e.UID)
	})
}
