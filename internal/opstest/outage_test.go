package opstest

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// TestPostgresOutage stops PostgreSQL in immediate mode (a crash) while
// clients write through stackd: stackd answers 503 with Retry-After and
// the error body (never a 500, and /healthz and /readyz say 503), starts
// answering 200 by itself once PostgreSQL is back, and every write it
// acknowledged, before or after, is there.
func TestPostgresOutage(t *testing.T) {
	needOps(t)
	pg := newPrimary(t)
	pg.exec("postgres", "CREATE DATABASE stackd")
	srv := startServer(t, filepath.Join(t.TempDir(), "data"), pg.url("stackd"))
	c := setupStack(t, srv.cma, srv.cda)
	l := newLedger()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	wg := (&load{c: c, l: l}).run(ctx, 4)
	waitAcked(t, l, 100, 30*time.Second)

	pg.stopImmediate()
	checkOutage(t, c)
	waitStatus(t, l, "503", 5, 10*time.Second)
	pg.start()
	recovered := time.Now()
	waitReady(t, c, 30*time.Second)
	t.Logf("stackd answered 200 again %s after PostgreSQL was back", time.Since(recovered).Round(10*time.Millisecond))
	before := l.acked()
	waitAcked(t, l, before+100, 30*time.Second)
	cancel()
	wg.Wait()
	t.Logf("load through the outage: %s", l)
	checkAnswers(t, l, "200", "201", "503")
	entries, assets := l.verify(t, c, time.Time{}, time.Time{})
	t.Logf("%d acknowledged entries and %d acknowledged assets all found", entries, assets)
}

// checkOutage: reads answer 503 with Retry-After and the error body;
// /healthz and /readyz answer 503 on the listeners that have them.
func checkOutage(t *testing.T, c *client) {
	t.Helper()
	r := c.do("GET", "/v3/content_types/note/entries", nil)
	if r.err != nil || r.status != 503 || r.header.Get("Retry-After") == "" ||
		num(r.body["error_code"]) != 503 || str(r.body["error_message"]) == "" || r.body["errors"] == nil {
		t.Errorf("a read while PostgreSQL is down: %d Retry-After %q %s %v", r.status, r.header.Get("Retry-After"), r.raw, r.err)
	}
	for _, u := range []string{c.cma + "/healthz", c.cma + "/readyz", c.cda + "/readyz"} {
		resp, err := http.Get(u)
		if err != nil || resp.StatusCode != 503 {
			t.Errorf("GET %s while PostgreSQL is down: %v %v", u, resp, err)
		}
		if err == nil {
			resp.Body.Close()
		}
	}
}

// waitReady waits until /readyz and a read answer 200.
func waitReady(t *testing.T, c *client, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(c.cma + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 && c.do("GET", "/v3/content_types/note/entries", nil).status == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("stackd did not recover within %s", limit)
}

// waitStatus waits until the ledger counts n answers with status.
func waitStatus(t *testing.T, l *ledger, status string, n int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for l.count(status) < n {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d answers %s within %s: %s", n, status, limit, l)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkAnswers fails the test for any answer outside allowed (a 500, a
// cut connection).
func checkAnswers(t *testing.T, l *ledger, allowed ...string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for status, n := range l.statuses {
		if !oneOf(status, allowed...) {
			t.Errorf("%d answers %s (allowed: %v)", n, status, allowed)
		}
	}
}
