package opstest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestFailover runs stackd on a primary with a synchronous streaming
// standby (pg_basebackup -R, synchronous_standby_names, fsync and
// synchronous_commit on), given both in one multi-host URL with
// target_session_attrs=read-write. Under write load the primary is stopped
// in immediate mode and the standby promoted: stackd goes on writing to
// the new primary by itself, requests during the switch fail with 503 at
// worst, and every acknowledged write is on the new primary.
func TestFailover(t *testing.T) {
	needOps(t)
	primary := newPrimary(t, "wal_level=replica", "max_wal_senders=5")
	primary.exec("postgres", "CREATE DATABASE stackd")
	standby := primary.standby()
	// Set after the base backup, so the standby does not inherit it: once
	// promoted, it has no standby of its own to wait for.
	primary.exec("postgres", "ALTER SYSTEM SET synchronous_standby_names = '*'", "SELECT pg_reload_conf()")
	primary.waitSync()
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/stackd?sslmode=disable&target_session_attrs=read-write&connect_timeout=5",
		primary.port, standby.port)
	srv := startServer(t, filepath.Join(t.TempDir(), "data"), url)
	c := setupStack(t, srv.cma, srv.cda)
	l := newLedger()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	wg := (&load{c: c, l: l}).run(ctx, 4)
	waitAcked(t, l, 150, 30*time.Second)

	primary.stopImmediate()
	stopped := time.Now()
	waitStatus(t, l, "503", 5, 10*time.Second)
	standby.promote()
	waitReady(t, c, 60*time.Second)
	t.Logf("stackd wrote to the new primary %s after the old one stopped", time.Since(stopped).Round(10*time.Millisecond))
	before := l.acked()
	waitAcked(t, l, before+150, 60*time.Second)
	cancel()
	wg.Wait()
	t.Logf("load through the failover: %s", l)
	checkAnswers(t, l, "200", "201", "503")
	entries, assets := l.verify(t, c, time.Time{}, time.Time{})
	t.Logf("on the new primary: %d acknowledged entries and %d acknowledged assets all found", entries, assets)
	if v, err := standby.query("stackd", "SELECT pg_is_in_recovery()::text"); err != nil || v != "false" {
		t.Errorf("the promoted standby is in recovery: %q %v", v, err)
	}
}
