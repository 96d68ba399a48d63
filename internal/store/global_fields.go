package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

const gfCols = `api_key, uid, title, description, fields, version, created_by, updated_by, created_at, updated_at`

func scanGF(sc interface{ Scan(...any) error }) (domain.GlobalField, error) {
	var g domain.GlobalField
	var fields string
	var created, updated int64
	err := sc.Scan(&g.APIKey, &g.UID, &g.Title, &g.Description, &fields, &g.Version, &g.CreatedBy, &g.UpdatedBy, &created, &updated)
	if err != nil {
		return g, err
	}
	g.CreatedAt, g.UpdatedAt = fromMS(created), fromMS(updated)
	g.Schema, err = storedSchema("global field "+g.UID, fields)
	return g, err
}

func errGFNotFound(uid string) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeNotFound, "The Global Field '%s' was not found. Please try again.", uid).
		WithField("uid", "is not valid.")
}

func gfByUID(ctx context.Context, c conn, apiKey, uid string) (domain.GlobalField, error) {
	g, err := scanGF(c.row(ctx, `SELECT `+gfCols+` FROM global_fields WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return g, errGFNotFound(uid)
	}
	if err != nil {
		return g, fmt.Errorf("store: find global field %s: %w", uid, err)
	}
	return g, nil
}

// globalFieldSchemas returns the schema of every global field of the stack.
func globalFieldSchemas(ctx context.Context, c conn, apiKey string) (map[string][]domain.Field, error) {
	out := map[string][]domain.Field{}
	rows, err := c.query(ctx, `SELECT uid, fields FROM global_fields WHERE api_key = ?`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: read global field schemas: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid, raw string
		if err := rows.Scan(&uid, &raw); err != nil {
			return nil, fmt.Errorf("store: scan global field schema: %w", err)
		}
		if out[uid], err = storedSchema("global field "+uid, raw); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// GlobalFieldSchemas returns the schema of every global field of the
// stack, to expand content types with (domain.Expand).
func (s *Store) GlobalFieldSchemas(ctx context.Context, apiKey string) (map[string][]domain.Field, error) {
	return globalFieldSchemas(ctx, s.read(), apiKey)
}

// CreateGlobalField adds a global field; a uid or title already taken is
// a 422 with code 115, as for content types.
func (s *Store) CreateGlobalField(ctx context.Context, g domain.GlobalField, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := gfOwner.checkFree(ctx, c, g.APIKey, g.UID, g.Title, ""); err != nil {
			return err
		}
		if err := checkGFSchema(ctx, c, g); err != nil {
			return err
		}
		fields, err := marshalSchema(g.Schema)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `INSERT INTO global_fields (`+gfCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			g.APIKey, g.UID, g.Title, g.Description, fields, g.Version, g.CreatedBy, g.UpdatedBy, ms(g.CreatedAt), ms(g.UpdatedAt))
		return gfOwner.writeErr(c, err)
	})
}

func checkGFSchema(ctx context.Context, c conn, g domain.GlobalField) error {
	refs, err := schemaRefs(ctx, c, g.APIKey)
	if err != nil {
		return err
	}
	refs.Self, refs.SelfGlobal = g.UID, true
	return refs.Check(g.Schema)
}

// GlobalField returns one global field.
func (s *Store) GlobalField(ctx context.Context, apiKey, uid string) (domain.GlobalField, error) {
	return gfByUID(ctx, s.read(), apiKey, uid)
}

// GlobalFields returns one page of a stack's global fields.
func (s *Store) GlobalFields(ctx context.Context, f ListFilter) ([]domain.GlobalField, int, error) {
	c := s.read()
	where, args, order, err := c.filter(f, columns("", ctQueryCols), "created_at ASC", "uid ASC")
	if err != nil {
		return nil, 0, err
	}
	out := []domain.GlobalField{}
	total, err := c.page(ctx, pageQuery{cols: gfCols, from: "global_fields", where: "api_key = ? AND (" + where + ")",
		args: append([]any{f.APIKey}, args...), order: order, skip: f.Skip, limit: f.Limit, count: f.Count, countOnly: f.CountOnly},
		func(rows *sql.Rows) error {
			g, err := scanGF(rows)
			out = append(out, g)
			return err
		})
	return out, total, err
}

// UpdateGlobalField reads a global field, lets fn change it and writes it
// back with its version increased. Content types embedding it see the new
// schema at once; stored entries are not rewritten.
func (s *Store) UpdateGlobalField(ctx context.Context, apiKey, uid string, fn func(g *domain.GlobalField) error, a *domain.AuditEntry) (domain.GlobalField, error) {
	var out domain.GlobalField
	err := s.txAudit(ctx, a, func(c conn) error {
		g, err := gfByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&g); err != nil {
			return err
		}
		if err := gfOwner.checkFree(ctx, c, apiKey, uid, g.Title, uid); err != nil {
			return err
		}
		if err := checkGFSchema(ctx, c, g); err != nil {
			return err
		}
		fields, err := marshalSchema(g.Schema)
		if err != nil {
			return err
		}
		g.Version++
		out = g
		_, err = c.exec(ctx, `UPDATE global_fields SET title = ?, description = ?, fields = ?, version = ?, updated_by = ?,
			updated_at = ? WHERE api_key = ? AND uid = ?`, g.Title, g.Description, fields, g.Version, g.UpdatedBy, ms(g.UpdatedAt), apiKey, uid)
		return gfOwner.writeErr(c, err)
	})
	return out, err
}

// DeleteGlobalField removes a global field that no content type or other
// global field embeds.
func (s *Store) DeleteGlobalField(ctx context.Context, apiKey, uid string, im domain.IfMatch, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		g, err := gfByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := im.Check("global field", g.Version); err != nil {
			return err
		}
		var users []string
		err = eachSchema(ctx, c, apiKey, func(kind, owner string, fields []domain.Field) {
			if domain.UsesGlobalField(fields, uid) {
				users = append(users, kind+" "+owner)
			}
		})
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return domain.ErrInvalid("uid", "is used by "+strings.Join(users, ", ")+"; remove it from them first.")
		}
		if _, err := c.exec(ctx, `DELETE FROM global_fields WHERE api_key = ? AND uid = ?`, apiKey, uid); err != nil {
			return fmt.Errorf("store: delete global field: %w", err)
		}
		return nil
	})
}
