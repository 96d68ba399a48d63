package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

func init() { registerStackTables("stack_settings") }

// StackSettings returns the settings of the stack apiKey; a stack nobody
// has set them for has the defaults (domain.DefaultStackSettings).
func (s *Store) StackSettings(ctx context.Context, apiKey string) (domain.StackSettings, error) {
	return stackSettings(ctx, s.read(), apiKey)
}

func stackSettings(ctx context.Context, c conn, apiKey string) (domain.StackSettings, error) {
	out := domain.DefaultStackSettings(apiKey)
	var raw string
	var updated int64
	err := c.row(ctx, `SELECT settings, updated_by, updated_at FROM stack_settings WHERE api_key = ?`, apiKey).
		Scan(&raw, &out.UpdatedBy, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("store: read stack settings: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &out.Sections); err != nil {
		return out, fmt.Errorf("store: decode stack settings: %w", err)
	}
	out.UpdatedAt = fromMS(updated)
	return out, nil
}

// UpdateStackSettings applies fn to the stack's settings (the defaults
// when none were set) and stores the result, with the audit item, in one
// transaction.
func (s *Store) UpdateStackSettings(ctx context.Context, apiKey string, fn func(st *domain.StackSettings) error,
	a *domain.AuditEntry) (domain.StackSettings, error) {
	var out domain.StackSettings
	err := s.txAudit(ctx, a, func(c conn) error {
		if err := extrasLockStack(ctx, c, apiKey); err != nil {
			return err
		}
		st, err := stackSettings(ctx, c, apiKey)
		if err != nil {
			return err
		}
		if err := fn(&st); err != nil {
			return err
		}
		raw, err := json.Marshal(st.Sections)
		if err != nil {
			return fmt.Errorf("store: encode stack settings: %w", err)
		}
		_, err = c.exec(ctx, `INSERT INTO stack_settings (api_key, settings, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (api_key) DO UPDATE SET settings = excluded.settings, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			apiKey, string(raw), st.UpdatedBy, ms(st.UpdatedAt))
		if err != nil {
			return fmt.Errorf("store: write stack settings: %w", err)
		}
		out = st
		return nil
	})
	return out, err
}
