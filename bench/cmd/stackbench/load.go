package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// loadEntries writes f.n entries of the product type through the store,
// f.batch per transaction (store.CreateEntries: validated, each with its
// version and audit item), then gathers the planner's statistics, with
// stackd stopped. Titles are "Product 0000042", categories "category-0"
// to "category-99", prices 0.00 to 99.99, release dates over 2000 days;
// update times one millisecond apart.
func loadEntries(ctx context.Context, f scaleFlags, seed *scaleSeed) error {
	st, err := store.Open(ctx, f.database, filepath.Join(f.work, "stackd-data"))
	if err != nil {
		return err
	}
	defer st.Close()
	ctx = store.Background(ctx)
	t0, start := time.Now(), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < f.n; i += f.batch {
		ws, audits := productBatch(seed, i, min(f.batch, f.n-i), start)
		if err := st.CreateEntries(ctx, ws, audits); err != nil {
			return fmt.Errorf("load entries %d–%d: %w", i, i+len(ws), err)
		}
		if mid := f.n / 2; mid >= i && mid < i+len(ws) {
			seed.EntryUID, seed.Title = ws[mid-i].UID, ws[mid-i].Body["title"].(string)
		}
		if done := i + len(ws); done%100_000 < f.batch || done == f.n {
			fmt.Printf("loaded %d entries in %s (%.0f a second)\n", done, time.Since(t0).Round(time.Second),
				float64(done)/time.Since(t0).Seconds())
		}
	}
	seed.Entries, seed.LoadSeconds = f.n, time.Since(t0).Seconds()
	t1 := time.Now()
	if err := st.Analyze(ctx); err != nil {
		return err
	}
	fmt.Printf("statistics gathered in %s\n", time.Since(t1).Round(time.Millisecond))
	return st.Checkpoint(ctx)
}

func productBatch(seed *scaleSeed, from, n int, start time.Time) ([]store.EntryWrite, []domain.AuditEntry) {
	ws := make([]store.EntryWrite, 0, n)
	audits := make([]domain.AuditEntry, 0, n)
	for i := from; i < from+n; i++ {
		uid, at := domain.NewUID(), start.Add(time.Duration(i)*time.Millisecond)
		title := fmt.Sprintf("Product %07d", i)
		body := map[string]any{"title": title, "category": fmt.Sprintf("category-%d", i%100),
			"price": json.Number(fmt.Sprintf("%d.%02d", i%100, i%97)), "released": start.AddDate(0, 0, i%2000).Format("2006-01-02")}
		ws = append(ws, store.EntryWrite{APIKey: seed.APIKey, ContentType: "product", UID: uid, Locale: "en-us", Master: "en-us",
			Body: body, Actor: seed.OwnerUID, At: at})
		audits = append(audits, domain.AuditEntry{UID: domain.NewUID(), APIKey: seed.APIKey, Module: "entry", EventType: "create",
			RequestID: "bench-load", RemoteAddr: "127.0.0.1", ActorKind: "user", UserUID: seed.OwnerUID, MetaUID: uid,
			MetaTitle: title, CreatedAt: at})
	}
	return ws, audits
}

// reportSize prints the database's size per entry, and per table on
// PostgreSQL.
func reportSize(ctx context.Context, f scaleFlags, seed scaleSeed) error {
	if seed.Entries == 0 {
		return nil
	}
	if f.database == "" {
		var total int64
		for _, name := range []string{"stackd.db", "stackd.db-wal"} {
			if fi, err := os.Stat(filepath.Join(f.work, "stackd-data", name)); err == nil {
				total += fi.Size()
			}
		}
		fmt.Printf("SQLite file: %.0f MB, %d bytes per entry\n", float64(total)/1e6, total/int64(seed.Entries))
		return nil
	}
	return reportPGSize(ctx, f.database, seed.Entries)
}
