package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements of SQLite's reader pool by their
// text, so a statement is parsed once per connection instead of on every
// call (modernc's driver prepares and finalizes one-shot queries each
// time; parsing was about an eighth of a read's CPU). database/sql
// prepares a cached statement lazily on each connection that runs it.
//
// It is bounded: past maxStmts texts, statements run unprepared. Fixed
// statements number a few hundred; list statements built per request
// differ only by the shape of their query (values are arguments).
//
// PostgreSQL needs none: pgx caches prepared statements per connection.
// The writer is not cached: it has one connection, which a transaction
// holds, so preparing on the pool there would wait for itself.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

const maxStmts = 1024

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}}
}

// get returns the prepared statement of q, or nil when q should run
// unprepared (no cache, cache full, or q fails to prepare: running it
// reports the error).
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, ok := c.m[q]
	full := len(c.m) >= maxStmts
	c.mu.RUnlock()
	if ok || full {
		return st
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[q]; ok {
		_ = st.Close()
		return old
	}
	c.m[q] = st
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m = map[string]*sql.Stmt{}
}
