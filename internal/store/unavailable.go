package store

import (
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Outage says why the database could not do its part of a request when
// that is a passing condition rather than a fault of stackd or of the
// request: the client should try again later (HTTP 503).
type Outage int

// The outages Unavailable tells apart.
const (
	NoOutage    Outage = iota
	Unreachable        // the database cannot be reached, is shutting down, or is read-only (a standby)
	TimedOut           // a statement ran past the statement timeout
	Contended          // the transaction kept losing to concurrent writers and gave up
)

// Unavailable classifies err, as returned by any store method, by its
// typed causes (never by its English text): connection failures (pgconn's
// connect and closed-connection errors, net.OpError, an unexpected EOF
// from the server, driver.ErrBadConn), PostgreSQL's connection, shutdown,
// resource and read-only SQLSTATEs, the statement timeout (57014),
// contention that outlasted the transaction helper's retries
// (serialization failures, deadlocks, SQLITE_BUSY), and SQLite I/O and
// disk-full failures.
func Unavailable(err error) Outage {
	if err == nil {
		return NoOutage
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pgOutage(pg.Code)
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return sqliteOutage(lite.Code())
	}
	var connect *pgconn.ConnectError
	var netErr *net.OpError
	switch {
	case errors.As(err, &connect), errors.As(err, &netErr),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, pgconn.ErrConnClosed),
		errors.Is(err, io.ErrUnexpectedEOF):
		return Unreachable
	}
	return NoOutage
}

// pgOutage maps a SQLSTATE: class 08 (connection exception), 53
// (insufficient resources), 57P01–57P03 (shutdown, crash, starting up),
// 25006 (read-only transaction: the server is a standby or was demoted),
// 57014 (statement timeout or cancel) and the retryable 40001/40P01.
func pgOutage(code string) Outage {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"),
		code == "57P01", code == "57P02", code == "57P03", code == "25006":
		return Unreachable
	case code == "57014":
		return TimedOut
	case code == "40001", code == "40P01":
		return Contended
	}
	return NoOutage
}

// sqliteOutage maps a SQLite result code (extended codes carry the
// primary code in their low byte).
func sqliteOutage(code int) Outage {
	switch code & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return Contended
	case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN:
		return Unreachable
	}
	return NoOutage
}
