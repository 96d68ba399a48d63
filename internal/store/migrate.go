package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies pending migrations; Open calls it.
//
// A migration is one file per version in migrations/: NNNN_name.sql for
// both engines, or NNNN_name.sqlite.sql and NNNN_name.postgres.sql where
// the SQL differs (SQLite cannot alter a primary key or drop a constraint,
// so such a change rebuilds the table there, while PostgreSQL alters it).
// Each version runs in one transaction that first takes the migration
// lock row (schema_lock) with an UPDATE on PostgreSQL, or holds SQLite's
// write lock, then re-reads schema_migrations: when two instances start
// together, the second waits for the first to commit and then finds the
// version applied. So migrations need not be idempotent (ALTER TABLE,
// table rebuilds and backfills are fine), and no advisory lock is used.
// Migrations run without the request statement timeout.
func (s *Store) Migrate(ctx context.Context) error { return s.migrateFrom(ctx, migrations) }

// migrateFrom applies the pending migrations found under migrations/ in fsys.
func (s *Store) migrateFrom(ctx context.Context, fsys fs.FS) error {
	if err := s.migrationTables(ctx); err != nil {
		return err
	}
	plan, err := migrationPlan(fsys, s.d.name)
	if err != nil {
		return err
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, m := range plan {
		if applied[m.version] {
			continue
		}
		if err := s.applyMigration(ctx, fsys, m); err != nil {
			return err
		}
	}
	return nil
}

// migrationTables creates the bookkeeping tables. Two instances racing here
// may both try; on PostgreSQL the loser can get a unique violation on the
// catalog, which means the table now exists.
func (s *Store) migrationTables(ctx context.Context) error {
	c := conn{q: s.w, d: s.d}
	for _, stmt := range []string{
		`CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS schema_lock (name TEXT PRIMARY KEY, holder TEXT NOT NULL DEFAULT '', locked_at BIGINT NOT NULL DEFAULT 0)`,
		`INSERT INTO schema_lock (name) VALUES ('migrate') ON CONFLICT (name) DO NOTHING`,
	} {
		if _, err := c.exec(ctx, stmt); err != nil && !s.d.isUnique(err) {
			return fmt.Errorf("store: create migration tables: %w", err)
		}
	}
	return nil
}

// migration is one version and the file that carries it for this engine.
type migration struct {
	version string // NNNN_name
	file    string // path inside the migrations FS
}

// migrationPlan lists the versions in order with the file each uses on
// engine: the engine's own file when there is one, else the shared file.
// A version with only another engine's file is an error, so a migration
// can never be silently skipped on one engine.
func migrationPlan(fsys fs.FS, engine string) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("store: list migrations: %w", err)
	}
	shared, own, other := map[string]string{}, map[string]string{}, map[string]bool{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".sql")
		switch {
		case strings.HasSuffix(base, "."+engine):
			own[strings.TrimSuffix(base, "."+engine)] = name
		case strings.HasSuffix(base, ".sqlite"), strings.HasSuffix(base, ".postgres"):
			other[base[:strings.LastIndexByte(base, '.')]] = true
		default:
			shared[base] = name
		}
	}
	var plan []migration
	for v, f := range shared {
		if own[v] != "" {
			return nil, fmt.Errorf("store: migration %s has both a shared and a %s file", v, engine)
		}
		plan = append(plan, migration{v, f})
	}
	for v, f := range own {
		plan = append(plan, migration{v, f})
	}
	for v := range other {
		if own[v] == "" && shared[v] == "" {
			return nil, fmt.Errorf("store: migration %s has no file for %s", v, engine)
		}
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].version < plan[j].version })
	return plan, nil
}

func (s *Store) appliedMigrations(ctx context.Context) (map[string]bool, error) {
	versions, err := queryList(ctx, conn{q: s.w, d: s.d}, "migrations", func(sc scanner) (string, error) {
		var v string
		return v, sc.Scan(&v)
	}, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(versions))
	for _, v := range versions {
		out[v] = true
	}
	return out, nil
}

// applyMigration runs one version under the migration lock, unless another
// instance applied it while this one waited for the lock.
func (s *Store) applyMigration(ctx context.Context, fsys fs.FS, m migration) error {
	body, err := fs.ReadFile(fsys, m.file)
	if err != nil {
		return fmt.Errorf("store: read migration %s: %w", m.version, err)
	}
	return s.tx(Background(ctx), func(c conn) error {
		// The update locks the row until commit on PostgreSQL; on SQLite the
		// IMMEDIATE transaction already holds the database's write lock.
		if _, err := c.exec(ctx, `UPDATE schema_lock SET holder = ?, locked_at = ? WHERE name = 'migrate'`, m.version, ms(time.Now())); err != nil {
			return fmt.Errorf("store: take migration lock: %w", err)
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
			return fmt.Errorf("store: check migration %s: %w", m.version, err)
		}
		if n > 0 {
			return nil // another instance applied it while this one waited
		}
		for _, stmt := range splitStatements(string(body)) {
			if _, err := c.exec(ctx, stmt); err != nil {
				return fmt.Errorf("store: migration %s: %w", m.version, err)
			}
		}
		_, err := c.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, ms(time.Now()))
		return wrap(err, "record migration "+m.version)
	})
}

// splitStatements cuts a migration file into statements at every semicolon,
// once comment lines are dropped, and drops empty statements: migrations
// hold no function bodies or string literals with a semicolon in them.
func splitStatements(body string) []string {
	var out []string
	for _, stmt := range strings.Split(stripComments(body), ";") {
		if st := strings.TrimSpace(stmt); st != "" {
			out = append(out, st)
		}
	}
	return out
}

func stripComments(stmt string) string {
	var b strings.Builder
	for _, line := range strings.Split(stmt, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// PendingMigrations lists the versions this build knows that the database
// has not recorded as applied: a database another instance has not yet
// finished migrating, or one a `stackd migrate` of this version never ran on.
func (s *Store) PendingMigrations(ctx context.Context) ([]string, error) {
	plan, err := migrationPlan(migrations, s.d.name)
	if err != nil {
		return nil, err
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	pending := []string{}
	for _, m := range plan {
		if !applied[m.version] {
			pending = append(pending, m.version)
		}
	}
	return pending, nil
}
