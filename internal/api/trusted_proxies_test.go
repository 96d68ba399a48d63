package api_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// failLogins sends n failed logins (each for a new unknown email, so only
// the address bucket fills) with X-Forwarded-For xff and returns the last
// status.
func failLogins(e *apitest.Env, n int, xff string) int {
	status := 0
	for i := range n {
		rec := e.Send(e.Handler, "POST", "/v3/user-session", map[string]string{"X-Forwarded-For": xff},
			loginBody(fmt.Sprintf("nobody-%s-%d@example.com", xff, i), "Wrong-passw0rd"))
		status = rec.Code
	}
	return status
}

// TestTrustedProxies: behind a trusted proxy each forwarded client has its
// own login bucket and is the audit log's remote_addr; without the proxy
// trusted, X-Forwarded-For changes nothing (a client cannot pick a fresh
// bucket by writing the header).
func TestTrustedProxies(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	stackEnv(t, e)
	untrusted := e.Handler
	deps := apitest.Deps(e)
	deps.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")} // httptest's peer is 192.0.2.1
	e.Handler = api.New(deps)

	if status := failLogins(e, 100, "198.51.100.1"); status != 422 {
		t.Fatalf("the 100th failure of a client: %d, want 422", status)
	}
	if status := failLogins(e, 1, "198.51.100.1"); status != 429 {
		t.Errorf("the 101st failure of one client: %d, want 429", status)
	}
	if status := failLogins(e, 1, "198.51.100.2"); status != 422 {
		t.Errorf("another client behind the same proxy: %d, want 422 (its own bucket)", status)
	}

	owner := map[string]string{"authtoken": e.Vars["owner"], "api_key": e.Vars["api_key"], "X-Forwarded-For": "198.51.100.7"}
	if status, body := e.Do("POST", "/v3/environments", owner, `{"environment":{"name":"behind-proxy"}}`); status != 201 {
		t.Fatalf("create environment: %d %v", status, body)
	}
	_, logs := e.Do("GET", "/v3/audit-logs", owner, nil)
	items, _ := logs["logs"].([]any)
	found := false
	for _, it := range items {
		if m := it.(map[string]any); m["module"] == "environment" {
			found = m["remote_addr"] == "198.51.100.7"
		}
	}
	if !found {
		t.Errorf("audit remote_addr behind a trusted proxy: %v", items)
	}

	e.Handler = untrusted
	if status := failLogins(e, 100, "203.0.113.1"); status != 422 {
		t.Fatalf("100 failures without trusted proxies: %d", status)
	}
	if status := failLogins(e, 1, "203.0.113.99"); status != 429 {
		t.Errorf("a spoofed X-Forwarded-For got a fresh bucket: %d, want 429", status)
	}
}
