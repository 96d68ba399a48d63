package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Store is stackd's storage. It is safe for concurrent use.
type Store struct {
	w *sql.DB // the writer pool (one connection on SQLite)
	r *sql.DB // the reader pool (the same pool on PostgreSQL)
	d *dialect
	// rs prepares the reader pool's statements (SQLite only, see stmtCache).
	rs *stmtCache
	// views are the stacks' cached views (view.go).
	views viewCache
	// lists is the pool list statements run on (lists.go), ls its
	// prepared statements, listTimeout the time one may take.
	lists       *sql.DB
	ls          *stmtCache
	listTimeout atomic.Int64 // nanoseconds
}

// Open connects to database (a postgres:// URL) or, when database is empty,
// to the SQLite file stackd.db in dataDir, and applies pending migrations.
func Open(ctx context.Context, database, dataDir string) (*Store, error) {
	var s *Store
	var err error
	if strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://") {
		s, err = openPostgres(database)
	} else if database == "" {
		s, err = openSQLite(dataDir)
	} else {
		return nil, fmt.Errorf("store: unsupported database %q (want empty for SQLite or a postgres:// URL)", redact(database))
	}
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Optimize(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(dataDir string) (*Store, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	path := filepath.Join(dataDir, "stackd.db")
	base := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	base += sqliteTuning
	w, err := sql.Open("sqlite", base+"&_pragma=cache_size(-16000)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite writer: %w", err)
	}
	// SQLite allows one writer at a time; one connection makes writers queue
	// in Go instead of spinning on SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", base+"&_pragma=cache_size(-4000)&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite reader: %w", err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	lists, err := sql.Open("sqlite", base+"&_pragma=cache_size(-4000)&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("store: open sqlite list reader: %w", err)
	}
	lists.SetMaxOpenConns(listConns)
	lists.SetMaxIdleConns(listConns)
	s := &Store{w: w, r: r, rs: newStmtCache(r), lists: lists, ls: newStmtCache(lists),
		d: &dialect{name: "sqlite", tables: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1`}}
	s.SetListTimeout(DefaultListTimeout)
	return s, nil
}

// sqliteTuning are connection settings for speed that change nothing
// stored: reads through a memory map of up to 256 MB instead of copies
// into each connection's page cache (the map's pages are the kernel's file
// cache, shared by all connections), and temporary b-trees (sorts,
// DISTINCT) in memory. Page caches: 16 MB for the writer, 4 MB for each
// of the 8 readers, so the caches stay within the RSS goal (issue 10).
const sqliteTuning = "&_pragma=mmap_size(268435456)&_pragma=temp_store(2)"

func openPostgres(dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres %s: %w", redact(dsn), err)
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	lists, err := sql.Open("pgx", dsn)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open postgres %s: %w", redact(dsn), err)
	}
	lists.SetMaxOpenConns(listConns)
	lists.SetMaxIdleConns(listConns)
	lists.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{w: db, r: db, lists: lists, d: &dialect{name: "postgres", dollar: true, forUpdate: " FOR UPDATE",
		tables: `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`}}
	s.SetListTimeout(DefaultListTimeout)
	return s, nil
}

// redact hides a password in a database URL so it can be logged.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

// Engine names the SQL engine: "sqlite" or "postgres".
func (s *Store) Engine() string { return s.d.name }

// Close closes the connection pools.
func (s *Store) Close() error {
	s.rs.close()
	s.ls.close()
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	if s.lists != nil {
		err = errors.Join(err, s.lists.Close())
	}
	return err
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.r.PingContext(ctx)
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs statements written with ? placeholders on either engine.
type conn struct {
	q     querier
	d     *dialect
	inTx  bool
	stmts *stmtCache // nil: statements run unprepared
	lists *listPool  // where list statements run (nil: on q)
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.d.rebind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.queryRaw(ctx, c.d.rebind(query), args...)
}

func (c conn) row(ctx context.Context, query string, args ...any) *sql.Row {
	return c.rowRaw(ctx, c.d.rebind(query), args...)
}

// queryRaw runs a statement already in the engine's placeholders, prepared
// when the connection caches statements.
func (c conn) queryRaw(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := c.stmts.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.q.QueryContext(ctx, q, args...)
}

// rowRaw is queryRaw for one row.
func (c conn) rowRaw(ctx context.Context, q string, args ...any) *sql.Row {
	if st := c.stmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.q.QueryRowContext(ctx, q, args...)
}

// lock returns the row-locking suffix for reads inside write transactions.
func (c conn) lock() string {
	if c.inTx {
		return c.d.forUpdate
	}
	return ""
}

// read returns a conn on the reader pool.
func (s *Store) read() conn {
	return conn{q: s.r, d: s.d, stmts: s.rs, lists: &listPool{db: s.lists, stmts: s.ls, timeout: time.Duration(s.listTimeout.Load())}}
}

// tx runs fn in a write transaction, retrying it on contention
// (SQLITE_BUSY, serialization failures, deadlocks) with jittered backoff.
// fn must be safe to run more than once.
func (s *Store) tx(ctx context.Context, fn func(c conn) error) error {
	const attempts = 8
	backoff := 5 * time.Millisecond
	var err error
	for i := 0; i < attempts; i++ {
		err = s.tryTx(ctx, fn)
		if err == nil || !s.d.isRetryable(err) {
			return err
		}
		sleep := backoff/2 + rand.N(backoff)
		select {
		case <-time.After(sleep):
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		}
		backoff = min(backoff*2, 500*time.Millisecond)
	}
	return fmt.Errorf("store: transaction gave up after %d attempts: %w", attempts, err)
}

func (s *Store) tryTx(ctx context.Context, fn func(c conn) error) error {
	t, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if s.d.name == "postgres" && isBackground(ctx) {
		if _, err := t.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			_ = t.Rollback()
			return fmt.Errorf("store: lift statement timeout: %w", err)
		}
	}
	if err := fn(conn{q: t, d: s.d, inTx: true}); err != nil {
		_ = t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

type bgKey struct{}

// Background marks ctx as background work (migrations, jobs, backups,
// branch copies, bench seeding): its transactions run without the
// statement timeout that bounds request queries on PostgreSQL.
func Background(ctx context.Context) context.Context {
	return context.WithValue(ctx, bgKey{}, true)
}

func isBackground(ctx context.Context) bool {
	v, _ := ctx.Value(bgKey{}).(bool)
	return v
}

// noTimeout is Background for the store's own use.
func noTimeout(ctx context.Context) context.Context { return Background(ctx) }

// ms converts a time to the Unix milliseconds stored in every timestamp column.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds back to a UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// Checkpoint folds SQLite's write-ahead log into the database file, so the
// file alone holds every committed row (tests read it; backups copy it). It
// does nothing on PostgreSQL.
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.d.name != "sqlite" {
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	return nil
}
