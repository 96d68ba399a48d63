package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrate applies pending migrations; Open calls it. The SQL files are
// idempotent DDL (IF NOT EXISTS), so two instances starting together on one
// database both succeed: the loser of the race simply finds the work done.
func (s *Store) Migrate(ctx context.Context) error { return s.migrate(ctx) }

func (s *Store) migrate(ctx context.Context) error {
	c := conn{q: s.w, d: s.d}
	if _, err := c.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil && !s.d.isUnique(err) {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: list migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := s.applyMigration(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, name string) error {
	version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
	var n int
	if err := s.read().row(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return fmt.Errorf("store: check migration %s: %w", version, err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("store: read migration %s: %w", version, err)
	}
	err = s.tx(ctx, func(c conn) error {
		for _, stmt := range strings.Split(string(body), ";") {
			if strings.TrimSpace(stripComments(stmt)) == "" {
				continue
			}
			if _, err := c.exec(ctx, stmt); err != nil {
				return fmt.Errorf("store: migration %s: %w", version, err)
			}
		}
		_, err := c.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, ms(time.Now()))
		if err != nil {
			return fmt.Errorf("store: record migration %s: %w", version, err)
		}
		return nil
	})
	if err != nil && s.d.isUnique(err) {
		return nil // another instance applied it first
	}
	return err
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
