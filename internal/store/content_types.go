package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

func init() {
	registerStackTables("content_types", "global_fields", "locales", "entries", "entry_versions")
}

const ctCols = `api_key, uid, title, description, fields, options, version, created_by, updated_by, created_at, updated_at`

func scanCT(sc interface{ Scan(...any) error }) (domain.ContentType, error) {
	var ct domain.ContentType
	var fields, options string
	var created, updated int64
	err := sc.Scan(&ct.APIKey, &ct.UID, &ct.Title, &ct.Description, &fields, &options, &ct.Version, &ct.CreatedBy,
		&ct.UpdatedBy, &created, &updated)
	if err != nil {
		return ct, err
	}
	ct.CreatedAt, ct.UpdatedAt = fromMS(created), fromMS(updated)
	ct.Options = json.RawMessage(options)
	ct.Schema, err = storedSchema("content type "+ct.UID, fields)
	return ct, err
}

// storedSchema parses a schema read back from the database. Stored
// schemas were checked on write, so a failure is a server fault: the
// domain error is flattened into a plain one so that it is answered 500
// and logged, not shown to the client as a 422.
func storedSchema(owner, raw string) ([]domain.Field, error) {
	fields, err := domain.ParseSchema(json.RawMessage(raw))
	if err != nil {
		return nil, errors.New("store: stored schema of " + owner + " does not parse: " + err.Error())
	}
	return fields, nil
}

func errCTNotFound(uid string) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeCTNotFound, "The Content Type '%s' was not found. Please try again.", uid).
		WithField("uid", "is not valid.")
}

func marshalSchema(fields []domain.Field) (string, error) {
	b, err := json.Marshal(fields)
	if err != nil {
		return "", fmt.Errorf("store: encode schema: %w", err)
	}
	return string(b), nil
}

// ctByUID reads a content type, locking its row inside a write
// transaction. Entry writes lock it too, which serializes them per
// content type on PostgreSQL (SQLite has one writer anyway): uniqueness
// checks, singleton checks and localizations cannot race.
func ctByUID(ctx context.Context, c conn, apiKey, uid string) (domain.ContentType, error) {
	ct, err := scanCT(c.row(ctx, `SELECT `+ctCols+` FROM content_types WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return ct, errCTNotFound(uid)
	}
	if err != nil {
		return ct, fmt.Errorf("store: find content type %s: %w", uid, err)
	}
	return ct, nil
}

// schemaRefs loads what a schema of the stack may point to.
func schemaRefs(ctx context.Context, c conn, apiKey string) (domain.SchemaRefs, error) {
	refs := domain.SchemaRefs{ContentTypes: map[string]bool{}}
	rows, err := c.query(ctx, `SELECT uid FROM content_types WHERE api_key = ?`, apiKey)
	if err != nil {
		return refs, fmt.Errorf("store: list content type uids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid string
		if err := rows.Scan(&uid); err != nil {
			return refs, fmt.Errorf("store: scan content type uid: %w", err)
		}
		refs.ContentTypes[uid] = true
	}
	if err := rows.Err(); err != nil {
		return refs, err
	}
	refs.GlobalFields, err = globalFieldSchemas(ctx, c, apiKey)
	return refs, err
}

// CreateContentType adds a content type after checking that its schema's
// references exist. A uid or title already taken is a 422 with code 115.
func (s *Store) CreateContentType(ctx context.Context, ct domain.ContentType, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := ctOwner.checkFree(ctx, c, ct.APIKey, ct.UID, ct.Title, ""); err != nil {
			return err
		}
		refs, err := schemaRefs(ctx, c, ct.APIKey)
		if err != nil {
			return err
		}
		refs.Self = ct.UID
		if err := refs.Check(ct.Schema); err != nil {
			return err
		}
		fields, err := marshalSchema(ct.Schema)
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `INSERT INTO content_types (`+ctCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ct.APIKey, ct.UID, ct.Title, ct.Description, fields, rawOr(ct.Options, "{}"), ct.Version, ct.CreatedBy, ct.UpdatedBy,
			ms(ct.CreatedAt), ms(ct.UpdatedAt))
		return ctOwner.writeErr(c, err)
	})
}

// schemaOwner names a table of schema owners (content types or global
// fields) for the uniqueness checks they share.
type schemaOwner struct{ table, what string }

var (
	ctOwner = schemaOwner{"content_types", "Content Type"}
	gfOwner = schemaOwner{"global_fields", "Global Field"}
)

// checkFree refuses a uid or title another row of o's table has (self
// excepted; self is empty on create), with Contentstack's code 115.
func (o schemaOwner) checkFree(ctx context.Context, c conn, apiKey, uid, title, self string) error {
	var n int
	if self == "" {
		if err := c.row(ctx, `SELECT COUNT(*) FROM `+o.table+` WHERE api_key = ? AND uid = ?`, apiKey, uid).Scan(&n); err != nil {
			return fmt.Errorf("store: check %s uid: %w", o.what, err)
		}
		if n > 0 {
			return o.errExists("uid", uid)
		}
	}
	err := c.row(ctx, `SELECT COUNT(*) FROM `+o.table+` WHERE api_key = ? AND title = ? AND uid <> ?`, apiKey, title, self).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: check %s title: %w", o.what, err)
	}
	if n > 0 {
		return o.errExists("title", title)
	}
	return nil
}

func (o schemaOwner) errExists(field, value string) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeCTExists, "A %s with the %s '%s' already exists.", o.what, field, value).
		WithField(field, "is not unique.")
}

// writeErr maps a unique violation that slipped past checkFree (a
// concurrent write) to the same 115.
func (o schemaOwner) writeErr(c conn, err error) error {
	if c.d.isUnique(err) {
		return domain.Errorf(domain.KindInvalid, domain.CodeCTExists, "A %s with this uid or title already exists.", o.what).
			WithField("uid", "is not unique.")
	}
	if err != nil {
		return fmt.Errorf("store: write %s: %w", o.what, err)
	}
	return nil
}

// ContentType returns one content type; an unknown uid is a 422 with code 118.
func (s *Store) ContentType(ctx context.Context, apiKey, uid string) (domain.ContentType, error) {
	return ctByUID(ctx, s.read(), apiKey, uid)
}

var ctQueryCols = withCols(map[string]query.Field{
	"title":       {Column: "title", Kind: query.Text},
	"description": {Column: "description", Kind: query.Text},
})

// ContentTypes returns one page of a stack's content types (oldest first
// unless f sorts) and, when asked, how many match.
func (s *Store) ContentTypes(ctx context.Context, f ListFilter) ([]domain.ContentType, int, error) {
	c := s.read()
	where, args, order, err := c.filter(f, columns("", ctQueryCols, "options"), "created_at ASC", "uid ASC")
	if err != nil {
		return nil, 0, err
	}
	out := []domain.ContentType{}
	total, err := c.page(ctx, pageQuery{cols: ctCols, from: "content_types", where: "api_key = ? AND (" + where + ")",
		args: append([]any{f.APIKey}, args...), order: order, skip: f.Skip, limit: f.Limit, count: f.Count, countOnly: f.CountOnly},
		func(rows *sql.Rows) error {
			ct, err := scanCT(rows)
			out = append(out, ct)
			return err
		})
	return out, total, err
}

// UpdateContentType reads a content type, lets fn change it and writes it
// back with its version increased. Entries are not rewritten: see
// docs/content.md for what happens to fields that are removed or retyped.
func (s *Store) UpdateContentType(ctx context.Context, apiKey, uid string, fn func(ct *domain.ContentType) error, a *domain.AuditEntry) (domain.ContentType, error) {
	var out domain.ContentType
	err := s.txAudit(ctx, a, func(c conn) error {
		ct, err := ctByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&ct); err != nil {
			return err
		}
		if err := ctOwner.checkFree(ctx, c, apiKey, uid, ct.Title, uid); err != nil {
			return err
		}
		refs, err := schemaRefs(ctx, c, apiKey)
		if err != nil {
			return err
		}
		refs.Self = uid
		if err := refs.Check(ct.Schema); err != nil {
			return err
		}
		fields, err := marshalSchema(ct.Schema)
		if err != nil {
			return err
		}
		ct.Version++
		out = ct
		_, err = c.exec(ctx, `UPDATE content_types SET title = ?, description = ?, fields = ?, options = ?, version = ?,
			updated_by = ?, updated_at = ? WHERE api_key = ? AND uid = ?`,
			ct.Title, ct.Description, fields, rawOr(ct.Options, "{}"), ct.Version, ct.UpdatedBy, ms(ct.UpdatedAt), apiKey, uid)
		return ctOwner.writeErr(c, err)
	})
	return out, err
}

// DeleteContentType removes a content type. It is refused while entries
// exist unless force is set (then they go too, with their versions), and
// while another content type references it.
func (s *Store) DeleteContentType(ctx context.Context, apiKey, uid string, force bool, im domain.IfMatch, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		ct, err := ctByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := im.Check("content type", ct.Version); err != nil {
			return err
		}
		if err := checkNotReferenced(ctx, c, apiKey, uid); err != nil {
			return err
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(DISTINCT uid) FROM entries WHERE api_key = ? AND content_type_uid = ?`, apiKey, uid).Scan(&n); err != nil {
			return fmt.Errorf("store: count entries: %w", err)
		}
		if n > 0 && !force {
			return domain.ErrInvalid("uid", fmt.Sprintf("has %d entries; delete them first, or pass force=true to delete them with it.", n))
		}
		for _, t := range []string{"entry_versions", "entries", "entry_terms"} {
			if _, err := c.exec(ctx, `DELETE FROM `+t+` WHERE api_key = ? AND content_type_uid = ?`, apiKey, uid); err != nil {
				return fmt.Errorf("store: delete %s of content type: %w", t, err)
			}
		}
		if err := unpublishContentType(ctx, c, apiKey, uid); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM content_types WHERE api_key = ? AND uid = ?`, apiKey, uid); err != nil {
			return fmt.Errorf("store: delete content type: %w", err)
		}
		return nil
	})
}

// checkNotReferenced refuses to remove a content type that reference
// fields of other content types or of global fields point to.
func checkNotReferenced(ctx context.Context, c conn, apiKey, uid string) error {
	var users []string
	err := eachSchema(ctx, c, apiKey, func(kind, owner string, fields []domain.Field) {
		if !(kind == "content type" && owner == uid) && domain.ReferencesContentType(fields, uid) {
			users = append(users, kind+" "+owner)
		}
	})
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return domain.ErrInvalid("uid", "is referenced by "+strings.Join(users, ", ")+"; remove those reference fields first.")
	}
	return nil
}

// eachSchema calls fn with the schema of every content type and global
// field of the stack.
func eachSchema(ctx context.Context, c conn, apiKey string, fn func(kind, owner string, fields []domain.Field)) error {
	for _, t := range []struct{ table, kind string }{{"content_types", "content type"}, {"global_fields", "global field"}} {
		rows, err := c.query(ctx, `SELECT uid, fields FROM `+t.table+` WHERE api_key = ? ORDER BY uid`, apiKey)
		if err != nil {
			return fmt.Errorf("store: read %s schemas: %w", t.kind, err)
		}
		for rows.Next() {
			var uid, raw string
			if err := rows.Scan(&uid, &raw); err != nil {
				rows.Close()
				return fmt.Errorf("store: scan %s schema: %w", t.kind, err)
			}
			fields, err := storedSchema(t.kind+" "+uid, raw)
			if err != nil {
				rows.Close()
				return err
			}
			fn(t.kind, uid, fields)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
