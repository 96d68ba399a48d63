package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/stackd/stackd/internal/query"
)

// Lists run apart from everything else. A list statement (a page of
// entries, assets, content types, … built per request from the client's
// query, sort and skip) may take long on a large stack; reads of one item,
// authentication and writes are short. So list statements get their own
// small pool of connections (listConns), and the other pool is left to
// the short statements: ten slow queries in flight once made a plain read
// of one entry wait 17.9 s for a connection; now they queue only behind
// each other. And a list statement may take at most the list timeout
// (--list-timeout): past it, it is cancelled and the client gets a 422
// that says so, instead of holding a connection for minutes.

// listConns is the size of the list pool on either engine.
const listConns = 4

// DefaultListTimeout is how long a list statement may run.
const DefaultListTimeout = 5 * time.Second

// SetListTimeout sets how long a list statement may run (0: no limit).
func (s *Store) SetListTimeout(d time.Duration) { s.listTimeout.Store(int64(d)) }

// listPool is where a reader conn runs its list statements.
type listPool struct {
	db      *sql.DB
	stmts   *stmtCache
	timeout time.Duration
}

// forList returns the conn a list statement runs on, and the context
// bounding it; call cancel when the statement's rows are closed.
func (c conn) forList(ctx context.Context) (conn, context.Context, context.CancelFunc) {
	if c.lists == nil || c.inTx {
		return c, ctx, func() {}
	}
	lc := conn{q: c.lists.db, d: c.d, stmts: c.lists.stmts, n: c.n}
	if c.n != nil {
		lc.q = countingQuerier{q: lc.q, n: c.n}
	}
	if c.lists.timeout <= 0 {
		return lc, ctx, func() {}
	}
	ctx, cancel := context.WithTimeout(ctx, c.lists.timeout)
	return lc, ctx, cancel
}

// listErr turns a list statement cancelled by the list timeout into the
// client's error; other errors pass.
func (c conn) listErr(ctx context.Context, err error) error {
	if err == nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) || c.lists == nil {
		return err
	}
	return query.Invalid("it took longer than %s; query an indexed field (title, uid, dates, tags), use a smaller skip or ask for fewer items.",
		c.lists.timeout)
}
