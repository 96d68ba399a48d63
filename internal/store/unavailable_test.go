package store_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stackd/stackd/internal/store"
)

// TestUnavailable classifies errors by their types, however deeply they
// are wrapped, and leaves every other error alone (a 500 stays a 500).
func TestUnavailable(t *testing.T) {
	wrapped := func(err error) error {
		return fmt.Errorf("store: find entry x: %w", fmt.Errorf("store: begin: %w", err))
	}
	for _, c := range []struct {
		name string
		err  error
		want store.Outage
	}{
		{"nil", nil, store.NoOutage},
		{"plain error", errors.New("connection refused"), store.NoOutage},
		{"unique violation", &pgconn.PgError{Code: "23505"}, store.NoOutage},
		{"syntax error", &pgconn.PgError{Code: "42601"}, store.NoOutage},
		{"context canceled", context.Canceled, store.NoOutage},
		{"connect error", &pgconn.ConnectError{}, store.Unreachable},
		{"refused dial", &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}, store.Unreachable},
		{"reset read", &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}, store.Unreachable},
		{"bad conn", driver.ErrBadConn, store.Unreachable},
		{"conn closed", pgconn.ErrConnClosed, store.Unreachable},
		{"unexpected EOF", io.ErrUnexpectedEOF, store.Unreachable},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, store.Unreachable},
		{"crash shutdown", &pgconn.PgError{Code: "57P02"}, store.Unreachable},
		{"starting up", &pgconn.PgError{Code: "57P03"}, store.Unreachable},
		{"connection failure", &pgconn.PgError{Code: "08006"}, store.Unreachable},
		{"too many connections", &pgconn.PgError{Code: "53300"}, store.Unreachable},
		{"read-only standby", &pgconn.PgError{Code: "25006"}, store.Unreachable},
		{"statement timeout", &pgconn.PgError{Code: "57014"}, store.TimedOut},
		{"serialization failure", &pgconn.PgError{Code: "40001"}, store.Contended},
		{"deadlock", &pgconn.PgError{Code: "40P01"}, store.Contended},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := store.Unavailable(c.err); got != c.want {
				t.Errorf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
			}
			if c.err != nil {
				if got := store.Unavailable(wrapped(c.err)); got != c.want {
					t.Errorf("Unavailable(wrapped %v) = %v, want %v", c.err, got, c.want)
				}
			}
		})
	}
}

// TestStatementTimeout runs on PostgreSQL: a request statement past the
// timeout fails as TimedOut, while the same statement in background work
// (store.Background) runs to its end.
func TestStatementTimeout(t *testing.T) {
	dsn := os.Getenv("STACKD_TEST_POSTGRES_URL")
	if dsn == "" {
		t.Skip("needs PostgreSQL (STACKD_TEST_POSTGRES_URL)")
	}
	st, err := store.OpenWith(t.Context(), store.Options{Database: dsn, DataDir: t.TempDir(), StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Sleep(t.Context(), time.Second)
	if store.Unavailable(err) != store.TimedOut {
		t.Fatalf("a 1 s statement under a 200 ms timeout: %v (%v), want TimedOut", err, store.Unavailable(err))
	}
	if err := st.Sleep(store.Background(t.Context()), time.Second); err != nil {
		t.Fatalf("the same statement as background work: %v", err)
	}
	if err := st.Sleep(t.Context(), 10*time.Millisecond); err != nil {
		t.Fatalf("a short statement after a timeout: %v", err)
	}
}
