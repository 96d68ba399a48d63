package store

import (
	"context"
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
	published, err := queryList(ctx, c, "synced entries", func(sc scanner) (domain.PublishedEntry, error) {
		return scanPublished(sc, f.Env)
	}, `SELECT `+prefixed("v.", entryCols)+`, p.locale, p.published_at, p.published_by
		FROM published_entries p JOIN entry_versions v ON v.api_key = p.api_key AND v.uid = p.uid AND v.locale = p.source_locale
		AND v.version = p.version WHERE p.api_key = ? AND p.environment_uid = ? AND (p.uid, p.locale) IN (`+in+`)`,
		append([]any{f.APIKey, f.Env}, pairArgs...)...)
	if err != nil {
		return err
	}
	found := make(map[[2]string]domain.PublishedEntry, len(published))
	for _, pe := range published {
		found[[2]string{pe.Entry.UID, pe.Pub.Locale}] = pe
	}
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
	assets, err := queryList(ctx, c, "synced assets", func(sc scanner) (domain.PublishedAsset, error) {
		return scanPublishedAsset(sc, f.Env)
	}, `SELECT a.uid, a.api_key, a.is_dir, v.parent_uid, a.name, v.title, v.description, v.tags, v.filename, v.content_type,
		v.file_size, v.file_key, v.url_secret, v.version, a.created_by, v.updated_by, a.created_at, v.updated_at,
		v.width, v.height, p.locale, p.published_at, p.published_by
		FROM published_assets p JOIN assets a ON a.uid = p.asset_uid JOIN asset_versions v ON v.asset_uid = p.asset_uid AND v.version = p.version
		WHERE p.api_key = ? AND p.environment_uid = ? AND (p.asset_uid, p.locale) IN (`+in+`)`,
		append([]any{f.APIKey, f.Env}, pairArgs...)...)
	if err != nil {
		return err
	}
	found := make(map[[2]string]domain.PublishedAsset, len(assets))
	for _, pa := range assets {
		found[[2]string{pa.Asset.UID, pa.Pub.Locale}] = pa
	}
	for _, it := range items {
		if pa, ok := found[[2]string{it.UID, it.Locale}]; ok {
			it.Asset = &pa
		}
	}
	return nil
}
