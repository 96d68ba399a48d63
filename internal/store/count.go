package store

import (
	"context"
	"database/sql"
	"sync/atomic"
)

// QueryCounter counts the statements a store sends to its database, so
// that tests can check that a request costs a bounded number of queries
// (no N+1). It is off unless a test turns it on with CountQueries.
type QueryCounter struct{ n atomic.Int64 }

// N is the number of statements sent since the counter was turned on or
// last reset.
func (q *QueryCounter) N() int64 { return q.n.Load() }

// tick counts one statement; a nil counter (counting off) does nothing.
func (q *QueryCounter) tick() {
	if q != nil {
		q.n.Add(1)
	}
}

// Reset sets the count back to zero.
func (q *QueryCounter) Reset() { q.n.Store(0) }

// CountQueries turns statement counting on and returns the counter. Meant
// for tests: it costs an atomic increment per statement.
func (s *Store) CountQueries() *QueryCounter {
	q := &QueryCounter{}
	s.counter.Store(q)
	return q
}

// counted wraps q so that every statement it runs is counted, when a
// counter is on.
func (s *Store) counted(q querier) querier {
	if n := s.counter.Load(); n != nil {
		return countingQuerier{q: q, n: n}
	}
	return q
}

type countingQuerier struct {
	q querier
	n *QueryCounter
}

func (c countingQuerier) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	c.n.n.Add(1)
	return c.q.ExecContext(ctx, query, args...)
}

func (c countingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.n.Add(1)
	return c.q.QueryContext(ctx, query, args...)
}

func (c countingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.n.Add(1)
	return c.q.QueryRowContext(ctx, query, args...)
}
