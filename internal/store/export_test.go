package store

import (
	"context"
	"io/fs"
)

// MigrateFrom applies the migrations of fsys, for tests of the runner.
func (s *Store) MigrateFrom(ctx context.Context, fsys fs.FS) error { return s.migrateFrom(ctx, fsys) }

// MigrationPlan exposes migrationPlan to tests: versions and their files.
func MigrationPlan(fsys fs.FS, engine string) ([][2]string, error) {
	plan, err := migrationPlan(fsys, engine)
	out := make([][2]string, len(plan))
	for i, m := range plan {
		out[i] = [2]string{m.version, m.file}
	}
	return out, err
}

// ExecForTest runs one statement on the writer.
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := conn{q: s.w, d: s.d}.exec(ctx, q, args...)
	return err
}

// QueryIntForTest reads one integer.
func (s *Store) QueryIntForTest(ctx context.Context, q string, args ...any) (int64, error) {
	var n int64
	err := s.read().row(ctx, q, args...).Scan(&n)
	return n, err
}
