package api_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/domain"
)

// concurrently runs fn(i) for i in [0, n) all at once and returns the
// statuses.
func concurrently(n int, fn func(i int) int) map[int]int {
	var mu sync.Mutex
	counts := map[int]int{}
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			s := fn(i)
			mu.Lock()
			counts[s]++
			mu.Unlock()
		}()
	}
	start.Done()
	done.Wait()
	return counts
}

// TestManagementTokenCapConcurrent: 45 management tokens created at once on
// one stack: exactly 30 (the cap) are created, the rest refused with 422.
func TestManagementTokenCapConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		owner := e.Login("owner@example.com")
		apiKey := e.CreateStack(owner, "Capped")
		h := map[string]string{"authtoken": owner, "api_key": apiKey}
		counts := concurrently(45, func(i int) int {
			rec := e.Send(e.Handler, "POST", "/v3/stacks/management_tokens", h, map[string]any{"token": map[string]any{
				"name": fmt.Sprintf("t%02d", i), "scope": []any{rw("$all"), branches("main")}}})
			return rec.Code
		})
		if counts[201] != domain.MaxManagementTokens || counts[422] != 45-domain.MaxManagementTokens {
			t.Errorf("45 concurrent creates: %v; want %d × 201 and %d × 422", counts, domain.MaxManagementTokens, 45-domain.MaxManagementTokens)
		}
		tokens, err := e.Store.ManagementTokens(context.Background(), apiKey)
		if err != nil || len(tokens) != domain.MaxManagementTokens {
			t.Errorf("the stack holds %d management tokens (%v), want %d", len(tokens), err, domain.MaxManagementTokens)
		}
	})
}

// TestSessionCapConcurrent: 30 logins of one user at once (each retried
// while other checks of the account are in flight): every one succeeds and
// the user is left with the 20 newest sessions.
func TestSessionCapConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		uid := e.AddUser("many@example.com")
		var last sync.Map
		counts := concurrently(30, func(i int) int {
			for range 500 {
				rec := e.Send(e.Handler, "POST", "/v3/user-session", nil, loginBody("many@example.com", apitest.Password))
				if rec.Code != 429 {
					return rec.Code
				}
				last.Store(i, rec.Body.String())
				time.Sleep(5 * time.Millisecond) // Retry-After, shortened
			}
			return 429
		})
		if counts[200] != 30 {
			last.Range(func(k, v any) bool { t.Logf("login %v was last refused with %s", k, v); return true })
			t.Errorf("30 concurrent logins: %v, want 30 × 200", counts)
		}
		if n, err := e.Store.CountSessions(context.Background(), uid); err != nil || n != 20 {
			t.Errorf("sessions after 30 concurrent logins: %d (%v), want 20", n, err)
		}
	})
}
