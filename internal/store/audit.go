package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
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

// AuditFilter selects audit items of one stack, newest first unless Asc
// or Desc names a field.
type AuditFilter struct {
	APIKey    string
	Since     int64      // Unix ms; items older are not returned (the 30-day window)
	Query     query.Node // over auditQueryCols; nil = all
	Asc, Desc string
	Skip      int
	Limit     int
}

// auditQueryCols are the fields an audit log query may name. created_by is
// the acting user's uid and is empty on a management token's items, whose
// token_uid is set instead: a token's actions never match a person.
var auditQueryCols = map[string]query.Field{
	"uid":                  {Column: "uid", Kind: query.Text},
	"module":               {Column: "module", Kind: query.Text},
	"event_type":           {Column: "event_type", Kind: query.Text},
	"actor_kind":           {Column: "actor_kind", Kind: query.Text},
	"created_by":           {Column: "created_by", Kind: query.Text},
	"token_uid":            {Column: "token_uid", Kind: query.Text},
	"management_token.uid": {Column: "token_uid", Kind: query.Text},
	"metadata.uid":         {Column: "meta_uid", Kind: query.Text},
	"request_id":           {Column: "request_id", Kind: query.Text},
	"created_at":           {Column: "created_at", Kind: query.Time},
}

// AuditLog returns one page of a stack's audit items matching f and the
// total number that match.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]domain.AuditEntry, int, error) {
	c := s.read()
	where, args, order, err := c.filter(ListFilter{Query: f.Query, Asc: f.Asc, Desc: f.Desc}, columns("", auditQueryCols),
		"created_at DESC", "uid DESC")
	if err != nil {
		return nil, 0, err
	}
	items := []domain.AuditEntry{}
	total, err := c.page(ctx, pageQuery{cols: auditCols, from: "audit_log", where: "api_key = ? AND created_at >= ? AND (" + where + ")",
		args: append([]any{f.APIKey, f.Since}, args...), order: order, skip: f.Skip, limit: f.Limit, count: true},
		func(rows *sql.Rows) error {
			a, err := scanAudit(rows)
			items = append(items, a)
			return err
		})
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
