package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

const dtCols = `uid, api_key, name, description, environment_uid, scope, hash, sealed, created_by, updated_by, created_at, updated_at`

func scanDT(sc scanner) (domain.DeliveryToken, error) {
	var t domain.DeliveryToken
	var scope, sealed string
	var created, updated int64
	err := sc.Scan(&t.UID, &t.APIKey, &t.Name, &t.Description, &t.EnvironmentUID, &scope, &t.Hash, &sealed,
		&t.CreatedBy, &t.UpdatedBy, &created, &updated)
	if err != nil {
		return t, err
	}
	t.Scope = json.RawMessage(scope)
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	t.Sealed, err = base64.StdEncoding.DecodeString(sealed)
	return t, err
}

// CreateDeliveryToken stores a delivery token (its hash, and its secret
// sealed with the server key so that get and list can show it).
func (s *Store) CreateDeliveryToken(ctx context.Context, t domain.DeliveryToken, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO delivery_tokens (`+dtCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.UID, t.APIKey, t.Name, t.Description, t.EnvironmentUID, string(t.Scope), t.Hash,
			base64.StdEncoding.EncodeToString(t.Sealed), t.CreatedBy, t.UpdatedBy, ms(t.CreatedAt), ms(t.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: insert delivery token: %w", err)
		}
		return nil
	})
}

// DeliveryTokens lists a stack's delivery tokens.
func (s *Store) DeliveryTokens(ctx context.Context, apiKey string) ([]domain.DeliveryToken, error) {
	return queryList(ctx, s.read(), "delivery tokens", scanDT, `SELECT `+dtCols+` FROM delivery_tokens WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
}

// DeliveryToken returns one delivery token of a stack.
func (s *Store) DeliveryToken(ctx context.Context, apiKey, uid string) (domain.DeliveryToken, error) {
	return dtWhere(ctx, s.read(), `api_key = ? AND uid = ?`, apiKey, uid)
}

func dtWhere(ctx context.Context, c conn, where string, args ...any) (domain.DeliveryToken, error) {
	t, err := scanDT(c.row(ctx, `SELECT `+dtCols+` FROM delivery_tokens WHERE `+where+c.lock(), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return t, errTokenNotFound()
	}
	if err != nil {
		return t, fmt.Errorf("store: find delivery token: %w", err)
	}
	return t, nil
}

// DeliveryTokenByHash finds the delivery token whose secret hashes to hash;
// an unknown one is a 401 naming access_token.
func (s *Store) DeliveryTokenByHash(ctx context.Context, hash string) (domain.DeliveryToken, error) {
	c := s.read()
	if v := ViewFrom(ctx); v != nil {
		if t, ok, err := v.deliveryToken(ctx, c, hash); ok || err != nil {
			return t, err
		}
	}
	t, err := dtWhere(ctx, c, `hash = ?`, hash)
	if domain.IsKind(err, domain.KindInvalid) {
		return t, domain.ErrUnauthorized("access_token")
	}
	return t, err
}

// UpdateDeliveryToken reads a delivery token, lets fn change it and writes it back.
func (s *Store) UpdateDeliveryToken(ctx context.Context, apiKey, uid string, fn func(t *domain.DeliveryToken) error, a *domain.AuditEntry) (domain.DeliveryToken, error) {
	var out domain.DeliveryToken
	err := s.txAudit(ctx, a, func(c conn) error {
		t, err := dtWhere(ctx, c, `api_key = ? AND uid = ?`, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&t); err != nil {
			return err
		}
		out = t
		_, err = c.exec(ctx, `UPDATE delivery_tokens SET name = ?, description = ?, environment_uid = ?, scope = ?, updated_by = ?,
			updated_at = ? WHERE uid = ?`, t.Name, t.Description, t.EnvironmentUID, string(t.Scope), t.UpdatedBy, ms(t.UpdatedAt), t.UID)
		if err != nil {
			return fmt.Errorf("store: update delivery token: %w", err)
		}
		return nil
	})
	return out, err
}

// DeleteDeliveryToken removes a delivery token.
func (s *Store) DeleteDeliveryToken(ctx context.Context, apiKey, uid string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if _, err := dtWhere(ctx, c, `api_key = ? AND uid = ?`, apiKey, uid); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM delivery_tokens WHERE uid = ?`, uid); err != nil {
			return fmt.Errorf("store: delete delivery token: %w", err)
		}
		return nil
	})
}
