package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// BenchmarkSQLiteCommit measures durable commits per second with
// synchronous=FULL against NORMAL: each operation is one write transaction
// of three inserts (an entry write with its audit row and version row is
// about that size), from one writer and from 8 concurrent writers (which
// SQLite's single writer connection serializes). Run:
//
//	go test -run '^$' -bench BenchmarkSQLiteCommit -benchtime 2s ./internal/store/
func BenchmarkSQLiteCommit(b *testing.B) {
	for _, sync := range []string{"full", "normal"} {
		for _, writers := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/writers=%d", sync, writers), func(b *testing.B) {
				s, err := openSQLite(b.TempDir(), sync)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				ctx := context.Background()
				if _, err := s.w.ExecContext(ctx, `CREATE TABLE bench (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v TEXT NOT NULL)`); err != nil {
					b.Fatal(err)
				}
				var n atomic.Int64
				b.SetParallelism(writers)
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
			})
		}
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
