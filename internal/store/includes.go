package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

// Included is what ResolveIncludes found: the entries that the include
// paths reach, as the read's scope serves them, and the schemas needed to
// show them and their roots.
type Included struct {
	// Entries are the referenced entries by uid. An entry the scope does
	// not serve (not published there, deleted, not in the locales) is
	// absent: its references are left out when shown. On the CMA (no
	// environment) Pub is zero.
	Entries map[string]domain.PublishedEntry
	// Fields are the expanded schemas of the roots' content types and of
	// every content type in Entries, by content type uid.
	Fields map[string][]domain.Field
}

// ResolveIncludes finds the entries that the include paths inc reach from
// roots (entries of any content types, with their stored data), level by
// level up to domain.MaxIncludeDepth references deep, as f's scope serves
// them: published to f.Environment, or the current versions when it is
// empty; in f's locale or, with Fallback, its chain (f.Chain when set).
//
// It costs a bounded number of queries whatever the number of roots and
// references: one for the schemas of the roots, then per level one for the
// entries and one for the schemas of content types not seen yet, and at
// most one for the global fields, so at most 2 + 2×MaxIncludeDepth (and
// up to two more for the locale chain when f.Chain is not set). More than
// domain.MaxIncludedObjects referenced entries is a 422.
func (s *Store) ResolveIncludes(ctx context.Context, f DeliveryFilter, roots []domain.Entry, inc domain.Includes) (Included, error) {
	out := Included{Entries: map[string]domain.PublishedEntry{}, Fields: map[string][]domain.Field{}}
	c := s.read()
	res := &includeResolver{ctx: ctx, c: c, apiKey: f.APIKey, out: out}
	cts := make([]string, 0, 1)
	for _, e := range roots {
		cts = append(cts, e.ContentType)
	}
	if err := res.loadSchemas(cts); err != nil || len(inc) == 0 || len(roots) == 0 {
		return out, err
	}
	chain := f.Chain
	if len(chain) == 0 {
		var err error
		if chain, err = deliveryChain(ctx, c, f); err != nil {
			return out, err
		}
	}
	res.scope = f.scope(chain)
	frontier := make([]visit, 0, len(roots))
	for _, e := range roots {
		frontier = append(frontier, visit{data: e.Data, ct: e.ContentType, inc: inc})
	}
	for depth := 1; depth <= domain.MaxIncludeDepth && len(frontier) > 0; depth++ {
		next, err := res.level(frontier)
		if err != nil {
			return out, err
		}
		frontier = next
	}
	return out, nil
}

// visit is an entry's data to walk with the include paths inc.
type visit struct {
	data map[string]any
	ct   string
	inc  domain.Includes
}

type includeResolver struct {
	ctx    context.Context
	c      conn
	apiKey string
	scope  readScope
	out    Included
	gfs    map[string][]domain.Field // global field schemas, read once when needed
}

// level reads the entries the frontier's references point to and returns
// the visits of the next level: each referenced entry with the paths that
// continue in it (an entry reached by several paths is visited once per
// distinct continuation).
func (r *includeResolver) level(frontier []visit) ([]visit, error) {
	want := map[string]map[string]domain.Includes{} // uid → continuations by key
	var order []string
	for _, v := range frontier {
		domain.WalkIncludes(r.out.Fields[v.ct], v.data, v.inc, func(_ string, _ domain.Field, below domain.Includes, val any) any {
			for _, t := range domain.RefTargets(val) {
				if want[t.UID] == nil {
					want[t.UID] = map[string]domain.Includes{}
					order = append(order, t.UID)
				}
				want[t.UID][below.Key()] = below
			}
			return val
		})
	}
	var missing []string
	for _, uid := range order {
		if _, ok := r.out.Entries[uid]; !ok {
			missing = append(missing, uid)
		}
	}
	if len(r.out.Entries)+len(missing) > domain.MaxIncludedObjects {
		return nil, domain.ErrInvalid("include", fmt.Sprintf("reaches more than %d referenced entries; include fewer paths or ask for fewer entries (limit).",
			domain.MaxIncludedObjects))
	}
	if err := r.fetch(missing); err != nil {
		return nil, err
	}
	var next []visit
	for _, uid := range order {
		pe, ok := r.out.Entries[uid]
		if !ok {
			continue
		}
		for _, below := range want[uid] {
			if len(below) > 0 {
				next = append(next, visit{data: pe.Entry.Data, ct: pe.Entry.ContentType, inc: below})
			}
		}
	}
	return next, nil
}

// fetch reads the entries uids as the scope serves them (one query), then
// the schemas of their content types not read yet, and keeps in each only
// the fields of its current schema.
func (r *includeResolver) fetch(uids []string) error {
	if len(uids) == 0 {
		return nil
	}
	from, args, keep := r.scope.source(r.c.d, "e", entryNarrow{uids: jsonArg(uids)})
	cols := prefixed("e.", entryCols)
	if r.scope.env != "" {
		cols += ", " + prefixed("e.", pubCols)
	}
	rows, err := r.c.q.QueryContext(r.ctx, r.c.dynamic("SELECT "+cols+" FROM "+from+" WHERE "+keep), args...)
	if err != nil {
		return fmt.Errorf("store: read referenced entries: %w", err)
	}
	found, err := r.scan(rows)
	if err != nil {
		return err
	}
	cts := make([]string, 0, len(found))
	for _, pe := range found {
		cts = append(cts, pe.Entry.ContentType)
	}
	if err := r.loadSchemas(cts); err != nil {
		return err
	}
	for _, pe := range found {
		pe.Entry.Data = domain.ProjectData(r.out.Fields[pe.Entry.ContentType], pe.Entry.Data)
		r.out.Entries[pe.Entry.UID] = pe
	}
	return nil
}

func (r *includeResolver) scan(rows *sql.Rows) ([]domain.PublishedEntry, error) {
	defer rows.Close()
	var found []domain.PublishedEntry
	for rows.Next() {
		var pe domain.PublishedEntry
		var err error
		if r.scope.env != "" {
			pe, err = scanPublished(rows, r.scope.env)
		} else {
			pe.Entry, err = scanEntry(rows)
		}
		if err != nil {
			return nil, fmt.Errorf("store: scan referenced entry: %w", err)
		}
		found = append(found, pe)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: read referenced entries: %w", err)
	}
	return found, nil
}

// loadSchemas reads, in one query, the schemas of the content types among
// cts not read yet, expanding global fields (read once, when a schema
// embeds one). A content type that no longer exists gets an empty schema.
func (r *includeResolver) loadSchemas(cts []string) error {
	var missing []string
	for _, ct := range cts {
		if _, ok := r.out.Fields[ct]; !ok {
			r.out.Fields[ct] = nil
			missing = append(missing, ct)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	list, err := queryList(r.ctx, r.c, "content types", func(sc scanner) (domain.ContentType, error) { return scanCT(sc) },
		`SELECT `+ctCols+` FROM content_types WHERE api_key = ? AND uid IN (`+r.c.d.jsonValues()+`)`, r.apiKey, jsonArg(missing))
	if err != nil {
		return err
	}
	for _, ct := range list {
		fields := ct.Schema
		if len(domain.EmbeddedGlobalFields(fields)) > 0 {
			if r.gfs == nil {
				if r.gfs, err = globalFieldSchemas(r.ctx, r.c, r.apiKey); err != nil {
					return err
				}
			}
			fields = domain.Expand(fields, r.gfs)
		}
		r.out.Fields[ct.UID] = fields
	}
	return nil
}
