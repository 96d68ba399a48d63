package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func groupStore(t *testing.T) *Store {
	t.Helper()
	s, err := openSQLite(t.TempDir(), "full")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.w.Exec(`CREATE TABLE g (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return s
}

func ids(t *testing.T, s *Store) []int {
	t.Helper()
	out, err := queryList(context.Background(), s.read(), "ids", func(sc scanner) (int, error) {
		var id int
		return id, sc.Scan(&id)
	}, `SELECT id FROM g ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// insert is a transaction that inserts id, holds the group open for a
// moment (so that others queue behind it), then ends as end says.
func insert(s *Store, id int, end func() error) error {
	return s.tx(context.Background(), func(c conn) error {
		if _, err := c.exec(context.Background(), `INSERT INTO g (id) VALUES (?)`, id); err != nil {
			return err
		}
		time.Sleep(200 * time.Microsecond)
		return end()
	})
}

// TestGroupCommitKeepsEachTransactionAlone: 60 concurrent transactions
// commit in groups; those that fail or panic lose their own insert and get
// their own error or panic back, and every other insert is committed.
func TestGroupCommitKeepsEachTransactionAlone(t *testing.T) {
	s := groupStore(t)
	var wg sync.WaitGroup
	results := make([]string, 60)
	for i := range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if v := recover(); v != nil {
					results[i] = fmt.Sprint("panic ", v)
				}
			}()
			err := insert(s, i, func() error {
				switch {
				case i%7 == 3:
					panic(fmt.Sprint("boom ", i))
				case i%5 == 1:
					return fmt.Errorf("refused %d", i)
				}
				return nil
			})
			results[i] = fmt.Sprint(err)
		}()
	}
	wg.Wait()
	var want []int
	for i := range 60 {
		wantResult := "<nil>"
		switch {
		case i%7 == 3:
			wantResult = fmt.Sprint("panic boom ", i)
		case i%5 == 1:
			wantResult = fmt.Sprint("refused ", i)
		default:
			want = append(want, i)
		}
		if results[i] != wantResult {
			t.Errorf("transaction %d: %q, want %q", i, results[i], wantResult)
		}
	}
	if diff := cmp.Diff(want, ids(t, s)); diff != "" {
		t.Errorf("committed rows (-want +got):\n%s", diff)
	}
	if c, m := s.g.commits.Load(), s.g.members.Load(); m <= c {
		t.Errorf("%d transactions in %d commits: nothing was grouped", m, c)
	}
}

// TestGroupCommitBrokenGroup: a transaction that ends the shared SQLite
// transaction (as SQLite does itself on an interrupted statement or a full
// disk) gets its error; the transactions grouped with it are run again
// alone and committed.
func TestGroupCommitBrokenGroup(t *testing.T) {
	s := groupStore(t)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	start := func(i int, fn func(c conn) error) {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = s.tx(context.Background(), fn) }()
		time.Sleep(5 * time.Millisecond) // queue in this order
	}
	ins := func(id int, then func(c conn) error) func(c conn) error {
		return func(c conn) error {
			if _, err := c.exec(context.Background(), `INSERT INTO g (id) VALUES (?)`, id); err != nil {
				return err
			}
			return then(c)
		}
	}
	start(0, ins(0, func(conn) error { time.Sleep(60 * time.Millisecond); return nil })) // holds the group open
	for i := 1; i < 5; i++ {
		start(i, ins(i, func(conn) error { return nil }))
	}
	breaker := errors.New("the statement failed and SQLite rolled back")
	start(5, ins(5, func(c conn) error {
		if _, err := c.exec(context.Background(), `ROLLBACK`); err != nil {
			return err
		}
		return breaker
	}))
	for i := 6; i < 10; i++ {
		start(i, ins(i, func(conn) error { return nil }))
	}
	wg.Wait()
	for i, err := range errs {
		if want := error(nil); i == 5 {
			if !errors.Is(err, breaker) {
				t.Errorf("the breaking transaction: %v, want its own error", err)
			}
		} else if err != want {
			t.Errorf("transaction %d: %v", i, err)
		}
	}
	if diff := cmp.Diff([]int{0, 1, 2, 3, 4, 6, 7, 8, 9}, ids(t, s)); diff != "" {
		t.Errorf("committed rows (-want +got):\n%s", diff)
	}
	if s.g.broken.Load() == 0 {
		t.Errorf("no group broke: the test did not test what it says")
	}
}
