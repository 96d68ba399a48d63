package opstest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// TestKill9UnderWrites kills stackd with SIGKILL while 6 clients create
// and update entries and upload and replace assets through HTTP, starts it
// again on the same data, and finds every acknowledged write: on SQLite
// (synchronous=FULL) and on PostgreSQL.
func TestKill9UnderWrites(t *testing.T) {
	needOps(t)
	engines := map[string]func(t *testing.T) string{"sqlite": func(*testing.T) string { return "" }}
	if base := os.Getenv("STACKD_TEST_POSTGRES_URL"); base != "" {
		engines["postgres"] = func(t *testing.T) string { return freshDatabase(t, base) }
	} else if os.Getenv("CI") == "true" {
		t.Fatal("STACKD_TEST_POSTGRES_URL is not set under CI=true")
	}
	for name, database := range engines {
		t.Run(name, func(t *testing.T) {
			data, db := filepath.Join(t.TempDir(), "data"), database(t)
			srv := startServer(t, data, db)
			c := setupStack(t, srv.cma, srv.cda)
			l := newLedger()
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			wg := (&load{c: c, l: l}).run(ctx, 6)
			waitAcked(t, l, 300, 30*time.Second)
			srv.kill()
			cancel()
			wg.Wait()
			t.Logf("killed under load: %s", l)

			srv = startServer(t, data, db)
			c.reattach(srv)
			entries, assets := l.verify(t, c, time.Time{}, time.Time{})
			t.Logf("after restart: %d acknowledged entries and %d acknowledged assets all found", entries, assets)
			if l.count("transport") == 0 {
				t.Errorf("no request was cut by the kill: the kill did not happen under load")
			}
			srv.stop()
		})
	}
}

// waitAcked waits until the ledger has n acknowledged writes.
func waitAcked(t *testing.T, l *ledger, n int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for l.acked() < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writes acknowledged in %s: %s", l.acked(), limit, l)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freshDatabase creates a new database on the PostgreSQL server of base
// and returns its URL; it is dropped when the test ends.
func freshDatabase(t *testing.T, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("stackd_ops_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if db, err := sql.Open("pgx", base); err == nil {
			_, _ = db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}
