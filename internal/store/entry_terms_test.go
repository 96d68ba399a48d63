package store_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

// TestEntryTermsBackfill: migration 0021's backfill, run on entries that
// exist, produces exactly the terms stackd writes with each entry.
func TestEntryTermsBackfill(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			s, _, _ := eng.Open(t)
			now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			st := domain.Stack{UID: domain.NewUID(), APIKey: domain.NewUID(), OrgUID: "org", Name: "S", MasterLocale: "en-us",
				OwnerUID: "bltowner", CreatedAt: now, UpdatedAt: now}
			if err := s.CreateStack(ctx, st, nil, nil); err != nil {
				t.Fatal(err)
			}
			fields, err := domain.ParseSchema(json.RawMessage(`[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
				{"display_name":"Category","uid":"category","data_type":"text"},{"display_name":"Labels","uid":"labels","data_type":"text","multiple":true},
				{"display_name":"Body","uid":"body","data_type":"text"},{"display_name":"Price","uid":"price","data_type":"number"}]`))
			if err != nil {
				t.Fatal(err)
			}
			ct := domain.ContentType{APIKey: st.APIKey, UID: "item", Title: "Item", Schema: fields, Options: json.RawMessage(`{}`), Version: 1,
				CreatedAt: now, UpdatedAt: now}
			if err := s.CreateContentType(ctx, ct, nil); err != nil {
				t.Fatal(err)
			}
			for _, raw := range []string{`{"title":"A","category":"shoes","labels":["red","blue","red"],"price":3}`,
				`{"title":"B","category":"hats","body":"` + strings.Repeat("é", 100) + `"}`, `{"title":"C","labels":["ü"]}`} {
				doc, err := domain.DecodeEntryBody(json.RawMessage(raw))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := s.CreateEntry(ctx, store.EntryWrite{APIKey: st.APIKey, ContentType: "item", UID: domain.NewUID(), Locale: "en-us",
					Master: "en-us", Body: doc, Actor: "bltowner", At: now}, nil); err != nil {
					t.Fatal(err)
				}
			}
			sql, err := os.ReadFile("migrations/0021_entry_terms." + s.Engine() + ".sql")
			if err != nil {
				t.Fatal(err)
			}
			backfill := string(sql[strings.Index(string(sql), "INSERT INTO entry_terms"):])
			cols := `api_key, branch, content_type_uid, locale, field, value, uid`
			for _, q := range []string{`CREATE TABLE terms_written AS SELECT ` + cols + ` FROM entry_terms`, `DELETE FROM entry_terms`, backfill} {
				if err := s.ExecForTest(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			for _, q := range []string{`SELECT COUNT(*) FROM terms_written`,
				`SELECT COUNT(*) FROM (SELECT ` + cols + ` FROM entry_terms EXCEPT SELECT ` + cols + ` FROM terms_written) x`,
				`SELECT COUNT(*) FROM (SELECT ` + cols + ` FROM terms_written EXCEPT SELECT ` + cols + ` FROM entry_terms) x`} {
				n, err := s.QueryIntForTest(ctx, q)
				want := int64(0) // no row in one set and not the other
				if !strings.Contains(q, "EXCEPT") {
					want = 5 // shoes, red, blue (red once), hats, ü; the 200-byte body is too long
				}
				if err != nil || n != want {
					t.Errorf("%s = %d (%v), want %d", q, n, err, want)
				}
			}
		})
	}
}
