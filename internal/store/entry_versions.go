package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

func errVersionNotFound(uid string, version int) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeEntryNotFound, "The Entry '%s' has no version %d.", uid, version).
		WithField("version", "is not valid.")
}

// versionName turns the stored name columns into a VersionName (nil when
// the version has no name).
func versionName(name, by string, at int64) *domain.VersionName {
	if name == "" {
		return nil
	}
	return &domain.VersionName{Title: name, UpdatedBy: by, UpdatedAt: fromMS(at)}
}

// entryVersion reads one version of one locale of an entry.
func entryVersion(ctx context.Context, c conn, apiKey, uid, locale string, version int) (domain.Entry, error) {
	var name, by string
	var at int64
	e, err := scanEntry(c.row(ctx, `SELECT `+entryCols+`, version_name, named_by, named_at FROM entry_versions
		WHERE api_key = ? AND uid = ? AND locale = ? AND version = ?`, apiKey, uid, locale, version), &name, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return e, errVersionNotFound(uid, version)
	}
	if err != nil {
		return e, fmt.Errorf("store: read version %d of entry %s: %w", version, uid, err)
	}
	e.VersionName = versionName(name, by, at)
	return e, nil
}

// EntryVersion reads one stored version of one locale of an entry, with
// its data as stored (the publishing work reads versions through it).
func (s *Store) EntryVersion(ctx context.Context, apiKey, uid, locale string, version int) (domain.Entry, error) {
	return entryVersion(ctx, s.read(), apiKey, uid, locale, version)
}

// VersionFilter selects one page of the version history of an entry's
// locale, newest first; Named keeps only named versions.
type VersionFilter struct {
	APIKey      string
	ContentType string
	UID         string
	Locale      string
	Named       bool
	Skip, Limit int
	Count       bool
}

// EntryVersions returns one page of an entry's versions in a locale and,
// when asked, how many there are.
func (s *Store) EntryVersions(ctx context.Context, f VersionFilter) ([]domain.EntryVersion, int, error) {
	c := s.read()
	if _, err := entryOf(ctx, c, f.APIKey, f.ContentType, f.UID, f.Locale); err != nil {
		return nil, 0, err
	}
	where := "api_key = ? AND uid = ? AND locale = ?"
	if f.Named {
		where += " AND version_name <> ''"
	}
	out := []domain.EntryVersion{}
	total, err := c.page(ctx, pageQuery{cols: "version, locale, updated_by, updated_at, version_name, named_by, named_at",
		from: "entry_versions", where: where, args: []any{f.APIKey, f.UID, f.Locale}, order: "version DESC",
		skip: f.Skip, limit: f.Limit, count: f.Count},
		func(rows *sql.Rows) error {
			var v domain.EntryVersion
			var updated, namedAt int64
			var name, by string
			err := rows.Scan(&v.Version, &v.Locale, &v.UpdatedBy, &updated, &name, &by, &namedAt)
			v.UpdatedAt, v.Name = fromMS(updated), versionName(name, by, namedAt)
			out = append(out, v)
			return err
		})
	return out, total, err
}

// NameEntryVersion gives a version of an entry's locale a name, or takes
// it away when name is empty. The version's content does not change.
func (s *Store) NameEntryVersion(ctx context.Context, apiKey, ctUID, uid, locale string, version int, name, by string, at time.Time, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if _, err := entryOf(ctx, c, apiKey, ctUID, uid, locale); err != nil {
			return err
		}
		res, err := c.exec(ctx, `UPDATE entry_versions SET version_name = ?, named_by = ?, named_at = ?
			WHERE api_key = ? AND uid = ? AND locale = ? AND version = ?`, name, by, ms(at), apiKey, uid, locale, version)
		if err != nil {
			return fmt.Errorf("store: name version %d of entry %s: %w", version, uid, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("store: name version: %w", err)
		}
		if n == 0 {
			return errVersionNotFound(uid, version)
		}
		return nil
	})
}
