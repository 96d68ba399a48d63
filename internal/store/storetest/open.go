// Package storetest opens real stores for tests: a fresh SQLite file, or a
// fresh schema on the PostgreSQL server named by STACKD_TEST_POSTGRES_URL.
// It also holds the conformance suite every engine must pass.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/store"
)

// Engine is a way to open a fresh, empty store.
type Engine struct {
	Name string
	Open func(t testing.TB) (s *store.Store, database, dataDir string)
}

// Engines returns SQLite always and PostgreSQL when STACKD_TEST_POSTGRES_URL
// is set. Under CI=true a missing PostgreSQL fails the test instead of
// skipping it, so CI cannot pass without the PostgreSQL run.
func Engines(t testing.TB) []Engine {
	t.Helper()
	out := []Engine{{Name: "sqlite", Open: OpenSQLite}}
	if os.Getenv("STACKD_TEST_POSTGRES_URL") != "" {
		out = append(out, Engine{Name: "postgres", Open: OpenPostgres})
	} else if os.Getenv("CI") == "true" {
		t.Fatal("STACKD_TEST_POSTGRES_URL is not set under CI=true: the PostgreSQL run cannot be skipped")
	}
	return out
}

// OpenSQLite opens a store on a new SQLite file in a temp dir.
func OpenSQLite(t testing.TB) (*store.Store, string, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, "", dir
}

var schemaSeq atomic.Int64

// OpenPostgres opens a store on a new, empty schema of the test PostgreSQL
// server; the schema is dropped when the test ends.
func OpenPostgres(t testing.TB) (*store.Store, string, string) {
	t.Helper()
	base := os.Getenv("STACKD_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("STACKD_TEST_POSTGRES_URL not set")
	}
	schema := fmt.Sprintf("t%d_%d", time.Now().UnixNano(), schemaSeq.Add(1))
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	dsn := withSearchPath(t, base, schema)
	dir := t.TempDir()
	s, err := store.Open(context.Background(), dsn, dir)
	if err != nil {
		t.Fatalf("open postgres store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dsn, dir
}

func withSearchPath(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse STACKD_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return strings.Replace(u.String(), "postgres://", "postgres://", 1)
}
