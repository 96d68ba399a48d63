package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Group commit (SQLite). With synchronous=FULL every commit waits for
// fsync, and SQLite has one writer, so durable commits are few per second
// when each transaction commits alone. The group committer runs the write
// transactions that are waiting at the same time in one SQLite
// transaction, each in a savepoint of its own, and commits them with one
// fsync:
//
//   - a transaction whose function fails is rolled back to its savepoint
//     and gets its own error; the others are not touched;
//   - a transaction whose function panics is rolled back the same way and
//     its caller panics with the same value;
//   - if the shared transaction itself breaks (SQLite rolls a whole
//     transaction back on some errors, such as an interrupted statement or
//     a full disk), nothing of it was committed, and every transaction
//     that had succeeded in it runs again alone (tx functions must be safe
//     to run more than once: the retry loop already asks that);
//   - each caller returns only after the commit that holds its changes,
//     with that commit's error if it fails.
//
// So every caller sees what it would see alone: its changes committed
// once, or an error and none of them. A transaction sees the changes of
// the ones before it in its group, as it would if they had committed just
// before it. PostgreSQL needs none of this: its transactions run on
// separate connections and its WAL flush already groups commits.
type group struct {
	w    *sql.DB
	d    *dialect
	conn func(*sql.Tx) conn // Store.txConn
	reqs chan *groupReq     // unbuffered: a send succeeds only while the committer runs
	quit chan struct{}
	once sync.Once
	done sync.WaitGroup
	max  int // transactions per group

	commits, members, broken atomic.Int64 // for tests and benchmarks
}

// groupReq is one transaction waiting for its group.
type groupReq struct {
	ctx  context.Context
	fn   func(c conn) error
	done chan error // one answer: nil, fn's error, errRunAlone or a *panicked
}

// errRunAlone tells a caller that its group broke before committing: run
// the transaction again on its own.
var errRunAlone = errors.New("store: group broke; run the transaction alone")

// errClosed is the answer after Close.
var errClosed = errors.New("store: closed")

// panicked carries a panic of a transaction function back to its caller.
type panicked struct{ v any }

func (p *panicked) Error() string { return fmt.Sprintf("store: transaction panicked: %v", p.v) }

func newGroup(w *sql.DB, d *dialect, txConn func(*sql.Tx) conn) *group {
	g := &group{w: w, d: d, conn: txConn, reqs: make(chan *groupReq), quit: make(chan struct{}), max: 64}
	g.done.Add(1)
	go g.run()
	return g
}

// close stops the committer after the group it is running.
func (g *group) close() {
	g.once.Do(func() { close(g.quit) })
	g.done.Wait()
}

// do runs fn in the next group. It returns errRunAlone when the caller
// must run fn alone.
func (g *group) do(ctx context.Context, fn func(c conn) error) error {
	r := &groupReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case g.reqs <- r:
	case <-g.quit:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	err := <-r.done // once taken, a transaction is always answered
	var p *panicked
	if errors.As(err, &p) {
		panic(p.v)
	}
	return err
}

func (g *group) run() {
	defer g.done.Done()
	for {
		select {
		case r := <-g.reqs:
			g.batch(r)
		case <-g.quit:
			return
		}
	}
}

// batch runs first and every transaction that arrives while the group is
// open (up to max), then commits them together.
func (g *group) batch(first *groupReq) {
	t, err := g.w.BeginTx(context.Background(), nil)
	if err != nil {
		first.done <- errRunAlone // the solo path retries a busy database
		return
	}
	var ok []*groupReq
	for r := first; r != nil; r = g.next(len(ok)) {
		succeeded, broken := g.member(t, r)
		if succeeded {
			ok = append(ok, r)
		}
		if broken {
			g.broken.Add(1)
			_ = t.Rollback()
			answer(ok, errRunAlone)
			return
		}
	}
	if err := t.Commit(); err != nil {
		answer(ok, fmt.Errorf("store: commit: %w", err))
		return
	}
	g.commits.Add(1)
	g.members.Add(int64(len(ok)))
	answer(ok, nil)
}

// next returns a transaction already waiting, or nil to close the group.
func (g *group) next(n int) *groupReq {
	if n >= g.max {
		return nil
	}
	select {
	case r := <-g.reqs:
		return r
	default:
		return nil
	}
}

func answer(rs []*groupReq, err error) {
	for _, r := range rs {
		r.done <- err
	}
}

// member runs r in a savepoint of t. It answers r unless r succeeded (then
// r waits for the commit). broken reports that t can no longer be used.
func (g *group) member(t *sql.Tx, r *groupReq) (succeeded, broken bool) {
	if err := r.ctx.Err(); err != nil {
		r.done <- err
		return false, false
	}
	if _, err := t.Exec(`SAVEPOINT stackd_tx`); err != nil {
		r.done <- errRunAlone
		return false, true
	}
	err := call(r.fn, g.conn(t))
	if err == nil {
		if _, err := t.Exec(`RELEASE stackd_tx`); err != nil {
			r.done <- errRunAlone
			return false, true
		}
		return true, false
	}
	if _, rbErr := t.Exec(`ROLLBACK TO stackd_tx`); rbErr != nil {
		r.done <- err // SQLite rolled the whole transaction back on r's error
		return false, true
	}
	if _, relErr := t.Exec(`RELEASE stackd_tx`); relErr != nil {
		r.done <- err
		return false, true
	}
	if g.d.isRetryable(err) {
		err = errRunAlone
	}
	r.done <- err
	return false, false
}

// call runs fn, turning a panic into a *panicked error.
func call(fn func(c conn) error, c conn) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicked{v: v}
		}
	}()
	return fn(c)
}
