package storetest

import (
	"context"
	"encoding/json"
	"fmt"
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
		{"CreateEntries", testCreateEntries},
		{"PruneAudit", testPruneAudit},
		{"ListTimeout", testListTimeout},
		{"EntryTerms", testEntryTerms},
		{"DeepPage", testDeepPage},
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
	wantCode(t, s.DeleteContentType(ctx, st.APIKey, "author", false, domain.IfMatch{}, nil), domain.CodeValidation, "uid")
	createEntry(t, s, st, "blog", "en-us", `{"title":"Hello"}`, t0)
	wantCode(t, s.DeleteContentType(ctx, st.APIKey, "blog", false, domain.IfMatch{}, nil), domain.CodeValidation, "uid")
	if err := s.DeleteContentType(ctx, st.APIKey, "blog", true, domain.IfMatch{}, nil); err != nil {
		t.Fatalf("DeleteContentType(force): %v", err)
	}
	_, _, err = s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "blog", Locale: "en-us", Master: "en-us", Limit: 10})
	wantCode(t, err, domain.CodeCTNotFound, "uid")
	if err := s.DeleteContentType(ctx, st.APIKey, "author", false, domain.IfMatch{}, nil); err != nil {
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
	wantCode(t, s.DeleteGlobalField(ctx, st.APIKey, "seo", domain.IfMatch{}, nil), domain.CodeValidation, "uid")
	if err := s.DeleteGlobalField(ctx, st.APIKey, "wrap", domain.IfMatch{}, nil); err != nil {
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
	if err := s.DeleteEntry(ctx, st.APIKey, "post", e.UID, "", "en-us", false, domain.IfMatch{}, nil); err != nil {
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
