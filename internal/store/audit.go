package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

// txAudit runs fn in a write transaction and, when it succeeds, appends a
// to the audit log in that same transaction: a change and its audit item
// commit together or not at all. a may be nil for writes that are not
// stack-scoped. Changes that bumpsSeq names also advance the stack's change
// counter in that transaction.
func (s *Store) txAudit(ctx context.Context, a *domain.AuditEntry, fn func(c conn) error) error {
	return s.tx(ctx, func(c conn) error {
		if a != nil && c.st != nil {
			c.st.now = a.CreatedAt
		}
		if err := fn(c); err != nil {
			return err
		}
		if a == nil {
			return nil
		}
		if bumpsSeq(a) {
			if _, err := bumpSeq(ctx, c, a.APIKey); err != nil {
				return err
			}
		}
		return insertAudit(ctx, c, *a)
	})
}

const auditCols = `uid, api_key, module, event_type, request_id, remote_addr, actor_kind, created_by, token_uid, token_name,
	meta_uid, meta_title, created_at`

func insertAudit(ctx context.Context, c conn, a domain.AuditEntry) error {
	if a.UID == "" {
		a.UID = domain.NewUID()
	}
	_, err := c.exec(ctx, `INSERT INTO audit_log (`+auditCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.UID, a.APIKey, a.Module, a.EventType, a.RequestID, a.RemoteAddr, a.ActorKind, a.UserUID, a.TokenUID, a.TokenName,
		a.MetaUID, a.MetaTitle, ms(a.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert audit item: %w", err)
	}
	return nil
}

func scanAudit(sc scanner) (domain.AuditEntry, error) {
	var a domain.AuditEntry
	var created int64
	err := sc.Scan(&a.UID, &a.APIKey, &a.Module, &a.EventType, &a.RequestID, &a.RemoteAddr, &a.ActorKind, &a.UserUID,
		&a.TokenUID, &a.TokenName, &a.MetaUID, &a.MetaTitle, &created)
	a.CreatedAt = fromMS(created)
	return a, err
}

// AuditFilter selects audit items of one stack, newest first.
type AuditFilter struct {
	APIKey string
	Since  int64 // Unix ms; items older are not returned (the 30-day window)
	Skip   int
	Limit  int
}

// AuditLog returns one page of a stack's audit items and the total count.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]domain.AuditEntry, int, error) {
	c := s.read()
	var total int
	if err := c.row(ctx, `SELECT COUNT(*) FROM audit_log WHERE api_key = ? AND created_at >= ?`, f.APIKey, f.Since).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count audit items: %w", err)
	}
	items, err := queryList(ctx, c, "audit items", scanAudit, `SELECT `+auditCols+` FROM audit_log WHERE api_key = ? AND created_at >= ?
		ORDER BY created_at DESC, uid DESC LIMIT ? OFFSET ?`, f.APIKey, f.Since, f.Limit, f.Skip)
	return items, total, err
}

// AuditItem returns one audit item of a stack.
func (s *Store) AuditItem(ctx context.Context, apiKey, uid string) (domain.AuditEntry, error) {
	a, err := scanAudit(s.read().row(ctx, `SELECT `+auditCols+` FROM audit_log WHERE api_key = ? AND uid = ?`, apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return a, domain.ErrNotFound("audit log item", "uid")
	}
	if err != nil {
		return a, fmt.Errorf("store: find audit item: %w", err)
	}
	return a, nil
}
