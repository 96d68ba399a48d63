package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

// The Content Delivery API reads what is published: published_entries
// (published_assets) joined with the version each row names. Nothing else
// is visible there: not an entry never published, not a later edit.

// DeliveryFilter selects what one environment serves in a locale: a page
// of a content type's entries (or of the stack's assets), or with UID one
// of them. With Fallback, items not published in Locale appear as
// published in the first locale of its fallback chain they are published in.
// Chain, when set (DeliveryChain), is that list of locales, so that the
// reads of one request look it up once.
type DeliveryFilter struct {
	APIKey      string
	Environment string // environment uid
	ContentType string // entries
	Locale      string
	Master      string
	Fallback    bool
	Chain       []string
	UID         string // one item
	Query       query.Node
	Asc, Desc   string
	Skip, Limit int
	Count       bool
	CountOnly   bool
}

// rankedLocales is the SQL ranking a row's published locale by its place in
// chain (fallback_rank 1 is the row an item is served from) and the args.
func rankedLocales(col, partition string, chain []string) (string, []any) {
	if len(chain) == 1 {
		// One locale: an item has one row there, so no ranking is needed,
		// and without a window function the engine can push the outer
		// filter, order and limit into the subquery and use indexes.
		return "1 AS fallback_rank", nil
	}
	var b strings.Builder
	args := make([]any, 0, len(chain))
	b.WriteString("ROW_NUMBER() OVER (PARTITION BY " + partition + " ORDER BY CASE " + col)
	for i, l := range chain {
		fmt.Fprintf(&b, " WHEN ? THEN %d", i)
		args = append(args, l)
	}
	b.WriteString(" END) AS fallback_rank")
	return b.String(), args
}

// DeliveryChain checks f's locale (a 422 when the stack has no such
// language) and returns the locales a read of f looks in: the locale, or
// with Fallback its fallback chain.
func (s *Store) DeliveryChain(ctx context.Context, f DeliveryFilter) ([]string, error) {
	f.Chain = nil
	return deliveryChain(ctx, s.read(), f)
}

// deliveryChain is f.Chain, or the locales a delivery read looks in.
func deliveryChain(ctx context.Context, c conn, f DeliveryFilter) ([]string, error) {
	if len(f.Chain) > 0 {
		return f.Chain, nil
	}
	if err := checkLocale(ctx, c, f.APIKey, f.Locale, f.Master); err != nil {
		return nil, err
	}
	if !f.Fallback {
		return []string{f.Locale}, nil
	}
	return localeChain(ctx, c, f.APIKey, f.Locale, f.Master)
}

// scope is the read scope of f: its environment's published entries, or
// the current versions when f names no environment.
func (f DeliveryFilter) scope(chain []string) readScope {
	return readScope{apiKey: f.APIKey, env: f.Environment, chain: chain}
}

const pubCols = `pub_locale, published_at, published_by`

// DeliveryEntries returns one page of the entries f selects, at their
// published versions, and how many match when asked. The query runs in
// SQL against the published content; $in_query subqueries run against
// the entries published in the same environment and locales. An unknown
// content type is a 422 with code 118, an unknown locale a 422.
func (s *Store) DeliveryEntries(ctx context.Context, f DeliveryFilter) ([]domain.PublishedEntry, int, error) {
	c := s.read()
	_, fields, err := entrySchema(ctx, c, f.APIKey, f.ContentType)
	if err != nil {
		return nil, 0, err
	}
	chain, err := deliveryChain(ctx, c, f)
	if err != nil {
		return nil, 0, err
	}
	sc := f.scope(chain)
	rr := newRefResolver(ctx, c, sc)
	rr.schemas[f.ContentType] = fields
	where, whereArgs, order, err := c.filter(ListFilter{Query: f.Query, Asc: f.Asc, Desc: f.Desc}, rr.resolver("e", fields),
		"e.updated_at DESC", "e.uid ASC")
	if err != nil {
		return nil, 0, err
	}
	n := entryNarrow{contentTypes: []string{f.ContentType}}
	if f.UID != "" {
		n.uids = jsonArg([]string{f.UID}) // a read of one entry names it inside, where the window partitions
	}
	from, args, keep := sc.source(c.d, "e", n)
	where = keep + " AND (" + where + ")"
	out := []domain.PublishedEntry{}
	total, err := c.page(ctx, pageQuery{cols: prefixed("e.", entryCols+", "+pubCols), from: from, where: where,
		args: append(args, whereArgs...), order: order, skip: f.Skip, limit: f.Limit, count: f.Count, countOnly: f.CountOnly},
		func(rows *sql.Rows) error {
			pe, err := scanPublished(rows, f.Environment)
			pe.Entry.Data = domain.ProjectData(fields, pe.Entry.Data)
			out = append(out, pe)
			return err
		})
	return out, total, err
}

// scanPublished reads a row of entryCols and pubCols.
func scanPublished(rows scanner, env string) (domain.PublishedEntry, error) {
	var pe domain.PublishedEntry
	var at int64
	pe.Pub.Environment = env
	e, err := scanEntry(rows, &pe.Pub.Locale, &at, &pe.Pub.PublishedBy)
	if err != nil {
		return pe, err
	}
	pe.Entry = e
	pe.Pub.UID, pe.Pub.ContentType, pe.Pub.SourceLocale, pe.Pub.Version, pe.Pub.PublishedAt = e.UID, e.ContentType, e.Locale, e.Version, fromMS(at)
	return pe, nil
}

// DeliveryEntry returns the entry f.UID as f's environment serves it; one
// not published there (in the locale, or with Fallback its chain) is a 422
// with code 141.
func (s *Store) DeliveryEntry(ctx context.Context, f DeliveryFilter) (domain.PublishedEntry, error) {
	f.Skip, f.Limit, f.Count, f.CountOnly, f.Query, f.Asc, f.Desc = 0, 1, false, false, nil, "", ""
	items, _, err := s.DeliveryEntries(ctx, f)
	if err != nil {
		return domain.PublishedEntry{}, err
	}
	if len(items) == 0 {
		return domain.PublishedEntry{}, errEntryNotFound(f.UID)
	}
	return items[0], nil
}

// deliveryAssetCols are the fields a delivery query on assets may test and sort by.
var deliveryAssetCols = withCols(map[string]query.Field{
	"title":        {Column: "title", Kind: query.Text},
	"filename":     {Column: "filename", Kind: query.Text},
	"description":  {Column: "description", Kind: query.Text},
	"content_type": {Column: "content_type", Kind: query.Text},
	"parent_uid":   {Column: "parent_uid", Kind: query.Text},
	"file_size":    {Column: "file_size", Kind: query.Number},
	"tags":         {Column: "tags", Kind: query.JSON},
})

// DeliveryAssets returns one page of the assets f's environment serves in
// its locale, at their published versions, and how many match when asked.
func (s *Store) DeliveryAssets(ctx context.Context, f DeliveryFilter) ([]domain.PublishedAsset, int, error) {
	c := s.read()
	chain, err := deliveryChain(ctx, c, f)
	if err != nil {
		return nil, 0, err
	}
	where, whereArgs, order, err := c.filter(ListFilter{Query: f.Query, Asc: f.Asc, Desc: f.Desc}, columns("x.", deliveryAssetCols),
		"x.created_at ASC", "x.uid ASC")
	if err != nil {
		return nil, 0, err
	}
	from, args := publishedAssetSource(c.d, f, chain, "")
	where = "x.fallback_rank = 1 AND (" + where + ")"
	if f.UID != "" {
		where, whereArgs = "x.uid = ? AND "+where, append([]any{f.UID}, whereArgs...)
	}
	return s.deliveryAssetPage(ctx, c, f, pageQuery{from: from, where: where, args: append(args, whereArgs...), order: order,
		skip: f.Skip, limit: f.Limit, count: f.Count, countOnly: f.CountOnly})
}

// publishedAssetSource is the FROM item (aliased x) of the assets f's
// environment serves in the locales of chain, ranked by their place in it;
// uids, when set, narrows it to the assets of a JSON array of uids.
func publishedAssetSource(d *dialect, f DeliveryFilter, chain []string, uids string) (string, []any) {
	rank, args := rankedLocales("p.locale", "p.asset_uid", chain)
	from := `(SELECT a.uid, a.api_key, a.is_dir, v.parent_uid, a.name, v.title, v.description, v.tags, v.filename, v.content_type,
		v.file_size, v.file_key, v.url_secret, v.version, a.created_by, v.updated_by, a.created_at, v.updated_at,
		v.width, v.height, p.locale AS pub_locale, p.published_at, p.published_by, ` + rank + `
		FROM published_assets p JOIN assets a ON a.uid = p.asset_uid JOIN asset_versions v ON v.asset_uid = p.asset_uid AND v.version = p.version
		WHERE p.api_key = ? AND p.environment_uid = ? AND p.locale IN (` + placeholders(len(chain)) + `)`
	args = append(args, f.APIKey, f.Environment)
	for _, l := range chain {
		args = append(args, l)
	}
	if uids != "" {
		from += ` AND p.asset_uid IN (` + d.jsonValues() + `)`
		args = append(args, uids)
	}
	return from + `) x`, args
}

// DeliveryAssetsByUID returns, by uid, the assets among uids that f's
// environment serves in its locale (or fallback chain): the versions
// published there. It costs one query whatever the number of uids.
func (s *Store) DeliveryAssetsByUID(ctx context.Context, f DeliveryFilter, uids []string) (map[string]domain.PublishedAsset, error) {
	out := map[string]domain.PublishedAsset{}
	if len(uids) == 0 {
		return out, nil
	}
	c := s.read()
	chain, err := deliveryChain(ctx, c, f)
	if err != nil {
		return nil, err
	}
	from, args := publishedAssetSource(c.d, f, chain, jsonArg(uids))
	items, _, err := s.deliveryAssetPage(ctx, c, f, pageQuery{from: from, where: "x.fallback_rank = 1", args: args,
		order: "x.uid", limit: len(uids)})
	for _, pa := range items {
		out[pa.Asset.UID] = pa
	}
	return out, err
}

// deliveryAssetPage runs q (its from and where) over the published assets of f.
func (s *Store) deliveryAssetPage(ctx context.Context, c conn, f DeliveryFilter, q pageQuery) ([]domain.PublishedAsset, int, error) {
	q.cols = prefixed("x.", assetCols+", "+dimCols+", "+pubCols)
	out := []domain.PublishedAsset{}
	total, err := c.page(ctx, q,
		func(rows *sql.Rows) error {
			pa, err := scanPublishedAsset(rows, f.Environment)
			out = append(out, pa)
			return err
		})
	return out, total, err
}

// scanPublishedAsset reads a row of assetCols, dimCols and pubCols: an
// asset as environment env serves it.
func scanPublishedAsset(sc scanner, env string) (domain.PublishedAsset, error) {
	var pa domain.PublishedAsset
	var tags string
	var created, updated, at int64
	a := &pa.Asset
	err := sc.Scan(&a.UID, &a.APIKey, &a.IsDir, &a.ParentUID, &a.Name, &a.Title, &a.Description, &tags, &a.Filename,
		&a.ContentType, &a.FileSize, &a.FileKey, &a.URLSecret, &a.Version, &a.CreatedBy, &a.UpdatedBy, &created, &updated,
		&a.Width, &a.Height, &pa.Pub.Locale, &at, &pa.Pub.PublishedBy)
	a.Tags, a.CreatedAt, a.UpdatedAt = decodeTags(tags), fromMS(created), fromMS(updated)
	pa.Pub.UID, pa.Pub.Environment, pa.Pub.Version, pa.Pub.PublishedAt = a.UID, env, a.Version, fromMS(at)
	return pa, err
}

// DeliveryAsset returns the asset f.UID as f's environment serves it; one
// not published there is a 422.
func (s *Store) DeliveryAsset(ctx context.Context, f DeliveryFilter) (domain.PublishedAsset, error) {
	f.Skip, f.Limit, f.Count, f.CountOnly, f.Query, f.Asc, f.Desc = 0, 1, false, false, nil, "", ""
	items, _, err := s.DeliveryAssets(ctx, f)
	if err != nil {
		return domain.PublishedAsset{}, err
	}
	if len(items) == 0 {
		return domain.PublishedAsset{}, errAssetNotFound()
	}
	return items[0], nil
}

// EntryPublications returns where the entries uids are published, for
// publish_details on CMA reads.
func (s *Store) EntryPublications(ctx context.Context, apiKey string, uids []string) ([]domain.Publication, error) {
	if len(uids) == 0 {
		return []domain.Publication{}, nil
	}
	args := []any{apiKey}
	for _, u := range uids {
		args = append(args, u)
	}
	return queryList(ctx, s.read(), "publications", func(sc scanner) (domain.Publication, error) {
		var p domain.Publication
		var at int64
		err := sc.Scan(&p.UID, &p.ContentType, &p.Locale, &p.SourceLocale, &p.Environment, &p.Version, &at, &p.PublishedBy)
		p.PublishedAt = fromMS(at)
		return p, err
	}, `SELECT uid, content_type_uid, locale, source_locale, environment_uid, version, published_at, published_by
		FROM published_entries WHERE api_key = ? AND uid IN (`+placeholders(len(uids))+`) ORDER BY uid, locale, published_at, environment_uid`, args...)
}

// AssetPublications returns where the assets uids are published (every
// locale and environment), for publish_details on CMA asset reads.
func (s *Store) AssetPublications(ctx context.Context, apiKey string, uids []string) ([]domain.Publication, error) {
	if len(uids) == 0 {
		return []domain.Publication{}, nil
	}
	args := []any{apiKey}
	for _, u := range uids {
		args = append(args, u)
	}
	return queryList(ctx, s.read(), "asset publications", func(sc scanner) (domain.Publication, error) {
		var p domain.Publication
		var at int64
		err := sc.Scan(&p.UID, &p.Locale, &p.Environment, &p.Version, &at, &p.PublishedBy)
		p.PublishedAt = fromMS(at)
		return p, err
	}, `SELECT asset_uid, locale, environment_uid, version, published_at, published_by
		FROM published_assets WHERE api_key = ? AND asset_uid IN (`+placeholders(len(uids))+`)
		ORDER BY asset_uid, published_at, environment_uid, locale`, args...)
}
