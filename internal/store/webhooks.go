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

const webhookCols = `uid, api_key, name, destinations, sealed, channels, branches, notifiers, retry_policy, disabled, concise_payload,
	created_by, updated_by, created_at, updated_at`

func scanWebhook(sc interface{ Scan(...any) error }) (domain.Webhook, error) {
	var w domain.Webhook
	var dests, sealed, channels, branches, notifiers string
	var created, updated int64
	err := sc.Scan(&w.UID, &w.APIKey, &w.Name, &dests, &sealed, &channels, &branches, &notifiers, &w.RetryPolicy, &w.Disabled,
		&w.ConcisePayload, &w.CreatedBy, &w.UpdatedBy, &created, &updated)
	if err != nil {
		return w, err
	}
	w.CreatedAt, w.UpdatedAt = fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(dests), &w.Destinations); err != nil {
		return w, fmt.Errorf("store: decode webhook destinations: %w", err)
	}
	if w.Sealed, err = base64.StdEncoding.DecodeString(sealed); err != nil {
		return w, fmt.Errorf("store: decode webhook secrets: %w", err)
	}
	if w.Channels, err = extrasStrings("webhook channels", channels); err != nil {
		return w, err
	}
	if w.Branches, err = extrasStrings("webhook branches", branches); err != nil {
		return w, err
	}
	w.Notifiers, err = extrasStrings("webhook notifiers", notifiers)
	return w, err
}

// webhookArgs are the values of every column but uid and api_key, in
// webhookCols order. A webhook whose destinations still hold a secret is
// refused: secrets are stored only sealed.
func webhookArgs(w domain.Webhook) ([]any, error) {
	if w.HasSecretsInClear() {
		return nil, fmt.Errorf("store: webhook %s: refusing to store destination secrets in clear", w.UID)
	}
	dests, err := json.Marshal(w.Destinations)
	if err != nil {
		return nil, fmt.Errorf("store: encode webhook destinations: %w", err)
	}
	return []any{w.Name, string(dests), base64.StdEncoding.EncodeToString(w.Sealed), extrasJSON(w.Channels), extrasJSON(w.Branches),
		extrasJSON(w.Notifiers), w.RetryPolicy, w.Disabled, w.ConcisePayload, w.CreatedBy, w.UpdatedBy, ms(w.CreatedAt), ms(w.UpdatedAt)}, nil
}

func errWebhookNotFound() *domain.Error { return domain.ErrNotFound("webhook", "uid") }

func errWebhookName() error { return domain.ErrInvalid("name", "is not unique.") }

// CreateWebhook adds a webhook. Names are unique in a stack (422 on name).
// The destinations must hold no secret in clear (w.Sealed carries them);
// otherwise nothing is written and an internal error is returned.
func (s *Store) CreateWebhook(ctx context.Context, w domain.Webhook, a *domain.AuditEntry) error {
	rest, err := webhookArgs(w)
	if err != nil {
		return err
	}
	return s.txAudit(ctx, a, func(c conn) error {
		args := append([]any{w.UID, w.APIKey}, rest...)
		_, err := c.exec(ctx, `INSERT INTO webhooks (`+webhookCols+`) VALUES (`+placeholders(len(args))+`)`, args...)
		if c.d.isUnique(err) {
			return errWebhookName()
		}
		if err != nil {
			return fmt.Errorf("store: insert webhook: %w", err)
		}
		return nil
	})
}

// Webhooks lists a stack's webhooks, oldest first, as stored: secrets
// sealed.
func (s *Store) Webhooks(ctx context.Context, apiKey string) ([]domain.Webhook, error) {
	rows, err := s.read().query(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: list webhooks: %w", err)
	}
	defer rows.Close()
	out := []domain.Webhook{}
	for rows.Next() {
		w, err := scanWebhook(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan webhook: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// Webhook returns one webhook of a stack, secrets sealed; a uid the stack
// does not hold is a 422 (not found).
func (s *Store) Webhook(ctx context.Context, apiKey, uid string) (domain.Webhook, error) {
	return webhookByUID(ctx, s.read(), apiKey, uid)
}

func webhookByUID(ctx context.Context, c conn, apiKey, uid string) (domain.Webhook, error) {
	w, err := scanWebhook(c.row(ctx, `SELECT `+webhookCols+` FROM webhooks WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return w, errWebhookNotFound()
	}
	if err != nil {
		return w, fmt.Errorf("store: find webhook: %w", err)
	}
	return w, nil
}

// UpdateWebhook reads a webhook (secrets sealed), lets fn change it and
// writes it back; fn must leave the secrets sealed, as CreateWebhook
// requires. The audit item a gets the webhook's name as its title.
func (s *Store) UpdateWebhook(ctx context.Context, apiKey, uid string, fn func(w *domain.Webhook) error, a *domain.AuditEntry) (domain.Webhook, error) {
	var out domain.Webhook
	err := s.txAudit(ctx, a, func(c conn) error {
		w, err := webhookByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&w); err != nil {
			return err
		}
		rest, err := webhookArgs(w)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE webhooks SET name = ?, destinations = ?, sealed = ?, channels = ?, branches = ?, notifiers = ?,
			retry_policy = ?, disabled = ?, concise_payload = ?, created_by = ?, updated_by = ?, created_at = ?, updated_at = ?
			WHERE uid = ?`, append(rest, w.UID)...)
		if c.d.isUnique(err) {
			return errWebhookName()
		}
		if err != nil {
			return fmt.Errorf("store: update webhook: %w", err)
		}
		out = w
		if a != nil {
			a.MetaTitle = w.Name
		}
		return nil
	})
	return out, err
}

// DeleteWebhook removes a webhook. The audit item a gets its name.
func (s *Store) DeleteWebhook(ctx context.Context, apiKey, uid string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		w, err := webhookByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM webhooks WHERE uid = ?`, w.UID); err != nil {
			return fmt.Errorf("store: delete webhook: %w", err)
		}
		if a != nil {
			a.MetaTitle = w.Name
		}
		return nil
	})
}
