package store

import (
	"context"
	"time"
)

// Sleep runs pg_sleep(d) in a write transaction, for statement timeout
// tests: a request's transaction keeps the timeout, background work's
// lifts it.
func (s *Store) Sleep(ctx context.Context, d time.Duration) error {
	return s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `SELECT pg_sleep(?)`, d.Seconds())
		return err
	})
}

// ForgetMigration deletes version's row from schema_migrations, for tests
// of PendingMigrations.
func (s *Store) ForgetMigration(ctx context.Context, version string) error {
	_, err := conn{q: s.w, d: s.d}.exec(ctx, `DELETE FROM schema_migrations WHERE version = ?`, version)
	return err
}
