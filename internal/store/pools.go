package store

import "database/sql"

// PoolStats is the state of one connection pool, for metrics.
type PoolStats struct {
	Name string // "writer" and "reader" on SQLite; "shared" where one pool does both (PostgreSQL)
	sql.DBStats
}

// PoolStats returns the state of every connection pool the store holds.
// It reads counters kept by database/sql and never touches the database.
func (s *Store) PoolStats() []PoolStats {
	if s.r == s.w {
		return []PoolStats{{Name: "shared", DBStats: s.w.Stats()}}
	}
	return []PoolStats{{Name: "writer", DBStats: s.w.Stats()}, {Name: "reader", DBStats: s.r.Stats()}}
}
