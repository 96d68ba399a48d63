package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// syncContent fills in the content of the published items of a sync page:
// one query for the entries and one for the assets, whatever the page
// holds, plus one schema read per content type present.
func syncContent(ctx context.Context, c conn, f SyncFilter, items []SyncItem) error {
	var entries, assets []*SyncItem
	for i := range items {
		it := &items[i]
		if it.Event != SyncPublished {
			continue
		}
		switch it.Type {
		case SyncEntry:
			entries = append(entries, it)
		case SyncAsset:
			assets = append(assets, it)
		}
	}
	if err := syncEntries(ctx, c, f, entries); err != nil {
		return err
	}
	return syncAssets(ctx, c, f, assets)
}

// pairs returns "(?, ?), (?, ?)…" for the (uid, locale) of items and the args.
func pairs(items []*SyncItem) (string, []any) {
	marks := make([]string, len(items))
	args := make([]any, 0, 2*len(items))
	for i, it := range items {
		marks[i] = "(?, ?)"
		args = append(args, it.UID, it.Locale)
	}
	return strings.Join(marks, ", "), args
}

func syncEntries(ctx context.Context, c conn, f SyncFilter, items []*SyncItem) error {
	if len(items) == 0 {
		return nil
	}
	in, pairArgs := pairs(items)
	found := map[[2]string]domain.PublishedEntry{}
	rows, err := c.query(ctx, `SELECT `+prefixed("v.", entryCols)+`, p.locale, p.published_at, p.published_by, p.source_locale
		FROM published_entries p JOIN entry_versions v ON v.api_key = p.api_key AND v.uid = p.uid AND v.locale = p.source_locale
		AND v.version = p.version WHERE p.api_key = ? AND p.environment_uid = ? AND (p.uid, p.locale) IN (`+in+`)`,
		append([]any{f.APIKey, f.Env}, pairArgs...)...)
	if err != nil {
		return wrap(err, "read synced entries")
	}
	defer rows.Close()
	for rows.Next() {
		var pe domain.PublishedEntry
		var at int64
		e, err := scanEntry(rows, &pe.Pub.Locale, &at, &pe.Pub.PublishedBy, &pe.Pub.SourceLocale)
		if err != nil {
			return wrap(err, "scan synced entry")
		}
		pe.Entry = e
		pe.Pub.UID, pe.Pub.ContentType, pe.Pub.Environment, pe.Pub.Version, pe.Pub.PublishedAt = e.UID, e.ContentType, f.Env, e.Version, fromMS(at)
		found[[2]string{e.UID, pe.Pub.Locale}] = pe
	}
	if err := rows.Err(); err != nil {
		return wrap(err, "read synced entries")
	}
	rows.Close()
	schemas := map[string][]domain.Field{}
	for _, it := range items {
		pe, ok := found[[2]string{it.UID, it.Locale}]
		if !ok {
			continue // not published there any more in this snapshot: cannot happen, the log would say so
		}
		fields, ok := schemas[pe.Entry.ContentType]
		if !ok {
			if _, fields, err = entrySchema(ctx, c, f.APIKey, pe.Entry.ContentType); err != nil {
				return err
			}
			schemas[pe.Entry.ContentType] = fields
		}
		pe.Entry.Data = domain.ProjectData(fields, pe.Entry.Data)
		it.Entry = &pe
	}
	return nil
}

func syncAssets(ctx context.Context, c conn, f SyncFilter, items []*SyncItem) error {
	if len(items) == 0 {
		return nil
	}
	in, pairArgs := pairs(items)
	found := map[[2]string]domain.PublishedAsset{}
	err := scanRows(ctx, c, "synced assets", func(rows *sql.Rows) error {
		pa, err := scanPublishedAsset(rows, f.Env)
		found[[2]string{pa.Asset.UID, pa.Pub.Locale}] = pa
		return err
	}, `SELECT a.uid, a.api_key, a.is_dir, v.parent_uid, a.name, v.title, v.description, v.tags, v.filename, v.content_type,
		v.file_size, v.file_key, v.url_secret, v.version, a.created_by, v.updated_by, a.created_at, v.updated_at,
		v.width, v.height, p.locale, p.published_at, p.published_by
		FROM published_assets p JOIN assets a ON a.uid = p.asset_uid JOIN asset_versions v ON v.asset_uid = p.asset_uid AND v.version = p.version
		WHERE p.api_key = ? AND p.environment_uid = ? AND (p.asset_uid, p.locale) IN (`+in+`)`,
		append([]any{f.APIKey, f.Env}, pairArgs...)...)
	if err != nil {
		return err
	}
	for _, it := range items {
		if pa, ok := found[[2]string{it.UID, it.Locale}]; ok {
			it.Asset = &pa
		}
	}
	return nil
}

// scanRows runs q and calls scan for every row; what names it in errors.
func scanRows(ctx context.Context, c conn, what string, scan func(*sql.Rows) error, q string, args ...any) error {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return wrap(err, "read "+what)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return wrap(err, "scan "+what)
		}
	}
	return wrap(rows.Err(), "read "+what)
}
