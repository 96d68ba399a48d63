package store

import (
	"context"
	"fmt"
	"time"
)

// Optimize keeps the query planner's statistics current, cheaply enough
// to run at every start and every hour: on SQLite PRAGMA optimize, which
// runs ANALYZE (sampling at most 1,000 rows per index) only on tables
// whose size changed much since their last analysis or never analyzed;
// without statistics SQLite picked the update-time index for a title
// query on a million entries and took a second instead of 2 ms. On
// PostgreSQL autovacuum keeps statistics, so Optimize does nothing.
func (s *Store) Optimize(ctx context.Context) error {
	if s.d.name != "sqlite" {
		return nil
	}
	for _, q := range []string{`PRAGMA analysis_limit = 1000`, `PRAGMA optimize = 0x10002`} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: optimize (%s): %w", q, err)
		}
	}
	return nil
}

// Analyze gathers statistics of every table now, for after a bulk load
// (autovacuum on PostgreSQL, or Optimize on SQLite, would only catch up
// later).
func (s *Store) Analyze(ctx context.Context) error {
	qs := []string{`ANALYZE`}
	if s.d.name == "sqlite" {
		qs = []string{`PRAGMA analysis_limit = 1000`, `ANALYZE`}
	}
	for _, q := range qs {
		if _, err := s.w.ExecContext(Background(ctx), q); err != nil {
			return fmt.Errorf("store: analyze: %w", err)
		}
	}
	return nil
}

// PruneAudit deletes audit items created before cutoff, stack by stack
// (through the audit log's (api_key, created_at) index) in transactions
// of at most batch rows, and returns how many it deleted. The audit API
// shows the last 30 days; docs/performance.md states the retention.
func (s *Store) PruneAudit(ctx context.Context, cutoff time.Time, batch int) (int64, error) {
	keys, err := queryList(ctx, s.read(), "stacks", func(sc scanner) (string, error) {
		var k string
		return k, sc.Scan(&k)
	}, `SELECT api_key FROM stacks`) // a deleted stack takes its audit items along
	if err != nil {
		return 0, err
	}
	var total int64
	for _, k := range keys {
		for {
			var n int64
			err := s.tx(Background(ctx), func(c conn) error {
				res, err := c.exec(ctx, `DELETE FROM audit_log WHERE uid IN (SELECT uid FROM audit_log
					WHERE api_key = ? AND created_at < ? LIMIT ?)`, k, ms(cutoff), batch)
				if err != nil {
					return fmt.Errorf("store: prune audit log: %w", err)
				}
				n, err = res.RowsAffected()
				return err
			})
			if err != nil {
				return total, err
			}
			if total += n; n < int64(batch) {
				break
			}
		}
	}
	return total, nil
}
