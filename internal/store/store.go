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
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	_ "modernc.org/sqlite"           // registers the "sqlite" driver
)

// Store is stackd's storage. It is safe for concurrent use.
type Store struct {
	w *sql.DB // the writer pool (one connection on SQLite)
	r *sql.DB // the reader pool (the same pool on PostgreSQL)
	d *dialect
	// counter, when set (CountQueries, tests only), counts statements.
	counter atomic.Pointer[QueryCounter]
	g       *group // SQLite's group committer (group.go); nil on PostgreSQL
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

// Options say how to open the store.
type Options struct {
	Database string // a postgres:// URL, or empty for SQLite in DataDir
	DataDir  string // the folder of the SQLite file stackd.db
	// StatementTimeout bounds every request statement on PostgreSQL (its
	// statement_timeout); work marked with Background runs without it.
	// Zero leaves the server's (or the URL's) setting alone.
	StatementTimeout time.Duration
	// Synchronous is SQLite's synchronous setting: "full" (the default: a
	// commit is on disk before it is acknowledged, so it survives power
	// loss) or "normal" (faster; survives a crash of stackd but may lose
	// the last commits on power loss).
	Synchronous string
}

// DefaultStatementTimeout is the request statement timeout when none is given.
const DefaultStatementTimeout = 30 * time.Second

// Open connects to database (a postgres:// URL) or, when database is empty,
// to the SQLite file stackd.db in dataDir, with the default options, and
// applies pending migrations.
func Open(ctx context.Context, database, dataDir string) (*Store, error) {
	return OpenWith(ctx, Options{Database: database, DataDir: dataDir, StatementTimeout: DefaultStatementTimeout})
}

// OpenWith opens the store o describes and applies pending migrations.
func OpenWith(ctx context.Context, o Options) (*Store, error) {
	var s *Store
	var err error
	if isPostgresURL(o.Database) {
		s, err = openPostgres(o.Database, o.StatementTimeout)
	} else if o.Database == "" {
		s, err = openSQLite(o.DataDir, o.Synchronous)
	} else {
		return nil, fmt.Errorf("store: unsupported database %q (want empty for SQLite or a postgres:// URL)", redact(o.Database))
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

func isPostgresURL(database string) bool {
	return strings.HasPrefix(database, "postgres://") || strings.HasPrefix(database, "postgresql://")
}

// IsPostgres reports whether database names a PostgreSQL server rather
// than SQLite.
func IsPostgres(database string) bool { return isPostgresURL(database) }

// sqliteSynchronous checks a --sqlite-synchronous value and returns the
// pragma's value.
func sqliteSynchronous(v string) (string, error) {
	switch strings.ToLower(v) {
	case "", "full":
		return "FULL", nil
	case "normal":
		return "NORMAL", nil
	}
	return "", fmt.Errorf("store: sqlite synchronous must be full or normal, not %q", v)
}

func openSQLite(dataDir, synchronous string) (*Store, error) {
	sync, err := sqliteSynchronous(synchronous)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data dir: %w", err)
	}
	path := filepath.Join(dataDir, "stackd.db")
	base := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")&_pragma=foreign_keys(1)"
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
	d := &dialect{name: "sqlite", tables: `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1`}
	s := &Store{w: w, r: r, rs: newStmtCache(r), lists: lists, ls: newStmtCache(lists), d: d}
	s.g = newGroup(w, d, s.txConn)
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

// openPostgres opens a pool on dsn. A URL may name several hosts
// (postgres://h1:5432,h2:5432/db?target_session_attrs=read-write): every
// new connection tries them in order and keeps the first that fits, and
// connections broken by a failover are discarded by the pool, so stackd
// follows a promoted standby by itself. The statement timeout is sent in
// each connection's startup packet. List statements run on a pool of their
// own (lists.go), so slow lists cannot take every connection.
func openPostgres(dsn string, timeout time.Duration) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: parse postgres URL %s: %w", redact(dsn), err)
	}
	if timeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	lists := stdlib.OpenDB(*cfg)
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
	if s.g != nil {
		s.g.close()
	}
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
	st    *txState      // per-transaction state; nil outside write transactions
	stmts *stmtCache    // nil: statements run unprepared
	lists *listPool     // where list statements run (nil: on q)
	n     *QueryCounter // counts prepared statements too when a test turns counting on
}

// txState is what one write transaction remembers across its statements:
// the change-counter value it took per stack (a transaction bumps a stack's
// counter once) and the time its changes happen at.
type txState struct {
	seq map[string]int64
	now time.Time
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
		c.n.tick()
		return st.QueryContext(ctx, args...)
	}
	return c.q.QueryContext(ctx, q, args...)
}

// rowRaw is queryRaw for one row.
func (c conn) rowRaw(ctx context.Context, q string, args ...any) *sql.Row {
	if st := c.stmts.get(ctx, q); st != nil {
		c.n.tick()
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
	return conn{q: s.counted(s.r), d: s.d, stmts: s.rs, n: s.counter.Load(),
		lists: &listPool{db: s.lists, stmts: s.ls, timeout: time.Duration(s.listTimeout.Load())}}
}

// tx runs fn in a write transaction, retrying it on contention
// (SQLITE_BUSY, serialization failures, deadlocks) with jittered backoff.
// fn must be safe to run more than once. On SQLite, transactions that wait
// at the same time commit together (group.go); fn still commits or fails
// on its own.
func (s *Store) tx(ctx context.Context, fn func(c conn) error) error {
	if s.g != nil {
		if err := s.g.do(ctx, fn); err != errRunAlone {
			return err
		}
	}
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
	if err := fn(s.txConn(t)); err != nil {
		_ = t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// txConn is the conn a transaction function gets: one per logical
// transaction, also when group commit runs several in one SQLite
// transaction (group.go).
func (s *Store) txConn(t *sql.Tx) conn {
	return conn{q: s.counted(t), d: s.d, inTx: true, st: &txState{seq: map[string]int64{}}, n: s.counter.Load()}
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
