package query_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

// fuzzSchema has a field of every kind a query can reach into: columns,
// groups (single and multiple), blocks, references, links, JSON.
const fuzzSchema = `[
	{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
	{"display_name":"Pages","uid":"pages","data_type":"number"},
	{"display_name":"Published","uid":"published","data_type":"boolean"},
	{"display_name":"Released","uid":"released","data_type":"isodate"},
	{"display_name":"Keywords","uid":"keywords","data_type":"text","multiple":true},
	{"display_name":"Author","uid":"author","data_type":"group","schema":[
		{"display_name":"Name","uid":"name","data_type":"text"},{"display_name":"Age","uid":"age","data_type":"number"}]},
	{"display_name":"Editors","uid":"editors","data_type":"group","multiple":true,"schema":[
		{"display_name":"Name","uid":"name","data_type":"text"},
		{"display_name":"Links","uid":"links","data_type":"link","multiple":true}]},
	{"display_name":"Sections","uid":"sections","data_type":"blocks","blocks":[
		{"title":"Hero","uid":"hero","schema":[{"display_name":"Heading","uid":"heading","data_type":"text"},
			{"display_name":"Cards","uid":"cards","data_type":"group","multiple":true,"schema":[
				{"display_name":"Rank","uid":"rank","data_type":"number"}]}]}]},
	{"display_name":"Related","uid":"related","data_type":"reference","reference_to":["book","author"]},
	{"display_name":"Site","uid":"site","data_type":"link"},
	{"display_name":"Meta","uid":"meta","data_type":"json"}]`

// fuzzResolver resolves paths as the entry list does: system fields to
// their columns, the rest through the schema into the data column.
func fuzzResolver(t testing.TB) query.Resolver {
	fields, err := domain.ParseSchema(json.RawMessage(fuzzSchema))
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]query.Field{
		"title": {Column: "e.title", Kind: query.Text}, "locale": {Column: "e.locale", Kind: query.Text},
		"uid": {Column: "e.uid", Kind: query.Text}, "_version": {Column: "e.version", Kind: query.Number},
		"created_at": {Column: "e.created_at", Kind: query.Time}, "updated_at": {Column: "e.updated_at", Kind: query.Time},
		"fallback_locale": {Column: "l.fallback", Kind: query.Text, EmptyIsNull: true},
		"tags":            {Column: "e.tags", Kind: query.JSON},
	}
	return func(path string) (query.Field, error) {
		if f, ok := cols[path]; ok {
			return f, nil
		}
		steps, ok := domain.SchemaPath(fields, path)
		if !ok {
			return query.Field{}, query.Invalid("%q is not a field of this content type.", path)
		}
		f := query.Field{Column: "e.data", Kind: query.JSON}
		for _, s := range steps {
			f.Steps = append(f.Steps, query.Step{Key: s.Key, Array: s.Array})
		}
		return f, nil
	}
}

// FuzzQuery: whatever a client sends as the query parameter (and as asc or
// desc), parsing and compiling for both engines never panics, every
// refusal is a 422 naming the problem under errors.query, and compiled
// SQL is well formed: one ? per argument, arguments of the types the
// drivers take, balanced parentheses and quotes, no value in the text.
func FuzzQuery(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `{"title":"Hello world"}`, `{"title":{"$ne":"x' OR 1=1 --"}}`,
		`{"pages":{"$gt":10,"$lte":500}}`, `{"pages":{"$in":[1,2.5,"3",true]}}`, `{"pages":{"$nin":[]}}`,
		`{"published":true}`, `{"published":{"$exists":false}}`, `{"published":null}`, `{"pages":{"$ne":null}}`,
		`{"released":{"$lt":"2024-02-01"}}`, `{"created_at":{"$gte":"2026-01-02T05:04:05.000Z"}}`,
		`{"updated_at":{"$in":["2024-01-01","2024-01-02T00:00:00Z"]}}`, `{"_version":{"$gt":1}}`,
		`{"keywords":{"$in":["go","sql"]}}`, `{"author.name":{"$regex":"^an","$options":"i"}}`,
		`{"editors.name":"Ed"}`, `{"editors.links.href":{"$regex":"^https://"}}`,
		`{"sections.hero.heading":"Hello"}`, `{"sections.hero.cards.rank":{"$gte":2}}`, `{"sections":{"$exists":true}}`,
		`{"related.uid":"blt123abc"}`, `{"related._content_type_uid":"book"}`, `{"site.title":"Home"}`,
		`{"meta.level.deep":2}`, `{"tags":{"$in":["x","y"]}}`, `{"fallback_locale":null}`, `{"locale":"en-us"}`,
		`{"$or":[{"title":"Alpha"},{"pages":{"$lt":10}}]}`, `{"$and":[{"author.age":30},{"pages":{"$gt":500}}]}`,
		`{"$or":[{"$and":[{"keywords":"go"},{"published":true}]},{"title":{"$regex":"a$"}}]}`,
		`{"title":{"$regex":"(["}}`, `{"nope":1}`, `{"author":{"name":"x"}}`, `{"a":1} {}`, `{"pages":1e999}`,
		`{"title":{"$in_query":{"title":"x"}}}`, `{"$nor":[{"a":1}]}`, `{"title":"\u0000"}`,
	} {
		f.Add(s, "title")
	}
	f.Add(`{"pages":{"$gt":5}}`, "-pages")
	f.Add(`{"author.name":"Ann"}`, "author.name")
	f.Add(`{"editors.name":"Ed"}`, "-editors.name")
	f.Add(`{"meta":{"$exists":true}}`, "meta.level")
	resolve := fuzzResolver(f)
	f.Fuzz(func(t *testing.T, raw, sort string) {
		n, err := query.Parse(raw)
		if err != nil {
			checkQueryError(t, "Parse", err)
			return
		}
		desc := strings.HasPrefix(sort, "-")
		sort = strings.TrimPrefix(sort, "-")
		for _, d := range []query.Dialect{{Name: "sqlite"}, {Name: "postgres"}} {
			sql, args, err := query.Compile(n, d, resolve)
			if err != nil {
				checkQueryError(t, d.Name+" Compile", err)
			} else {
				checkSQL(t, d.Name, sql, args)
			}
			order, err := query.OrderBy(sort, desc, d, resolve)
			if err != nil {
				checkQueryError(t, d.Name+" OrderBy", err)
				continue
			}
			checkSQL(t, d.Name+" order", order, nil)
		}
	})
}

func checkQueryError(t *testing.T, what string, err error) {
	t.Helper()
	e, ok := domain.AsError(err)
	if !ok || e.Kind != domain.KindInvalid || len(e.Fields["query"]) == 0 {
		t.Fatalf("%s: %v (%T); want a 422 with errors.query", what, err, err)
	}
}

// sqlAlphabet is every character compiled SQL may hold: the compiler's
// own fragments and checked field paths. A value's characters (';', '-',
// '\\', NUL…) outside it would mean the value reached the text.
const sqlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,() '?=<>~*:#${}[]\""

// checkSQL checks the shape of compiled SQL: placeholders match arguments,
// arguments are of driver types, parentheses and quotes are balanced, and
// no character comes from anywhere but the compiler and checked paths.
func checkSQL(t *testing.T, what, sql string, args []any) {
	t.Helper()
	if i := strings.IndexFunc(sql, func(r rune) bool { return !strings.ContainsRune(sqlAlphabet, r) }); i >= 0 {
		t.Fatalf("%s: unexpected character %q in %s", what, sql[i], sql)
	}
	if n := strings.Count(sql, "?"); n != len(args) {
		t.Fatalf("%s: %d placeholders for %d arguments in %s", what, n, len(args), sql)
	}
	for _, a := range args {
		switch a.(type) {
		case string, float64, int64, bool:
		default:
			t.Fatalf("%s: argument %#v of type %T", what, a, a)
		}
	}
	depth, quoted := 0, false
	for _, r := range sql {
		switch {
		case r == '\'':
			quoted = !quoted
		case quoted:
		case r == '(':
			depth++
		case r == ')':
			depth--
		}
		if depth < 0 {
			break
		}
	}
	if depth != 0 || quoted {
		t.Fatalf("%s: unbalanced parentheses or quotes in %s", what, sql)
	}
}
