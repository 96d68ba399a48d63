package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/stackd/stackd/internal/domain"
)

const labelCols = `uid, api_key, name, parent, content_types, version, created_by, updated_by, created_at, updated_at`

func scanLabel(sc interface{ Scan(...any) error }) (domain.Label, error) {
	var l domain.Label
	var parent, cts string
	var created, updated int64
	if err := sc.Scan(&l.UID, &l.APIKey, &l.Name, &parent, &cts, &l.Version, &l.CreatedBy, &l.UpdatedBy, &created, &updated); err != nil {
		return l, err
	}
	l.CreatedAt, l.UpdatedAt = fromMS(created), fromMS(updated)
	var err error
	if l.Parent, err = extrasStrings("label parent", parent); err != nil {
		return l, err
	}
	l.ContentTypes, err = extrasStrings("label content_types", cts)
	return l, err
}

func errLabelNotFound() *domain.Error { return domain.ErrNotFound("label", "uid") }

func errLabelName() error { return domain.ErrInvalid("name", "is not unique.") }

// CreateLabel adds a label. Names are unique in a stack (422 on name) and
// every parent must be a label of the stack (422 on parent).
func (s *Store) CreateLabel(ctx context.Context, l domain.Label, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := extrasLockStack(ctx, c, l.APIKey); err != nil {
			return err
		}
		if err := checkLabelParents(ctx, c, l); err != nil {
			return err
		}
		_, err := c.exec(ctx, `INSERT INTO labels (`+labelCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.UID, l.APIKey, l.Name, extrasJSON(l.Parent), extrasJSON(l.ContentTypes), l.Version, l.CreatedBy, l.UpdatedBy,
			ms(l.CreatedAt), ms(l.UpdatedAt))
		if c.d.isUnique(err) {
			return errLabelName()
		}
		if err != nil {
			return fmt.Errorf("store: insert label: %w", err)
		}
		return nil
	})
}

// checkLabelParents checks l's parents against the stack's labels: they
// must exist and must not lead back to l. Callers lock the stack first, so
// that no concurrent write changes its labels meanwhile.
func checkLabelParents(ctx context.Context, c conn, l domain.Label) error {
	if len(l.Parent) == 0 {
		return nil
	}
	rows, err := c.query(ctx, `SELECT uid, parent FROM labels WHERE api_key = ?`, l.APIKey)
	if err != nil {
		return fmt.Errorf("store: read label parents: %w", err)
	}
	defer rows.Close()
	parents := map[string][]string{}
	for rows.Next() {
		var uid, p string
		if err := rows.Scan(&uid, &p); err != nil {
			return fmt.Errorf("store: scan label parents: %w", err)
		}
		if parents[uid], err = extrasStrings("label parent", p); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: read label parents: %w", err)
	}
	return domain.LabelParentsValid(l, parents)
}

// Labels lists a stack's labels, oldest first.
func (s *Store) Labels(ctx context.Context, apiKey string) ([]domain.Label, error) {
	rows, err := s.read().query(ctx, `SELECT `+labelCols+` FROM labels WHERE api_key = ? ORDER BY created_at, uid`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: list labels: %w", err)
	}
	defer rows.Close()
	out := []domain.Label{}
	for rows.Next() {
		l, err := scanLabel(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan label: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Label returns one label of a stack; a uid the stack does not hold is a
// 422 (not found).
func (s *Store) Label(ctx context.Context, apiKey, uid string) (domain.Label, error) {
	return labelByUID(ctx, s.read(), apiKey, uid)
}

func labelByUID(ctx context.Context, c conn, apiKey, uid string) (domain.Label, error) {
	l, err := scanLabel(c.row(ctx, `SELECT `+labelCols+` FROM labels WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return l, errLabelNotFound()
	}
	if err != nil {
		return l, fmt.Errorf("store: find label: %w", err)
	}
	return l, nil
}

// UpdateLabel reads a label, lets fn change it, checks its parents again
// and writes it back with its version raised. The audit item a gets the
// label's name as its title.
func (s *Store) UpdateLabel(ctx context.Context, apiKey, uid string, fn func(l *domain.Label) error, a *domain.AuditEntry) (domain.Label, error) {
	var out domain.Label
	err := s.txAudit(ctx, a, func(c conn) error {
		if err := extrasLockStack(ctx, c, apiKey); err != nil {
			return err
		}
		l, err := labelByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if err := fn(&l); err != nil {
			return err
		}
		if err := checkLabelParents(ctx, c, l); err != nil {
			return err
		}
		l.Version++
		_, err = c.exec(ctx, `UPDATE labels SET name = ?, parent = ?, content_types = ?, version = ?, updated_by = ?, updated_at = ?
			WHERE uid = ?`, l.Name, extrasJSON(l.Parent), extrasJSON(l.ContentTypes), l.Version, l.UpdatedBy, ms(l.UpdatedAt), l.UID)
		if c.d.isUnique(err) {
			return errLabelName()
		}
		if err != nil {
			return fmt.Errorf("store: update label: %w", err)
		}
		out = l
		if a != nil {
			a.MetaTitle = l.Name
		}
		return nil
	})
	return out, err
}

// DeleteLabel removes a label and takes its uid out of the parents of the
// labels under it (they move up a level). The audit item a gets the
// label's name as its title.
func (s *Store) DeleteLabel(ctx context.Context, apiKey, uid string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := extrasLockStack(ctx, c, apiKey); err != nil {
			return err
		}
		l, err := labelByUID(ctx, c, apiKey, uid)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM labels WHERE uid = ?`, l.UID); err != nil {
			return fmt.Errorf("store: delete label: %w", err)
		}
		if err := unparentLabels(ctx, c, l); err != nil {
			return err
		}
		if a != nil {
			a.MetaTitle = l.Name
		}
		return nil
	})
}

// unparentLabels removes gone's uid from the parents of its children.
// Uids are made of letters and digits only, so LIKE finds them exactly.
func unparentLabels(ctx context.Context, c conn, gone domain.Label) error {
	rows, err := c.query(ctx, `SELECT `+labelCols+` FROM labels WHERE api_key = ? AND parent LIKE ?`,
		gone.APIKey, `%"`+gone.UID+`"%`)
	if err != nil {
		return fmt.Errorf("store: find child labels: %w", err)
	}
	var children []domain.Label
	for rows.Next() {
		l, err := scanLabel(rows)
		if err != nil {
			rows.Close()
			return fmt.Errorf("store: scan child label: %w", err)
		}
		children = append(children, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: find child labels: %w", err)
	}
	for _, l := range children {
		parent := slices.DeleteFunc(l.Parent, func(p string) bool { return p == gone.UID })
		if _, err := c.exec(ctx, `UPDATE labels SET parent = ? WHERE uid = ?`, extrasJSON(parent), l.UID); err != nil {
			return fmt.Errorf("store: unparent label %s: %w", l.UID, err)
		}
	}
	return nil
}
