package api_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
)

// BenchmarkEntryCreateDurability measures entry creates through the CMA
// handler on SQLite with synchronous=FULL (the default) and NORMAL, from
// 8 concurrent clients: how much of a write request the durable commit
// costs. Run:
//
//	go test -run '^$' -bench BenchmarkEntryCreateDurability -benchtime 3s ./internal/api/
func BenchmarkEntryCreateDurability(b *testing.B) {
	for _, sync := range []string{"full", "normal"} {
		b.Run(sync, func(b *testing.B) {
			dir := b.TempDir()
			st, err := store.OpenWith(context.Background(), store.Options{DataDir: dir, Synchronous: sync})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { st.Close() })
			e := apitest.NewOn(b, st, dir, apitest.Start)
			e.Bootstrap()
			tok := e.Login("owner@example.com")
			key := e.CreateStack(tok, "Bench")
			h := map[string]string{"authtoken": tok, "api_key": key}
			if status, body := e.Do("POST", "/v3/content_types", h, map[string]any{"content_type": map[string]any{"title": "Note", "uid": "note",
				"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true}}}}); status != 201 {
				b.Fatal(status, body)
			}
			var n atomic.Int64
			b.SetParallelism(4) // 4 × GOMAXPROCS (2 here) = 8 clients
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req := httptest.NewRequest("POST", "/v3/content_types/note/entries", strings.NewReader(fmt.Sprintf(`{"entry":{"title":"e%d"}}`, n.Add(1))))
					req.Header.Set("Content-Type", "application/json")
					for k, v := range h {
						req.Header.Set(k, v)
					}
					rec := httptest.NewRecorder()
					e.Handler.ServeHTTP(rec, req)
					if rec.Code != 201 {
						b.Error(rec.Code, rec.Body.String())
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
		})
	}
}
