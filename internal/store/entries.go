package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

// Entries are stored in two tables: entries holds the current version of
// each locale of each entry (what lists and queries read), entry_versions
// every version including the current one (what ?version=N, the version
// history and publishing read). Both are written in one transaction.

const entryCols = `api_key, content_type_uid, uid, locale, version, title, tags, data, created_by, updated_by, created_at, updated_at`

func scanEntry(sc interface{ Scan(...any) error }, extra ...any) (domain.Entry, error) {
	var e domain.Entry
	var tags, data string
	var created, updated int64
	dest := append([]any{&e.APIKey, &e.ContentType, &e.UID, &e.Locale, &e.Version, &e.Title, &tags, &data,
		&e.CreatedBy, &e.UpdatedBy, &created, &updated}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return e, err
	}
	e.CreatedAt, e.UpdatedAt = fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(tags), &e.Tags); err != nil {
		return e, fmt.Errorf("store: decode tags of entry %s: %w", e.UID, err)
	}
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&e.Data); err != nil {
		return e, fmt.Errorf("store: decode data of entry %s: %w", e.UID, err)
	}
	return e, nil
}

func errEntryNotFound(uid string) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeEntryNotFound, "The Entry '%s' was not found. Please try again.", uid).
		WithField("uid", "is not valid.")
}

func errNotLocalized(uid, locale string) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeEntryNotFound, "The Entry '%s' has no content in the locale '%s'.", uid, locale).
		WithField("locale", "is not a locale of this entry.")
}

// entrySchema reads a content type (locked inside a write transaction, see
// ctByUID) and its schema with embedded global fields expanded.
func entrySchema(ctx context.Context, c conn, apiKey, ctUID string) (domain.ContentType, []domain.Field, error) {
	if v := viewOf(ctx, c, apiKey); v != nil {
		return v.schema(ctx, c, ctUID)
	}
	return loadSchema(ctx, c, apiKey, ctUID)
}

// loadSchema is entrySchema read from the database.
func loadSchema(ctx context.Context, c conn, apiKey, ctUID string) (domain.ContentType, []domain.Field, error) {
	ct, err := ctByUID(ctx, c, apiKey, ctUID)
	if err != nil {
		return ct, nil, err
	}
	if len(domain.EmbeddedGlobalFields(ct.Schema)) == 0 {
		return ct, ct.Schema, nil
	}
	gfs, err := globalFieldSchemas(ctx, c, apiKey)
	if err != nil {
		return ct, nil, err
	}
	return ct, domain.Expand(ct.Schema, gfs), nil
}

// entryLocales returns the content type of entry uid and the locales it
// has content in; none when the entry does not exist.
func entryLocales(ctx context.Context, c conn, apiKey, uid string) (string, []string, error) {
	rows, err := c.query(ctx, `SELECT content_type_uid, locale FROM entries WHERE api_key = ? AND uid = ? ORDER BY locale`, apiKey, uid)
	if err != nil {
		return "", nil, fmt.Errorf("store: find entry %s: %w", uid, err)
	}
	defer rows.Close()
	var ct string
	var locales []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&ct, &l); err != nil {
			return "", nil, fmt.Errorf("store: scan entry locale: %w", err)
		}
		locales = append(locales, l)
	}
	return ct, locales, rows.Err()
}

// entryIn returns the locales of entry uid, which must belong to ctUID.
func entryIn(ctx context.Context, c conn, apiKey, ctUID, uid string) ([]string, error) {
	ct, have, err := entryLocales(ctx, c, apiKey, uid)
	if err != nil {
		return nil, err
	}
	if len(have) == 0 || ct != ctUID {
		return nil, errEntryNotFound(uid)
	}
	return have, nil
}

// entryOf checks that content type ctUID exists (118 otherwise; its row
// is locked inside a write transaction) and holds entry uid (141), and
// returns the entry's locales. With a locale, the entry must have content
// there (141).
func entryOf(ctx context.Context, c conn, apiKey, ctUID, uid, locale string) ([]string, error) {
	if _, err := ctByUID(ctx, c, apiKey, ctUID); err != nil {
		return nil, err
	}
	have, err := entryIn(ctx, c, apiKey, ctUID, uid)
	if err != nil {
		return nil, err
	}
	if locale != "" && !slices.Contains(have, locale) {
		return nil, errNotLocalized(uid, locale)
	}
	return have, nil
}

// entryRow reads the current content of one locale of an entry (locked
// inside a write transaction).
func entryRow(ctx context.Context, c conn, apiKey, uid, locale string) (domain.Entry, error) {
	e, err := scanEntry(c.row(ctx, `SELECT `+entryCols+` FROM entries WHERE api_key = ? AND uid = ? AND locale = ?`+c.lock(),
		apiKey, uid, locale))
	if errors.Is(err, sql.ErrNoRows) {
		return e, errNotLocalized(uid, locale)
	}
	if err != nil {
		return e, fmt.Errorf("store: read entry %s: %w", uid, err)
	}
	return e, nil
}

// localeChain is the list of locales a read in locale falls back through.
func localeChain(ctx context.Context, c conn, apiKey, locale, master string) ([]string, error) {
	fallbacks, err := localeFallbacks(ctx, c, apiKey, master)
	if err != nil {
		return nil, err
	}
	return domain.FallbackChain(locale, master, fallbacks), nil
}

// EntryRead names one entry to read: in Locale, or with Fallback in the
// first locale of Locale's fallback chain the entry has content in; at
// its current version, or at Version when it is above 0.
type EntryRead struct {
	APIKey      string
	ContentType string
	UID         string
	Locale      string
	Master      string
	Fallback    bool
	Version     int
}

// EntryFields returns the schema of content type ctUID with its global
// fields expanded (118 when there is no such content type).
func (s *Store) EntryFields(ctx context.Context, apiKey, ctUID string) ([]domain.Field, error) {
	_, fields, err := entrySchema(ctx, s.read(), apiKey, ctUID)
	return fields, err
}

// Entry reads one entry. Its data shows only the fields of the current
// schema. An unknown content type is a 422 with code 118; an entry that
// does not exist in it, or has no content in the locale, or no such
// version, is a 422 with code 141.
func (s *Store) Entry(ctx context.Context, r EntryRead) (domain.Entry, error) {
	c := s.read()
	_, fields, err := entrySchema(ctx, c, r.APIKey, r.ContentType)
	if err != nil {
		return domain.Entry{}, err
	}
	if err := checkLocale(ctx, c, r.APIKey, r.Locale, r.Master); err != nil {
		return domain.Entry{}, err
	}
	rows, err := entryRows(ctx, c, r.APIKey, r.UID)
	if err != nil {
		return domain.Entry{}, err
	}
	if len(rows) == 0 || rows[0].ContentType != r.ContentType {
		return domain.Entry{}, errEntryNotFound(r.UID)
	}
	chain := []string{r.Locale}
	if r.Fallback {
		if chain, err = localeChain(ctx, c, r.APIKey, r.Locale, r.Master); err != nil {
			return domain.Entry{}, err
		}
	}
	var e domain.Entry
	i := slices.IndexFunc(chain, func(l string) bool {
		j := slices.IndexFunc(rows, func(e domain.Entry) bool { return e.Locale == l })
		if j >= 0 {
			e = rows[j]
		}
		return j >= 0
	})
	if i < 0 {
		return domain.Entry{}, errNotLocalized(r.UID, r.Locale)
	}
	if r.Version > 0 {
		if e, err = entryVersion(ctx, c, r.APIKey, r.UID, chain[i], r.Version); err != nil {
			return e, err
		}
	}
	e.Data = domain.ProjectData(fields, e.Data)
	return e, nil
}

// entryRows reads the current content of every locale of an entry in one
// statement (a read needs them all to pick its locale or fallback).
func entryRows(ctx context.Context, c conn, apiKey, uid string) ([]domain.Entry, error) {
	rows, err := c.query(ctx, `SELECT `+entryCols+` FROM entries WHERE api_key = ? AND uid = ? ORDER BY locale`, apiKey, uid)
	if err != nil {
		return nil, fmt.Errorf("store: read entry %s: %w", uid, err)
	}
	defer rows.Close()
	var out []domain.Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EntryFilter selects one page of a content type's entries in a locale.
// With Fallback, entries without content in Locale appear in the first
// locale of its fallback chain they have content in.
type EntryFilter struct {
	APIKey      string
	ContentType string
	Locale      string
	Master      string
	Fallback    bool
	Query       query.Node
	Asc, Desc   string
	Skip, Limit int
	Count       bool
	CountOnly   bool
}

var entrySystemCols = withCols(map[string]query.Field{
	"title":  {Column: "title", Kind: query.Text},
	"locale": {Column: "locale", Kind: query.Text},
})

// entryResolver maps the paths of a query on entries: system fields to
// their columns (of rows aliased alias), tags to its JSON column, schema
// fields to their path in data.
func entryResolver(alias string, fields []domain.Field) query.Resolver {
	return func(path string) (query.Field, error) {
		if f, ok := entrySystemCols[path]; ok {
			f.Column = alias + "." + f.Column
			return f, nil
		}
		if path == "tags" {
			return query.Field{Column: alias + ".tags", Kind: query.JSON}, nil
		}
		steps, ok := domain.SchemaPath(fields, path)
		if !ok {
			return query.Field{}, query.Invalid("%q is not a field of this content type.", path)
		}
		f := query.Field{Column: alias + ".data", Kind: query.JSON}
		for _, st := range steps {
			f.Steps = append(f.Steps, query.Step{Key: st.Key, Array: st.Array})
		}
		return f, nil
	}
}

// Entries returns one page of entries (most recently updated first unless
// f sorts) and, when asked, how many match. The query runs in SQL.
func (s *Store) Entries(ctx context.Context, f EntryFilter) ([]domain.Entry, int, error) {
	c := s.read()
	_, fields, err := entrySchema(ctx, c, f.APIKey, f.ContentType)
	if err != nil {
		return nil, 0, err
	}
	if err := checkLocale(ctx, c, f.APIKey, f.Locale, f.Master); err != nil {
		return nil, 0, err
	}
	chain := []string{f.Locale}
	if f.Fallback {
		if chain, err = localeChain(ctx, c, f.APIKey, f.Locale, f.Master); err != nil {
			return nil, 0, err
		}
	}
	q, terms, termArgs := f.Query, "", []any(nil)
	if len(chain) == 1 {
		terms, termArgs, q = termFilter(f.Query, fields, f.APIKey, f.ContentType, f.Locale)
	}
	lf := ListFilter{Query: q, Asc: f.Asc, Desc: f.Desc}
	rr := newRefResolver(ctx, c, readScope{apiKey: f.APIKey, chain: chain})
	where, whereArgs, order, err := c.filter(lf, rr.resolver("e", fields), "e.updated_at DESC", "e.uid ASC")
	if err != nil {
		return nil, 0, err
	}
	from, fromArgs := entrySource(f.APIKey, f.ContentType, chain)
	skip := f.Skip
	if deepPage(f, chain) {
		from, fromArgs = deepPageSource(f)
		skip = 0
	}
	if len(chain) > 1 {
		where = "e.fallback_rank = 1 AND (" + where + ")"
	} else if terms != "" {
		where, whereArgs = terms+" AND ("+where+")", append(termArgs, whereArgs...)
	}
	out := []domain.Entry{}
	total, err := c.page(ctx, pageQuery{cols: prefixed("e.", entryCols), from: from, where: where,
		args: append(fromArgs, whereArgs...), order: order, skip: skip, limit: f.Limit, count: f.Count, countOnly: f.CountOnly},
		func(rows *sql.Rows) error {
			e, err := scanEntry(rows)
			e.Data = domain.ProjectData(fields, e.Data)
			out = append(out, e)
			return err
		})
	return out, total, err
}

// entrySource is the FROM of an entry list, aliased e: the rows of one
// locale, or for a fallback chain the rows of all its locales ranked by
// their place in it (fallback_rank 1 is the row an entry is read in).
func entrySource(apiKey, ctUID string, chain []string) (string, []any) {
	if len(chain) == 1 {
		return `(SELECT * FROM entries WHERE api_key = ? AND content_type_uid = ? AND locale = ?) e`, []any{apiKey, ctUID, chain[0]}
	}
	var rank strings.Builder
	args := make([]any, 0, 2*len(chain)+2)
	for i, l := range chain {
		fmt.Fprintf(&rank, " WHEN ? THEN %d", i)
		args = append(args, l)
	}
	args = append(args, apiKey, ctUID)
	for _, l := range chain {
		args = append(args, l)
	}
	return `(SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.uid ORDER BY CASE x.locale` + rank.String() + ` END) AS fallback_rank
		FROM entries x WHERE x.api_key = ? AND x.content_type_uid = ? AND x.locale IN (` + placeholders(len(chain)) + `)) e`, args
}

// LocaleStatus says whether an entry has content of its own in a locale.
type LocaleStatus struct {
	Code      string
	Localized bool
}

// EntryLocales lists the stack's locales and whether the entry is
// localized in each.
func (s *Store) EntryLocales(ctx context.Context, st domain.Stack, ctUID, uid string) ([]LocaleStatus, error) {
	if err := s.ensureMasterLocale(ctx, st); err != nil {
		return nil, err
	}
	c := s.read()
	have, err := entryOf(ctx, c, st.APIKey, ctUID, uid, "")
	if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, `SELECT code FROM locales WHERE api_key = ? ORDER BY created_at, code`, st.APIKey)
	if err != nil {
		return nil, fmt.Errorf("store: list locales: %w", err)
	}
	defer rows.Close()
	out := []LocaleStatus{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, fmt.Errorf("store: scan locale: %w", err)
		}
		out = append(out, LocaleStatus{Code: code, Localized: slices.Contains(have, code)})
	}
	return out, rows.Err()
}

// deepPageFrom is the skip from which a page in the default order is read
// through deepPageSource.
const deepPageFrom = 1000

// deepPage reports whether f asks for a page far into a plain list: no
// query, the default order, one locale, no count.
func deepPage(f EntryFilter, chain []string) bool {
	return f.Skip >= deepPageFrom && f.Query == nil && f.Asc == "" && f.Desc == "" && len(chain) == 1 && !f.Count && !f.CountOnly
}

// deepPageSource is the FROM of such a page: the uids of the page found
// by walking the entries_page index alone (skip and limit applied there),
// then only those rows read. Without it the engine read every skipped row.
func deepPageSource(f EntryFilter) (string, []any) {
	return `(SELECT x.* FROM entries x WHERE x.api_key = ? AND x.content_type_uid = ? AND x.locale = ? AND x.uid IN (
		SELECT p.uid FROM entries p WHERE p.api_key = ? AND p.content_type_uid = ? AND p.locale = ?
		ORDER BY p.updated_at DESC, p.uid ASC LIMIT ? OFFSET ?)) e`,
		[]any{f.APIKey, f.ContentType, f.Locale, f.APIKey, f.ContentType, f.Locale, f.Limit, f.Skip}
}
