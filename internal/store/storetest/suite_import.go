package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
	"github.com/stackd/stackd/internal/store"
)

// testCreateEntries: a batch is written whole, each entry with its
// version and audit item, or not at all when one entry is invalid.
func testCreateEntries(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := store.Background(context.Background())
	ct := newCT(st, "product", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
		{"display_name":"Price","uid":"price","data_type":"number"}]`))
	if err := s.CreateContentType(ctx, ct, nil); err != nil {
		t.Fatal(err)
	}
	batch := func(bodies ...string) ([]store.EntryWrite, []domain.AuditEntry) {
		var ws []store.EntryWrite
		var as []domain.AuditEntry
		for _, b := range bodies {
			uid := domain.NewUID()
			ws = append(ws, store.EntryWrite{APIKey: st.APIKey, ContentType: "product", UID: uid, Locale: st.MasterLocale,
				Master: st.MasterLocale, Body: body(t, b), Actor: "bltuser", At: t0})
			as = append(as, domain.AuditEntry{UID: domain.NewUID(), APIKey: st.APIKey, Module: "entry", EventType: "create",
				ActorKind: "user", UserUID: "bltuser", MetaUID: uid, CreatedAt: t0})
		}
		return ws, as
	}
	ws, as := batch(`{"title":"A","price":1}`, `{"title":"B","price":2.5}`, `{"title":"C"}`)
	if err := s.CreateEntries(ctx, ws, as); err != nil {
		t.Fatal(err)
	}
	bad, badAudits := batch(`{"title":"D"}`, `{"price":3}`)
	wantCode(t, s.CreateEntries(ctx, bad, badAudits), domain.CodeValidation, "")

	list, n, err := s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "product", Locale: st.MasterLocale,
		Master: st.MasterLocale, Asc: "title", Limit: 10, Count: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, fmt.Sprintf("%s v%d %v", e.Title, e.Version, e.Data["price"]))
	}
	if d := cmp.Diff([]string{"A v1 1", "B v1 2.5", "C v1 <nil>"}, got); d != "" || n != 3 {
		t.Errorf("entries after the batches (-want +got, count %d):\n%s", n, d)
	}
	v, err := s.Entry(ctx, store.EntryRead{APIKey: st.APIKey, ContentType: "product", UID: ws[1].UID, Locale: st.MasterLocale,
		Master: st.MasterLocale, Version: 1})
	if err != nil || v.Title != "B" {
		t.Errorf("version 1 of B: %v %v", v.Title, err)
	}
	items, total, err := s.AuditLog(ctx, store.AuditFilter{APIKey: st.APIKey, Since: t0.Add(-time.Hour).UnixMilli(), Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var metas []string
	for _, a := range items {
		metas = append(metas, a.MetaUID)
	}
	if total != 3 || !slices.Contains(metas, ws[0].UID) || slices.Contains(metas, bad[0].UID) {
		t.Errorf("audit items %v (%d), want the three of the first batch", metas, total)
	}
}

// testPruneAudit: audit items older than the cutoff go, in batches;
// newer ones stay.
func testPruneAudit(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	ct := newCT(st, "page", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true}]`))
	for i := range 5 {
		a := &domain.AuditEntry{UID: domain.NewUID(), APIKey: st.APIKey, Module: "content_type", EventType: "update",
			ActorKind: "user", UserUID: "bltuser", CreatedAt: t0.AddDate(0, 0, -100+20*i)} // 100, 80, 60, 40, 20 days old
		ct.UID, ct.Title = fmt.Sprintf("page%d", i), fmt.Sprintf("Page %d", i)
		if err := s.CreateContentType(ctx, ct, a); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.PruneAudit(ctx, t0.AddDate(0, 0, -50), 2)
	if err != nil || n != 3 {
		t.Fatalf("PruneAudit deleted %d (%v), want the 3 items older than 50 days", n, err)
	}
	_, total, err := s.AuditLog(ctx, store.AuditFilter{APIKey: st.APIKey, Since: 0, Limit: 10})
	if err != nil || total != 2 {
		t.Errorf("%d audit items left (%v), want 2", total, err)
	}
}

// testListTimeout: a list statement past the list timeout is cancelled
// and answered with a 422 naming the query; reads of one item are not
// bounded by it.
func testListTimeout(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	ct := newCT(st, "page", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true}]`))
	if err := s.CreateContentType(ctx, ct, nil); err != nil {
		t.Fatal(err)
	}
	e := createEntry(t, s, st, "page", st.MasterLocale, `{"title":"One"}`, t0)
	s.SetListTimeout(time.Nanosecond)
	defer s.SetListTimeout(store.DefaultListTimeout)
	_, _, err := s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "page", Locale: st.MasterLocale,
		Master: st.MasterLocale, Limit: 10})
	wantCode(t, err, domain.CodeValidation, "query")
	if _, err := s.Entry(ctx, store.EntryRead{APIKey: st.APIKey, ContentType: "page", UID: e.UID, Locale: st.MasterLocale,
		Master: st.MasterLocale}); err != nil {
		t.Errorf("read of one entry under a tiny list timeout: %v", err)
	}
	s.SetListTimeout(time.Minute)
	if list, _, err := s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "page", Locale: st.MasterLocale,
		Master: st.MasterLocale, Limit: 10}); err != nil || len(list) != 1 {
		t.Errorf("list under a minute's timeout: %d entries, %v", len(list), err)
	}
}

// testEntryTerms: queries that entry_terms answers first ({"field": v},
// $in) find exactly the entries whose current content matches, through
// creates, updates, arrays, long values, a localization and deletes.
func testEntryTerms(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := context.Background()
	ct := newCT(st, "item", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
		{"display_name":"Category","uid":"category","data_type":"text"},
		{"display_name":"Tags","uid":"labels","data_type":"text","multiple":true}]`))
	if err := s.CreateContentType(ctx, ct, nil); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 200)
	a := createEntry(t, s, st, "item", st.MasterLocale, `{"title":"A","category":"shoes","labels":["red","blue"]}`, t0)
	createEntry(t, s, st, "item", st.MasterLocale, `{"title":"B","category":"hats","labels":["red"]}`, t0)
	createEntry(t, s, st, "item", st.MasterLocale, `{"title":"C","category":"`+long+`"}`, t0)
	find := func(raw string) []string {
		t.Helper()
		q, err := query.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		list, _, err := s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "item", Locale: st.MasterLocale,
			Master: st.MasterLocale, Query: q, Asc: "title", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, e := range list {
			titles = append(titles, e.Title)
		}
		return titles
	}
	check := func(name, raw string, want ...string) {
		t.Helper()
		if d := cmp.Diff(want, find(raw)); d != "" {
			t.Errorf("%s: %s (-want +got):\n%s", name, raw, d)
		}
	}
	check("equal", `{"category":"shoes"}`, "A")
	check("in", `{"category":{"$in":["shoes","hats"]}}`, "A", "B")
	check("array element", `{"labels":"red"}`, "A", "B")
	check("long value", `{"category":"`+long+`"}`, "C")
	check("with another condition", `{"$and":[{"category":"shoes"},{"title":"A"}]}`, "A")
	check("no match", `{"category":"gloves"}`)
	if _, _, err := updateEntry(s, st, "item", a.UID, st.MasterLocale, body(t, `{"category":"gloves","labels":[]}`)); err != nil {
		t.Fatal(err)
	}
	check("old value after update", `{"category":"shoes"}`)
	check("new value after update", `{"category":"gloves"}`, "A")
	check("array after update", `{"labels":"red"}`, "B")
	if err := s.DeleteEntry(ctx, st.APIKey, "item", a.UID, "", st.MasterLocale, false, domain.IfMatch{}, nil); err != nil {
		t.Fatal(err)
	}
	check("after delete", `{"category":"gloves"}`)
}

// testDeepPage: a page far into a list (skip ≥ 1000, read through the
// index alone) holds the same entries in the same order as the order
// promises: newest update first, uid as the tie-break.
func testDeepPage(t *testing.T, s *store.Store, st domain.Stack) {
	ctx := store.Background(context.Background())
	ct := newCT(st, "row", schema(t, `[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true}]`))
	if err := s.CreateContentType(ctx, ct, nil); err != nil {
		t.Fatal(err)
	}
	var ws []store.EntryWrite
	var as []domain.AuditEntry
	for i := range 1100 {
		at := t0.Add(time.Duration(i/2) * time.Second) // two entries per second: ties broken by uid
		ws = append(ws, store.EntryWrite{APIKey: st.APIKey, ContentType: "row", UID: fmt.Sprintf("blt%04d", i), Locale: st.MasterLocale,
			Master: st.MasterLocale, Body: map[string]any{"title": fmt.Sprintf("R%04d", i)}, Actor: "bltuser", At: at})
		as = append(as, domain.AuditEntry{UID: domain.NewUID(), APIKey: st.APIKey, Module: "entry", EventType: "create", CreatedAt: at})
	}
	if err := s.CreateEntries(ctx, ws, as); err != nil {
		t.Fatal(err)
	}
	list, _, err := s.Entries(ctx, store.EntryFilter{APIKey: st.APIKey, ContentType: "row", Locale: st.MasterLocale,
		Master: st.MasterLocale, Skip: 1050, Limit: 4})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		got = append(got, e.Title)
	}
	// Newest first: 1099 and 1098 share a second (uid order: 1098, 1099), …
	// position 1050 is the pair (48, 49), then (46, 47).
	if d := cmp.Diff([]string{"R0048", "R0049", "R0046", "R0047"}, got); d != "" {
		t.Errorf("page at skip 1050 (-want +got):\n%s", d)
	}
}
