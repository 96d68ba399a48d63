package store_test

import (
	"context"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

func TestMigrationPlan(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0001_a.sql":          {Data: []byte("SELECT 1")},
		"migrations/0002_b.sqlite.sql":   {Data: []byte("SELECT 2")},
		"migrations/0002_b.postgres.sql": {Data: []byte("SELECT 2")},
		"migrations/0003_c.sql":          {Data: []byte("SELECT 3")},
	}
	for _, tc := range []struct {
		engine string
		want   [][2]string
	}{
		{"sqlite", [][2]string{{"0001_a", "migrations/0001_a.sql"}, {"0002_b", "migrations/0002_b.sqlite.sql"}, {"0003_c", "migrations/0003_c.sql"}}},
		{"postgres", [][2]string{{"0001_a", "migrations/0001_a.sql"}, {"0002_b", "migrations/0002_b.postgres.sql"}, {"0003_c", "migrations/0003_c.sql"}}},
	} {
		got, err := store.MigrationPlan(fsys, tc.engine)
		if err != nil {
			t.Fatalf("%s: %v", tc.engine, err)
		}
		if d := cmp.Diff(tc.want, got); d != "" {
			t.Errorf("%s plan (-want +got):\n%s", tc.engine, d)
		}
	}
	bad := []fstest.MapFS{
		{"migrations/0001_a.sqlite.sql": {Data: []byte("SELECT 1")}},                                                // none for postgres
		{"migrations/0001_a.sql": {Data: []byte("SELECT 1")}, "migrations/0001_a.postgres.sql": {Data: []byte("")}}, // both
	}
	for i, fsys := range bad {
		if _, err := store.MigrationPlan(fsys, "postgres"); err == nil {
			t.Errorf("bad plan %d: no error", i)
		}
	}
}

// alterFS holds migrations that are not idempotent: an added column and,
// per engine, a changed primary key (a table rebuild on SQLite). Applying
// any of them twice fails, so the test proves each ran exactly once.
var alterFS = fstest.MapFS{
	"migrations/9001_things.sql": {Data: []byte(`CREATE TABLE things (api_key TEXT NOT NULL, uid TEXT NOT NULL, PRIMARY KEY (api_key, uid));
		INSERT INTO things (api_key, uid) VALUES ('k', 'a'), ('k', 'b')`)},
	"migrations/9002_things_title.sql": {Data: []byte(`ALTER TABLE things ADD COLUMN title TEXT NOT NULL DEFAULT 'untitled'`)},
	"migrations/9003_things_branch.sqlite.sql": {Data: []byte(`
		CREATE TABLE things_new (api_key TEXT NOT NULL, branch TEXT NOT NULL DEFAULT 'main', uid TEXT NOT NULL,
		  title TEXT NOT NULL DEFAULT 'untitled', PRIMARY KEY (api_key, branch, uid));
		INSERT INTO things_new (api_key, branch, uid, title) SELECT api_key, 'main', uid, title FROM things;
		DROP TABLE things;
		ALTER TABLE things_new RENAME TO things`)},
	"migrations/9003_things_branch.postgres.sql": {Data: []byte(`
		ALTER TABLE things ADD COLUMN branch TEXT NOT NULL DEFAULT 'main';
		ALTER TABLE things DROP CONSTRAINT things_pkey;
		ALTER TABLE things ADD PRIMARY KEY (api_key, branch, uid)`)},
}

// TestMigrationsThatAlterTables starts several instances on one database
// together; every one of them must succeed and each migration apply once.
func TestMigrationsThatAlterTables(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			first, dsn, dir := e.Open(t)
			const n = 4
			stores := []*store.Store{first}
			for range n - 1 {
				s, err := store.Open(ctx, dsn, dir)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				stores = append(stores, s)
			}
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i, s := range stores {
				wg.Go(func() { errs[i] = s.MigrateFrom(ctx, alterFS) })
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			}
			// The new key allows the same uid on another branch, and the old rows kept their values.
			if err := first.ExecForTest(ctx, `INSERT INTO things (api_key, branch, uid) VALUES ('k', 'dev', 'a')`); err != nil {
				t.Fatalf("insert on another branch: %v", err)
			}
			got, err := first.QueryIntForTest(ctx, `SELECT COUNT(*) FROM things WHERE title = 'untitled'`)
			if err != nil || got != 3 {
				t.Errorf("rows = %d, %v; want 3", got, err)
			}
			applied, err := first.QueryIntForTest(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version LIKE '900%'`)
			if err != nil || applied != 3 {
				t.Errorf("applied = %d, %v; want 3", applied, err)
			}
			if err := first.MigrateFrom(ctx, alterFS); err != nil {
				t.Errorf("second run: %v", err)
			}
		})
	}
}
