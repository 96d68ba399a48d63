package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestSQLiteErrorClasses: unique violations and a busy database are told
// apart by SQLite's result codes, not by the text of the message.
func TestSQLiteErrorClasses(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := conn{q: s.w, d: s.d}
	if _, err := c.exec(ctx, `CREATE TABLE u (k TEXT PRIMARY KEY, v TEXT UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	_, _ = c.exec(ctx, `INSERT INTO u VALUES ('a', 'x')`)
	for _, q := range []string{`INSERT INTO u VALUES ('a', 'y')`, `INSERT INTO u VALUES ('b', 'x')`} {
		_, err := c.exec(ctx, q)
		if !s.d.isUnique(err) || s.d.isRetryable(err) {
			t.Errorf("%s: %v: isUnique %v, isRetryable %v", q, err, s.d.isUnique(err), s.d.isRetryable(err))
		}
	}
	if _, err := c.exec(ctx, `INSERT INTO nope VALUES (1)`); s.d.isUnique(err) || s.d.isRetryable(err) {
		t.Errorf("a missing table counted as unique or retryable: %v", err)
	}

	// A second connection without a busy timeout meets the first one's write lock.
	path := filepath.Join(t.TempDir(), "busy.db")
	a, _ := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)")
	b, _ := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	defer a.Close()
	defer b.Close()
	if _, err := a.Exec(`CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.Exec(`INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	_, err = b.Exec(`INSERT INTO t VALUES (2)`)
	if err == nil || !s.d.isRetryable(err) || s.d.isUnique(err) {
		t.Errorf("a write meeting another's lock: %v, isRetryable %v", err, s.d.isRetryable(err))
	}
}
