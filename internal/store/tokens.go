package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

const mtCols = `uid, api_key, name, description, scope, expires_at, email_notify, rate_limit_enabled, rate_read, rate_write,
	last_used_at, created_by, updated_by, created_at, updated_at`

func scanMT(sc scanner) (domain.ManagementToken, error) {
	var t domain.ManagementToken
	var scope string
	var created, updated int64
	err := sc.Scan(&t.UID, &t.APIKey, &t.Name, &t.Description, &scope, &t.ExpiresAt, &t.EmailNotify, &t.RateLimitEnabled,
		&t.RateRead, &t.RateWrite, &t.LastUsedAt, &t.CreatedBy, &t.UpdatedBy, &created, &updated)
	t.Scope = json.RawMessage(scope)
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	return t, err
}

func errTokenNotFound() *domain.Error { return domain.ErrNotFound("token", "uid") }

// CreateManagementToken stores a token and the hash of its first secret.
// A stack holds at most domain.MaxManagementTokens; the stack row is locked
// while counting so concurrent creates cannot pass the limit.
func (s *Store) CreateManagementToken(ctx context.Context, t domain.ManagementToken, secretHash string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if _, err := stackByKey(ctx, c, t.APIKey); err != nil {
			return err
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM management_tokens WHERE api_key = ?`, t.APIKey).Scan(&n); err != nil {
			return fmt.Errorf("store: count management tokens: %w", err)
		}
		if n >= domain.MaxManagementTokens {
			return domain.Errorf(domain.KindInvalid, domain.CodeValidation,
				"A stack can have at most %d management tokens; delete one first.", domain.MaxManagementTokens).
				WithField("token", fmt.Sprintf("limit of %d reached.", domain.MaxManagementTokens))
		}
		_, err := c.exec(ctx, `INSERT INTO management_tokens (`+mtCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.UID, t.APIKey, t.Name, t.Description, string(t.Scope), t.ExpiresAt, t.EmailNotify, t.RateLimitEnabled,
			t.RateRead, t.RateWrite, t.LastUsedAt, t.CreatedBy, t.UpdatedBy, ms(t.CreatedAt), ms(t.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: insert management token: %w", err)
		}
		return insertSecret(ctx, c, secretHash, t.UID, t.APIKey, 0, t.CreatedAt)
	})
}

func insertSecret(ctx context.Context, c conn, hash, tokenUID, apiKey string, expires int64, now time.Time) error {
	_, err := c.exec(ctx, `INSERT INTO token_secrets (hash, token_uid, api_key, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`,
		hash, tokenUID, apiKey, expires, ms(now))
	if err != nil {
		return fmt.Errorf("store: insert token secret: %w", err)
	}
	return nil
}

// ManagementTokens lists a stack's management tokens, oldest first.
func (s *Store) ManagementTokens(ctx context.Context, apiKey string) ([]domain.ManagementToken, error) {
	return queryList(ctx, s.read(), "management tokens", scanMT, `SELECT `+mtCols+` FROM management_tokens WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
}

// ManagementToken returns one management token of a stack.
func (s *Store) ManagementToken(ctx context.Context, apiKey, uid string) (domain.ManagementToken, error) {
	return mtByUID(ctx, s.read(), apiKey, uid)
}

func mtByUID(ctx context.Context, c conn, apiKey, uid string) (domain.ManagementToken, error) {
	t, err := scanMT(c.row(ctx, `SELECT `+mtCols+` FROM management_tokens WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return t, errTokenNotFound()
	}
	if err != nil {
		return t, fmt.Errorf("store: find management token: %w", err)
	}
	return t, nil
}

// UpdateManagementToken reads a token, lets fn change it and writes it back.
func (s *Store) UpdateManagementToken(ctx context.Context, apiKey, uid string, fn func(t *domain.ManagementToken) error, a *domain.AuditEntry) (domain.ManagementToken, error) {
	var out domain.ManagementToken
	err := s.txAudit(ctx, a, func(c conn) error {
		t, err := mtByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&t); err != nil {
			return err
		}
		out = t
		_, err = c.exec(ctx, `UPDATE management_tokens SET name = ?, description = ?, scope = ?, expires_at = ?, email_notify = ?,
			rate_limit_enabled = ?, rate_read = ?, rate_write = ?, updated_by = ?, updated_at = ? WHERE uid = ?`,
			t.Name, t.Description, string(t.Scope), t.ExpiresAt, t.EmailNotify, t.RateLimitEnabled, t.RateRead, t.RateWrite,
			t.UpdatedBy, ms(t.UpdatedAt), t.UID)
		if err != nil {
			return fmt.Errorf("store: update management token: %w", err)
		}
		return nil
	})
	return out, err
}

// DeleteManagementToken removes a token and all its secrets: it stops
// working at once, on every instance.
func (s *Store) DeleteManagementToken(ctx context.Context, apiKey, uid string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if _, err := mtByUID(ctx, c, apiKey, uid); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM token_secrets WHERE token_uid = ?`, `DELETE FROM management_tokens WHERE uid = ?`} {
			if _, err := c.exec(ctx, q, uid); err != nil {
				return fmt.Errorf("store: delete management token: %w", err)
			}
		}
		return nil
	})
}

// RotateManagementToken adds a new secret. Secrets the token had keep
// working until graceUntil (Unix ms); a grace of zero ends them at once.
func (s *Store) RotateManagementToken(ctx context.Context, apiKey, uid, newHash string, graceUntil int64, now time.Time, a *domain.AuditEntry) (domain.ManagementToken, error) {
	var out domain.ManagementToken
	err := s.txAudit(ctx, a, func(c conn) error {
		t, err := mtByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		out = t
		if graceUntil <= now.UnixMilli() {
			_, err = c.exec(ctx, `DELETE FROM token_secrets WHERE token_uid = ?`, uid)
		} else {
			_, err = c.exec(ctx, `UPDATE token_secrets SET expires_at = ? WHERE token_uid = ? AND (expires_at = 0 OR expires_at > ?)`,
				graceUntil, uid, graceUntil)
		}
		if err != nil {
			return fmt.Errorf("store: retire token secrets: %w", err)
		}
		return insertSecret(ctx, c, newHash, uid, apiKey, 0, now)
	})
	return out, err
}

// ManagementTokenBySecret returns the token one of whose live secrets
// hashes to hash: one indexed lookup. An unknown or retired secret is a 401.
func (s *Store) ManagementTokenBySecret(ctx context.Context, hash string, now time.Time) (domain.ManagementToken, error) {
	if v := ViewFrom(ctx); v != nil {
		if t, ok, err := v.managementToken(ctx, s.read(), hash, now); ok || err != nil {
			return t, err
		}
	}
	t, err := scanMT(s.read().row(ctx, `SELECT `+prefixed("t.", mtCols)+` FROM token_secrets s
		JOIN management_tokens t ON t.uid = s.token_uid
		WHERE s.hash = ? AND (s.expires_at = 0 OR s.expires_at > ?)`, hash, ms(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return t, domain.ErrUnauthorized("authorization")
	}
	if err != nil {
		return t, fmt.Errorf("store: find management token by secret: %w", err)
	}
	return t, nil
}

// mtBySecretHash reads the token whose secret has hash, and when that
// secret expires (0: never); an unknown hash is a 401.
func mtBySecretHash(ctx context.Context, c conn, hash string) (domain.ManagementToken, int64, error) {
	var exp int64
	t, err := scanMT(scanWith{c.row(ctx, `SELECT `+prefixed("t.", mtCols)+`, s.expires_at FROM token_secrets s
		JOIN management_tokens t ON t.uid = s.token_uid WHERE s.hash = ?`, hash), []any{&exp}})
	if errors.Is(err, sql.ErrNoRows) {
		return t, 0, domain.ErrUnauthorized("authorization")
	}
	if err != nil {
		return t, 0, fmt.Errorf("store: find management token by secret: %w", err)
	}
	return t, exp, nil
}

// TouchManagementToken records when a token was last used.
func (s *Store) TouchManagementToken(ctx context.Context, uid string, now time.Time) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `UPDATE management_tokens SET last_used_at = ? WHERE uid = ?`, ms(now), uid); err != nil {
			return fmt.Errorf("store: touch management token: %w", err)
		}
		return nil
	})
}
