package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

const extensionCols = `uid, api_key, title, type, data_type, src, srcdoc, multiple, config, tags, scope, enable, default_width,
	width, blur, version, created_by, updated_by, created_at, updated_at`

func scanExtension(sc interface{ Scan(...any) error }) (domain.Extension, error) {
	var x domain.Extension
	var config, tags string
	var scope sql.NullString
	var multiple, enable, blur sql.NullBool
	var width sql.NullInt64
	var created, updated int64
	err := sc.Scan(&x.UID, &x.APIKey, &x.Title, &x.Type, &x.DataType, &x.Src, &x.Srcdoc, &multiple, &config, &tags, &scope,
		&enable, &x.DefaultWidth, &width, &blur, &x.Version, &x.CreatedBy, &x.UpdatedBy, &created, &updated)
	if err != nil {
		return x, err
	}
	x.Config = json.RawMessage(config)
	if scope.Valid {
		x.Scope = json.RawMessage(scope.String)
	}
	x.Multiple, x.Enable, x.Blur = extrasBoolPtr(multiple), extrasBoolPtr(enable), extrasBoolPtr(blur)
	if width.Valid {
		w := int(width.Int64)
		x.Width = &w
	}
	x.CreatedAt, x.UpdatedAt = fromMS(created), fromMS(updated)
	x.Tags, err = extrasStrings("extension tags", tags)
	return x, err
}

func extrasBoolPtr(b sql.NullBool) *bool {
	if !b.Valid {
		return nil
	}
	v := b.Bool
	return &v
}

// extensionArgs are the values of every column but uid and api_key, in
// extensionCols order.
func extensionArgs(x domain.Extension) []any {
	var scope, width any
	if x.Scope != nil {
		scope = string(x.Scope)
	}
	if x.Width != nil {
		width = *x.Width
	}
	return []any{x.Title, x.Type, x.DataType, x.Src, x.Srcdoc, extrasNullBool(x.Multiple), rawOr(x.Config, "{}"), extrasJSON(x.Tags), scope,
		extrasNullBool(x.Enable), x.DefaultWidth, width, extrasNullBool(x.Blur), x.Version, x.CreatedBy, x.UpdatedBy, ms(x.CreatedAt), ms(x.UpdatedAt)}
}

func extrasNullBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func errExtensionTitle() error { return domain.ErrInvalid("title", "is not unique.") }

// CreateExtension adds an extension. Titles are unique in a stack (422 on
// title), and a stack holds at most domain.MaxExtensions extensions (422,
// error code 344).
func (s *Store) CreateExtension(ctx context.Context, x domain.Extension, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := extrasLockStack(ctx, c, x.APIKey); err != nil {
			return err
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM extensions WHERE api_key = ?`, x.APIKey).Scan(&n); err != nil {
			return fmt.Errorf("store: count extensions: %w", err)
		}
		if n >= domain.MaxExtensions {
			return domain.ErrExtensionLimit()
		}
		args := append([]any{x.UID, x.APIKey}, extensionArgs(x)...)
		_, err := c.exec(ctx, `INSERT INTO extensions (`+extensionCols+`) VALUES (`+placeholders(len(args))+`)`, args...)
		if c.d.isUnique(err) {
			return errExtensionTitle()
		}
		if err != nil {
			return fmt.Errorf("store: insert extension: %w", err)
		}
		return nil
	})
}

// Extensions lists a stack's extensions, oldest first.
func (s *Store) Extensions(ctx context.Context, apiKey string) ([]domain.Extension, error) {
	rows, err := s.read().query(ctx, `SELECT `+extensionCols+` FROM extensions WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: list extensions: %w", err)
	}
	defer rows.Close()
	out := []domain.Extension{}
	for rows.Next() {
		x, err := scanExtension(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan extension: %w", err)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Extension returns one extension of a stack; a uid the stack does not
// hold is a 422 with error code 347.
func (s *Store) Extension(ctx context.Context, apiKey, uid string) (domain.Extension, error) {
	return extensionByUID(ctx, s.read(), apiKey, uid)
}

func extensionByUID(ctx context.Context, c conn, apiKey, uid string) (domain.Extension, error) {
	x, err := scanExtension(c.row(ctx, `SELECT `+extensionCols+` FROM extensions WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return x, domain.ErrExtensionNotFound()
	}
	if err != nil {
		return x, fmt.Errorf("store: find extension: %w", err)
	}
	return x, nil
}

// UpdateExtension reads an extension, lets fn change it and writes it back
// with its version raised. The audit item a gets the extension's title.
func (s *Store) UpdateExtension(ctx context.Context, apiKey, uid string, fn func(x *domain.Extension) error, a *domain.AuditEntry) (domain.Extension, error) {
	var out domain.Extension
	err := s.txAudit(ctx, a, func(c conn) error {
		x, err := extensionByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&x); err != nil {
			return err
		}
		x.Version++
		args := append(extensionArgs(x), x.UID)
		_, err = c.exec(ctx, `UPDATE extensions SET title = ?, type = ?, data_type = ?, src = ?, srcdoc = ?, multiple = ?, config = ?,
			tags = ?, scope = ?, enable = ?, default_width = ?, width = ?, blur = ?, version = ?, created_by = ?, updated_by = ?,
			created_at = ?, updated_at = ? WHERE uid = ?`, args...)
		if c.d.isUnique(err) {
			return errExtensionTitle()
		}
		if err != nil {
			return fmt.Errorf("store: update extension: %w", err)
		}
		out = x
		if a != nil {
			a.MetaTitle = x.Title
		}
		return nil
	})
	return out, err
}

// DeleteExtension removes an extension. The audit item a gets its title.
func (s *Store) DeleteExtension(ctx context.Context, apiKey, uid string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		x, err := extensionByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM extensions WHERE uid = ?`, x.UID); err != nil {
			return fmt.Errorf("store: delete extension: %w", err)
		}
		if a != nil {
			a.MetaTitle = x.Title
		}
		return nil
	})
}
