package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
	"github.com/stackd/stackd/internal/store"
)

// RunContent is the conformance suite of content types, global fields,
// locales, entries and the query language: every engine must pass it.
func RunContent(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.Store, st domain.Stack)
	}{
		{"ContentTypes", testContentTypes},
		{"GlobalFields", testGlobalFields},
		{"Locales", testLocales},
		{"EntryVersions", testEntryVersions},
		{"ConcurrentEntryUpdates", testConcurrentEntryUpdates},
		{"Localization", testLocalization},
		{"QueryTable", testQueryTable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := e.Open(t)
			_, owner := seedOrg(t, s)
			st, roles := newStack(owner, domain.Organization{UID: "org"})
			if err := s.CreateStack(context.Background(), st, roles, nil); err != nil {
				t.Fatal(err)
			}
			tt.fn(t, s, st)
		})
	}
}

// schema parses a schema written as JSON, failing the test when it is invalid.
func schema(t *testing.T, raw string) []domain.Field {
	t.Helper()
	fields, err := domain.ParseSchema(json.RawMessage(raw))
	if err != nil {
		t.Fatalf("ParseSchema(%s): %v", raw, err)
	}
	return fields
}

func newCT(st domain.Stack, uid string, fields []domain.Field) domain.ContentType {
	return domain.ContentType{APIKey: st.APIKey, UID: uid, Title: strings.ToUpper(uid[:1]) + uid[1:], Schema: fields,
		Options: json.RawMessage(`{}`), Version: 1, CreatedAt: t0, UpdatedAt: t0}
}

// wantCode fails unless err is a domain error with code and, when field
// is not empty, a message for that field.
func wantCode(t *testing.T, err error, code int, field string) {
	t.Helper()
	e, ok := domain.AsError(err)
	if !ok || e.Code != code {
		t.Fatalf("error = %v; want a domain error with code %d", err, code)
	}
	if _, has := e.Fields[field]; field != "" && !has {
		t.Fatalf("error %v names fields %v; want %q", err, e.Fields, field)
	}
}

func body(t *testing.T, raw string) map[string]any {
	t.Helper()
	doc, err := domain.DecodeEntryBody(json.RawMessage(raw))
	if err != nil {
		t.Fatalf("entry body %s: %v", raw, err)
	}
	return doc
}

func createEntry(t *testing.T, s *store.Store, st domain.Stack, ct, locale, raw string, at time.Time) domain.Entry {
	t.Helper()
	e, err := s.CreateEntry(context.Background(), store.EntryWrite{APIKey: st.APIKey, ContentType: ct, UID: domain.NewUID(),
		Locale: locale, Master: st.MasterLocale, Body: body(t, raw), Actor: "bltuser", At: at}, nil)
	if err != nil {
		t.Fatalf("CreateEntry(%s): %v", raw, err)
	}
	return e
}

func updateEntry(s *store.Store, st domain.Stack, ct, uid, locale string, doc map[string]any) (domain.Entry, bool, error) {
	return s.UpdateEntry(context.Background(), store.EntryWrite{APIKey: st.APIKey, ContentType: ct, UID: uid, Locale: locale,
		Master: st.MasterLocale, Body: doc, Actor: "bltuser", At: t0.Add(time.Hour)}, nil)
}

func testContentTypes(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	blog := newCT(st, "blog", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true,"unique":true},
		{"display_name":"Author","uid":"author","data_type":"reference","reference_to":["author"]}]`))
	wantCode(t, s.CreateContentType(ctx, blog, nil), domain.CodeValidation, "schema.1.reference_to")
	author := newCT(st, "author", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text"}]`))
	for _, ct := range []domain.ContentType{author, blog} {
		if err := s.CreateContentType(ctx, ct, nil); err != nil {
			t.Fatalf("CreateContentType(%s): %v", ct.UID, err)
		}
	}
	wantCode(t, s.CreateContentType(ctx, blog, nil), domain.CodeCTExists, "uid")
	dupTitle := newCT(st, "other", author.Schema)
	dupTitle.Title = "Blog"
	wantCode(t, s.CreateContentType(ctx, dupTitle, nil), domain.CodeCTExists, "title")
	_, err := s.ContentType(ctx, st.APIKey, "nope")
	wantCode(t, err, domain.CodeCTNotFound, "uid")

	q, _ := query.Parse(`{"title":{"$regex":"^b","$options":"i"}}`)
	list, n, err := s.ContentTypes(ctx, store.ListFilter{APIKey: st.APIKey, Query: q, Limit: 10, Count: true})
	if err != nil || n != 1 || len(list) != 1 || list[0].UID != "blog" {
		t.Fatalf("ContentTypes(title ~ ^b) = %d %v, %v", n, list, err)
	}
	updated, err := s.UpdateContentType(ctx, st.APIKey, "blog", func(ct *domain.ContentType) error {
		ct.Description = "posts"
		return nil
	}, nil)
	if err != nil || updated.Version != 2 || updated.Description != "posts" {
		t.Fatalf("UpdateContentType = %+v, %v", updated, err)
	}
	// author is referenced by blog: refused; entries of blog: refused without force.
	wantCode(t, s.DeleteContentType(ctx, st.APIKey, "author", false, nil), domain.CodeValidation, "uid")
	createEntry(t, s, st, "blog", "en-us", `{"title":"Hello"}`, t0)
	wantCode(t, s.DeleteContentType(ctx, st.APIKey, "blog", false, nil), domain.CodeValidation, "uid")
	if err := s.DeleteContentType(ctx, st.APIKey, "blog", true, nil); err != nil {
		t.Fatalf("DeleteContentType(force): %v", err)
	}
	_, _, err = s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "blog", Locale: "en-us", Master: "en-us", Limit: 10})
	wantCode(t, err, domain.CodeCTNotFound, "uid")
	if err := s.DeleteContentType(ctx, st.APIKey, "author", false, nil); err != nil {
		t.Fatalf("DeleteContentType(author) once unreferenced: %v", err)
	}
}

func testGlobalFields(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	seo := domain.GlobalField{APIKey: st.APIKey, UID: "seo", Title: "SEO", Version: 1, CreatedAt: t0, UpdatedAt: t0,
		Schema: schema(t, `[{"display_name":"Keywords","uid":"keywords","data_type":"text","mandatory":true}]`)}
	if err := s.CreateGlobalField(ctx, seo, nil); err != nil {
		t.Fatal(err)
	}
	page := newCT(st, "page", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text"},
		{"display_name":"SEO","uid":"seo","data_type":"global_field","reference_to":"seo"}]`))
	if err := s.CreateContentType(ctx, page, nil); err != nil {
		t.Fatal(err)
	}
	bad := newCT(st, "bad", schema(t, `[{"display_name":"X","uid":"x","data_type":"global_field","reference_to":"nope"}]`))
	wantCode(t, s.CreateContentType(ctx, bad, nil), domain.CodeValidation, "schema.0.reference_to")
	// Entries validate against the embedded schema.
	_, err := s.CreateEntry(ctx, store.EntryWrite{APIKey: st.APIKey, ContentType: "page", UID: domain.NewUID(), Locale: "en-us",
		Master: "en-us", Body: body(t, `{"title":"P","seo":{}}`), At: t0}, nil)
	wantCode(t, err, domain.CodeValidation, "seo.keywords")
	createEntry(t, s, st, "page", "en-us", `{"title":"P","seo":{"keywords":"k"}}`, t0)
	// A global field cannot embed itself, directly or through another.
	wrap := domain.GlobalField{APIKey: st.APIKey, UID: "wrap", Title: "Wrap", Version: 1, CreatedAt: t0, UpdatedAt: t0,
		Schema: schema(t, `[{"display_name":"S","uid":"s","data_type":"global_field","reference_to":"seo"}]`)}
	if err := s.CreateGlobalField(ctx, wrap, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.UpdateGlobalField(ctx, st.APIKey, "seo", func(g *domain.GlobalField) error {
		g.Schema = schema(t, `[{"display_name":"W","uid":"w","data_type":"global_field","reference_to":"wrap"}]`)
		return nil
	}, nil)
	wantCode(t, err, domain.CodeValidation, "schema.0.reference_to")
	wantCode(t, s.DeleteGlobalField(ctx, st.APIKey, "seo", nil), domain.CodeValidation, "uid")
	if err := s.DeleteGlobalField(ctx, st.APIKey, "wrap", nil); err != nil {
		t.Fatalf("DeleteGlobalField(unused): %v", err)
	}
}

func testLocales(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	list, _, err := s.Locales(ctx, st, store.ListFilter{APIKey: st.APIKey, Limit: 10})
	if err != nil || len(list) != 1 || list[0].Code != "en-us" || list[0].FallbackLocale != "" {
		t.Fatalf("Locales of a new stack = %+v, %v; want the master locale alone", list, err)
	}
	add := func(code, fallback string) error {
		return s.CreateLocale(ctx, st, domain.Locale{APIKey: st.APIKey, Code: code, UID: domain.NewUID(), Name: code,
			FallbackLocale: fallback, Version: 1, CreatedAt: t0, UpdatedAt: t0}, nil)
	}
	if err := add("fr-fr", "en-us"); err != nil {
		t.Fatal(err)
	}
	if err := add("fr-ca", "fr-fr"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, add("fr-fr", "en-us"), domain.CodeLocaleExists, "code")
	wantCode(t, add("en-us", ""), domain.CodeLocaleExists, "code")
	wantCode(t, add("de-de", "xx-xx"), domain.CodeValidation, "fallback_locale")
	_, err = s.UpdateLocale(ctx, st, "fr-fr", func(l *domain.Locale) error { l.FallbackLocale = "fr-ca"; return nil }, nil)
	wantCode(t, err, domain.CodeValidation, "fallback_locale")
	wantCode(t, s.DeleteLocale(ctx, st, "en-us", nil), domain.CodeValidation, "code")
	wantCode(t, s.DeleteLocale(ctx, st, "fr-fr", nil), domain.CodeValidation, "code")
	if err := s.DeleteLocale(ctx, st, "fr-ca", nil); err != nil {
		t.Fatal(err)
	}
	m, err := s.UpdateLocale(ctx, st, "en-us", func(l *domain.Locale) error { l.Name = "English"; return nil }, nil)
	if err != nil || m.Name != "English" || m.Version != 2 || m.UID != domain.MasterLocale(st).UID {
		t.Fatalf("UpdateLocale(master) = %+v, %v", m, err)
	}
}

func testEntryVersions(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	ct := newCT(st, "post", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true,"unique":true},
		{"display_name":"Body","uid":"body","data_type":"text"}]`))
	if err := s.CreateContentType(ctx, ct, nil); err != nil {
		t.Fatal(err)
	}
	e := createEntry(t, s, st, "post", "en-us", `{"title":"One","body":"v1","unknown":"dropped"}`, t0)
	if _, ok := e.Data["unknown"]; ok || e.Version != 1 {
		t.Fatalf("created entry = %+v; want version 1 without the unknown field", e)
	}
	_, err := s.CreateEntry(ctx, store.EntryWrite{APIKey: st.APIKey, ContentType: "post", UID: domain.NewUID(), Locale: "en-us",
		Master: "en-us", Body: body(t, `{"title":"One"}`), At: t0}, nil)
	wantCode(t, err, domain.CodeEntryExists, "title")
	up, _, err := updateEntry(s, st, "post", e.UID, "en-us", body(t, `{"body":"v2"}`))
	if err != nil || up.Version != 2 || up.Title != "One" || up.Data["body"] != "v2" {
		t.Fatalf("UpdateEntry = %+v, %v; want version 2 keeping the title", up, err)
	}
	old, err := s.Entry(ctx, store.EntryRead{APIKey: st.APIKey, ContentType: "post", UID: e.UID, Locale: "en-us", Master: "en-us", Version: 1})
	if err != nil || old.Data["body"] != "v1" || old.Version != 1 {
		t.Fatalf("Entry(version 1) = %+v, %v", old, err)
	}
	if err := s.NameEntryVersion(ctx, st.APIKey, "post", e.UID, "en-us", 1, "first", "bltuser", t0, nil); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.NameEntryVersion(ctx, st.APIKey, "post", e.UID, "en-us", 9, "x", "bltuser", t0, nil), domain.CodeEntryNotFound, "version")
	vs, n, err := s.EntryVersions(ctx, store.VersionFilter{APIKey: st.APIKey, ContentType: "post", UID: e.UID, Locale: "en-us", Limit: 10, Count: true})
	if err != nil || n != 2 || vs[0].Version != 2 || vs[1].Name == nil || vs[1].Name.Title != "first" {
		t.Fatalf("EntryVersions = %+v (%d), %v", vs, n, err)
	}
	named, _, _ := s.EntryVersions(ctx, store.VersionFilter{APIKey: st.APIKey, ContentType: "post", UID: e.UID, Locale: "en-us", Named: true, Limit: 10})
	if len(named) != 1 || named[0].Version != 1 {
		t.Fatalf("named versions = %+v", named)
	}
	_, err = s.Entry(ctx, store.EntryRead{APIKey: st.APIKey, ContentType: "other", UID: e.UID, Locale: "en-us", Master: "en-us"})
	wantCode(t, err, domain.CodeCTNotFound, "uid")
	if err := s.DeleteEntry(ctx, st.APIKey, "post", e.UID, "", "en-us", false, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.Entry(ctx, store.EntryRead{APIKey: st.APIKey, ContentType: "post", UID: e.UID, Locale: "en-us", Master: "en-us"})
	wantCode(t, err, domain.CodeEntryNotFound, "uid")
	_, err = s.EntryVersion(ctx, st.APIKey, e.UID, "en-us", 1)
	wantCode(t, err, domain.CodeEntryNotFound, "version")
}

// testConcurrentEntryUpdates sends parallel updates of one entry: each
// acknowledged update must have its own version holding its own content.
func testConcurrentEntryUpdates(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	ct := newCT(st, "counter", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text"},
		{"display_name":"N","uid":"n","data_type":"number"}]`))
	if err := s.CreateContentType(ctx, ct, nil); err != nil {
		t.Fatal(err)
	}
	e := createEntry(t, s, st, "counter", "en-us", `{"title":"C","n":0}`, t0)
	const writers = 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int]string{} // version -> the n it was written with
	for i := 1; i <= writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			up, _, err := updateEntry(s, st, "counter", e.UID, "en-us", map[string]any{"n": json.Number(fmt.Sprint(i))})
			if err != nil {
				t.Errorf("update %d: %v", i, err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if prev, dup := got[up.Version]; dup {
				t.Errorf("version %d acknowledged twice (n=%s and n=%d)", up.Version, prev, i)
			}
			got[up.Version] = fmt.Sprint(i)
		}()
	}
	wg.Wait()
	if len(got) != writers {
		t.Fatalf("%d updates acknowledged, want %d", len(got), writers)
	}
	for v, n := range got {
		stored, err := s.EntryVersion(ctx, st.APIKey, e.UID, "en-us", v)
		if err != nil || fmt.Sprint(stored.Data["n"]) != n {
			t.Errorf("version %d = %v, %v; want n=%s", v, stored.Data, err, n)
		}
	}
	cur, err := s.Entry(ctx, store.EntryRead{APIKey: st.APIKey, ContentType: "counter", UID: e.UID, Locale: "en-us", Master: "en-us"})
	if err != nil || cur.Version != writers+1 {
		t.Fatalf("current version = %d, %v; want %d", cur.Version, err, writers+1)
	}
}

func testLocalization(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	ct := newCT(st, "product", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text"},
		{"display_name":"Price","uid":"price","data_type":"number","non_localizable":true},
		{"display_name":"Blurb","uid":"blurb","data_type":"text"}]`))
	if err := s.CreateContentType(ctx, ct, nil); err != nil {
		t.Fatal(err)
	}
	for i, l := range []domain.Locale{{Code: "fr-fr", FallbackLocale: "en-us"}, {Code: "fr-ca", FallbackLocale: "fr-fr"}} {
		at := t0.Add(time.Duration(i+1) * time.Minute)
		l.APIKey, l.UID, l.Name, l.Version, l.CreatedAt, l.UpdatedAt = st.APIKey, domain.NewUID(), l.Code, 1, at, at
		if err := s.CreateLocale(ctx, st, l, nil); err != nil {
			t.Fatal(err)
		}
	}
	e := createEntry(t, s, st, "product", "en-us", `{"title":"Chair","price":10,"blurb":"A chair"}`, t0)
	read := func(locale string, fallback bool) (domain.Entry, error) {
		return s.Entry(ctx, store.EntryRead{APIKey: st.APIKey, ContentType: "product", UID: e.UID, Locale: locale, Master: "en-us", Fallback: fallback})
	}
	_, err := read("fr-ca", false)
	wantCode(t, err, domain.CodeEntryNotFound, "locale")
	if got, err := read("fr-ca", true); err != nil || got.Locale != "en-us" {
		t.Fatalf("fr-ca with fallback = %+v, %v; want the en-us content", got, err)
	}
	fr, localized, err := updateEntry(s, st, "product", e.UID, "fr-fr", body(t, `{"title":"Chaise","price":99}`))
	if err != nil || !localized || fr.Version != 1 || fr.Data["blurb"] != "A chair" || fmt.Sprint(fr.Data["price"]) != "10" {
		t.Fatalf("localize fr-fr = %+v (localized %v), %v; want version 1, the blurb kept and the master's price", fr, localized, err)
	}
	if got, err := read("fr-ca", true); err != nil || got.Locale != "fr-fr" || got.Title != "Chaise" {
		t.Fatalf("fr-ca with fallback after localizing fr-fr = %+v, %v", got, err)
	}
	if _, _, err := updateEntry(s, st, "product", e.UID, "en-us", body(t, `{"price":12}`)); err != nil {
		t.Fatal(err)
	}
	if got, _ := read("fr-fr", false); fmt.Sprint(got.Data["price"]) != "12" || got.Version != 1 {
		t.Fatalf("fr-fr after the master's price changed = %+v; want price 12 at version 1", got)
	}
	statuses, err := s.EntryLocales(ctx, st, "product", e.UID)
	want := []store.LocaleStatus{{Code: "en-us", Localized: true}, {Code: "fr-fr", Localized: true}, {Code: "fr-ca"}}
	if err != nil || !cmp.Equal(statuses, want) {
		t.Fatalf("EntryLocales = %v, %v; want %v", statuses, err, want)
	}
	wantCode(t, s.UnlocalizeEntry(ctx, st.APIKey, "product", e.UID, "fr-ca", "en-us", nil), domain.CodeEntryNotFound, "locale")
	if err := s.UnlocalizeEntry(ctx, st.APIKey, "product", e.UID, "fr-fr", "en-us", nil); err != nil {
		t.Fatal(err)
	}
	_, err = read("fr-fr", false)
	wantCode(t, err, domain.CodeEntryNotFound, "locale")
	// Deleting a language deletes the entries' content in it.
	if _, _, err := updateEntry(s, st, "product", e.UID, "fr-ca", body(t, `{"title":"Chaise QC"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLocale(ctx, st, "fr-ca", nil); err != nil {
		t.Fatal(err)
	}
	if statuses, _ := s.EntryLocales(ctx, st, "product", e.UID); len(statuses) != 2 {
		t.Fatalf("EntryLocales after deleting fr-ca = %v", statuses)
	}
}

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
