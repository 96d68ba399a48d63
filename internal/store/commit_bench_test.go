package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkSQLiteCommit measures commits per second with synchronous=FULL
// against NORMAL, each transaction committing alone or in groups
// (group.go): each operation is one write transaction of three inserts (an
// entry write with its audit row and version row is about that size), from
// one writer and from 8 concurrent writers (which SQLite's single writer
// connection serializes). Run:
//
//	go test -run '^$' -bench BenchmarkSQLiteCommit -benchtime 2s ./internal/store/
func BenchmarkSQLiteCommit(b *testing.B) {
	for _, c := range []struct {
		sync    string
		grouped bool
		writers int
	}{{"full", false, 1}, {"full", false, 8}, {"full", true, 8}, {"normal", false, 1}, {"normal", false, 8}, {"normal", true, 8}} {
		name := fmt.Sprintf("%s/alone/writers=%d", c.sync, c.writers)
		if c.grouped {
			name = fmt.Sprintf("%s/grouped/writers=%d", c.sync, c.writers)
		}
		b.Run(name, func(b *testing.B) {
			s, err := openSQLite(b.TempDir(), c.sync)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if !c.grouped {
				s.g.close()
				s.g = nil
			}
			ctx := context.Background()
			if _, err := s.w.ExecContext(ctx, `CREATE TABLE bench (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)`); err != nil {
				b.Fatal(err)
			}
			var n atomic.Int64
			b.SetParallelism(c.writers)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := commitThree(ctx, s, n.Add(1)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
			if s.g != nil {
				b.ReportMetric(float64(s.g.members.Load())/float64(max(1, s.g.commits.Load())), "tx/commit")
			}
		})
	}
}

func commitThree(ctx context.Context, s *Store, i int64) error {
	return s.tx(ctx, func(c conn) error {
		for j := range 3 {
			if _, err := c.exec(ctx, `INSERT INTO bench (k, v) VALUES (?, ?)`, fmt.Sprint(i, "-", j), "a value of some forty bytes, like a row"); err != nil {
				return err
			}
		}
		return nil
	})
}
