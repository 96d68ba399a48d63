package storetest

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
	"github.com/stackd/stackd/internal/store"
)

// bookSchema has a field of every kind the query table reaches into.
const bookSchema = `[
	{"display_name":"Title","uid":"title","data_type":"text","mandatory":true,"unique":true},
	{"display_name":"Pages","uid":"pages","data_type":"number"},
	{"display_name":"Code","uid":"code","data_type":"text"},
	{"display_name":"Published","uid":"published","data_type":"boolean"},
	{"display_name":"Released","uid":"released","data_type":"isodate"},
	{"display_name":"Keywords","uid":"keywords","data_type":"text","multiple":true},
	{"display_name":"Author","uid":"author","data_type":"group","schema":[
		{"display_name":"Name","uid":"name","data_type":"text"},{"display_name":"Age","uid":"age","data_type":"number"}]},
	{"display_name":"Editors","uid":"editors","data_type":"group","multiple":true,"schema":[
		{"display_name":"Name","uid":"name","data_type":"text"}]},
	{"display_name":"Sections","uid":"sections","data_type":"blocks","blocks":[
		{"title":"Hero","uid":"hero","schema":[{"display_name":"Heading","uid":"heading","data_type":"text"}]}]},
	{"display_name":"Related","uid":"related","data_type":"reference","reference_to":["book"]},
	{"display_name":"Meta","uid":"meta","data_type":"json"}]`

// testQueryTable runs one table of queries; every engine must give the
// same answers. {A} in a query is the uid of the entry titled Alpha.
func testQueryTable(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	if err := s.CreateContentType(ctx, newCT(st, "book", schema(t, bookSchema)), nil); err != nil {
		t.Fatal(err)
	}
	a := createEntry(t, s, st, "book", "en-us", `{"title":"Alpha","pages":100,"code":"100","published":true,"released":"2024-01-10",
		"keywords":["go","sql"],"author":{"name":"Ann","age":30},"editors":[{"name":"Eve"},{"name":"Ed"}],
		"sections":[{"hero":{"heading":"Hi"}}],"tags":["x"],"meta":{"level":2}}`, t0)
	createEntry(t, s, st, "book", "en-us", `{"title":"beta","pages":250,"code":"abc","published":false,"released":"2024-03-01",
		"keywords":["rust"],"author":{"name":"Bob","age":45},"editors":[],"tags":["x","y"],"related":[{"uid":"`+a.UID+`","_content_type_uid":"book"}]}`, t0.Add(time.Hour))
	createEntry(t, s, st, "book", "en-us", `{"title":"Gamma","pages":5,"code":"5","author":{"name":"ann"}}`, t0.Add(2*time.Hour))
	createEntry(t, s, st, "book", "en-us", `{"title":"Delta","pages":1000.5,"author":{"name":"Dora","age":30},"editors":[{"name":"Ed"}],
		"sections":[{"hero":{"heading":"Hello"}}],"meta":{"level":"2"}}`, t0.Add(3*time.Hour))
	eps := createEntry(t, s, st, "book", "en-us", `{"title":"Epsilon"}`, t0.Add(4*time.Hour))
	_, _, err := s.UpdateEntry(ctx, store.EntryWrite{APIKey: st.APIKey, ContentType: "book", UID: eps.UID, Locale: "en-us",
		Master: "en-us", Body: body(t, `{"code":"e"}`), At: t0.Add(5 * time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"Alpha", "beta", "Gamma", "Delta", "Epsilon"}
	tests := []struct {
		query string
		want  []string // titles, in any order
	}{
		{`{"title":"Alpha"}`, []string{"Alpha"}},
		{`{"title":{"$ne":"Alpha"}}`, []string{"beta", "Gamma", "Delta", "Epsilon"}},
		{`{"pages":{"$gt":200}}`, []string{"beta", "Delta"}},
		{`{"pages":{"$gte":100,"$lt":1000}}`, []string{"Alpha", "beta"}},
		{`{"pages":5}`, []string{"Gamma"}},
		{`{"pages":"5"}`, nil},
		{`{"code":"5"}`, []string{"Gamma"}},
		{`{"code":{"$gt":50}}`, nil},
		{`{"code":{"$lte":"5"}}`, []string{"Alpha", "Gamma"}},
		{`{"published":true}`, []string{"Alpha"}},
		{`{"published":false}`, []string{"beta"}},
		{`{"published":{"$exists":false}}`, []string{"Gamma", "Delta", "Epsilon"}},
		{`{"published":null}`, []string{"Gamma", "Delta", "Epsilon"}},
		{`{"pages":{"$ne":null}}`, []string{"Alpha", "beta", "Gamma", "Delta"}},
		{`{"released":{"$lt":"2024-02-01"}}`, []string{"Alpha"}},
		{`{"keywords":"go"}`, []string{"Alpha"}},
		{`{"keywords":{"$in":["rust","sql"]}}`, []string{"Alpha", "beta"}},
		{`{"keywords":{"$nin":["go"]}}`, []string{"beta", "Gamma", "Delta", "Epsilon"}},
		{`{"author.name":"Ann"}`, []string{"Alpha"}},
		{`{"author.name":{"$regex":"^an","$options":"i"}}`, []string{"Alpha", "Gamma"}},
		{`{"author.name":{"$regex":"^An"}}`, []string{"Alpha"}},
		{`{"author.age":30}`, []string{"Alpha", "Delta"}},
		{`{"author":{"$exists":true}}`, []string{"Alpha", "beta", "Gamma", "Delta"}},
		{`{"editors.name":"Ed"}`, []string{"Alpha", "Delta"}},
		{`{"editors":{"$exists":true}}`, []string{"Alpha", "Delta"}},
		{`{"sections.hero.heading":{"$regex":"^H"}}`, []string{"Alpha", "Delta"}},
		{`{"sections.hero.heading":"Hello"}`, []string{"Delta"}},
		{`{"related.uid":"{A}"}`, []string{"beta"}},
		{`{"related._content_type_uid":"book"}`, []string{"beta"}},
		{`{"meta.level":2}`, []string{"Alpha"}},
		{`{"meta.level":"2"}`, []string{"Delta"}},
		{`{"tags":"y"}`, []string{"beta"}},
		{`{"tags":{"$in":["x"]}}`, []string{"Alpha", "beta"}},
		{`{"uid":{"$in":["{A}","bltnone"]}}`, []string{"Alpha"}},
		{`{"locale":"en-us"}`, all},
		{`{"title":null}`, nil},
		{`{"title":{"$regex":"A"}}`, []string{"Alpha"}},
		{`{"title":{"$regex":"a$"}}`, []string{"Alpha", "beta", "Gamma", "Delta"}},
		{`{"_version":{"$gt":1}}`, []string{"Epsilon"}},
		{`{"created_at":{"$gte":"2026-01-02T05:04:05.000Z"}}`, []string{"Gamma", "Delta", "Epsilon"}},
		{`{"updated_at":{"$lte":"2026-01-02T04:04:05Z"}}`, []string{"Alpha", "beta"}},
		{`{"$or":[{"title":"Alpha"},{"pages":{"$lt":10}}]}`, []string{"Alpha", "Gamma"}},
		{`{"$and":[{"author.age":30},{"pages":{"$gt":500}}]}`, []string{"Delta"}},
		{`{"$or":[{"$and":[{"keywords":"go"},{"published":true}]},{"code":"abc"}]}`, []string{"Alpha", "beta"}},
		{`{}`, all},
	}
	for _, tt := range tests {
		raw := strings.ReplaceAll(tt.query, "{A}", a.UID)
		n, err := query.Parse(raw)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.query, err)
			continue
		}
		got, count, err := s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "book", Locale: "en-us", Master: "en-us",
			Query: n, Limit: 100, Count: true})
		if err != nil {
			t.Errorf("Entries(%s): %v", tt.query, err)
			continue
		}
		titles := entryTitles(got)
		sort.Strings(titles)
		want := slices.Clone(tt.want)
		sort.Strings(want)
		if !cmp.Equal(titles, want, cmpEmpty) || count != len(want) {
			t.Errorf("Entries(%s) = %v (count %d), want %v", tt.query, titles, count, want)
		}
	}
	testQueryOrder(t, s, st)
	testQueryErrors(t, s, st)
}

var cmpEmpty = cmp.Comparer(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 || slices.Equal(a, b) })

func entryTitles(es []domain.Entry) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Title)
	}
	return out
}

func testQueryOrder(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	tests := []struct {
		asc, desc   string
		skip, limit int
		want        []string
	}{
		{asc: "pages", limit: 10, want: []string{"Epsilon", "Gamma", "Alpha", "beta", "Delta"}},
		{desc: "pages", limit: 10, want: []string{"Delta", "beta", "Alpha", "Gamma", "Epsilon"}},
		{asc: "title", limit: 10, want: []string{"Alpha", "Delta", "Epsilon", "Gamma", "beta"}},
		{asc: "author.name", limit: 10, want: []string{"Epsilon", "Ann", "Bob", "Dora", "ann"}},
		{asc: "pages", skip: 1, limit: 2, want: []string{"Gamma", "Alpha"}},
		{limit: 2, want: []string{"Epsilon", "Delta"}}, // most recently updated first
	}
	for _, tt := range tests {
		got, _, err := s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "book", Locale: "en-us", Master: "en-us",
			Asc: tt.asc, Desc: tt.desc, Skip: tt.skip, Limit: tt.limit})
		if err != nil {
			t.Errorf("Entries(asc=%q desc=%q): %v", tt.asc, tt.desc, err)
			continue
		}
		names := entryTitles(got)
		if tt.asc == "author.name" {
			for i, e := range got {
				if a, ok := e.Data["author"].(map[string]any); ok {
					names[i] = a["name"].(string)
				}
			}
		}
		if !slices.Equal(names, tt.want) {
			t.Errorf("Entries(asc=%q desc=%q skip=%d limit=%d) = %v, want %v", tt.asc, tt.desc, tt.skip, tt.limit, names, tt.want)
		}
	}
}

// testQueryErrors: queries naming no field, or sorting through a list,
// are 422s that name the problem, on every engine.
func testQueryErrors(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	for _, tt := range []struct{ query, asc string }{
		{query: `{"nope":1}`},
		{query: `{"author.nope":1}`},
		{query: `{"pages.x":1}`},
		{query: `{"created_at":{"$gt":"yesterday"}}`},
		{query: `{"created_at":{"$regex":"2026"}}`},
		{asc: "editors.name"},
		{asc: "nope"},
	} {
		n, err := query.Parse(tt.query)
		if err != nil {
			t.Fatalf("Parse(%s): %v", tt.query, err)
		}
		_, _, err = s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "book", Locale: "en-us", Master: "en-us",
			Query: n, Asc: tt.asc, Limit: 10})
		wantCode(t, err, domain.CodeValidation, "query")
	}
	// Patterns RE2 accepts but PostgreSQL does not run: a 422 there, never a 500.
	for _, raw := range []string{`{"title":{"$regex":"\\pL"}}`, `{"author.name":{"$regex":"(?P<x>A)"}}`} {
		n, err := query.Parse(raw)
		if err != nil {
			t.Fatalf("Parse(%s): %v", raw, err)
		}
		_, _, err = s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "book", Locale: "en-us", Master: "en-us", Query: n, Limit: 10})
		if err != nil {
			wantCode(t, err, domain.CodeValidation, "query")
		}
	}
}
