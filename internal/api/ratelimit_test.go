package api_test

import (
	"testing"
	"time"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

func TestRateLimits(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	stackEnv(t, e)
	// Restart the handler with organization limits: 3 reads and 2 writes a second.
	deps := apitest.Deps(e)
	deps.RateRead, deps.RateWrite = 3, 2
	e.Handler = api.New(deps)
	owner := map[string]string{"authtoken": e.Vars["owner"], "api_key": e.Vars["api_key"]}
	for i := 0; i < 3; i++ {
		rec := apitest.Raw(e, "GET", "/v3/environments", owner, "")
		if rec.Code != 200 || rec.Header().Get("X-RateLimit-Limit") != "3" {
			t.Fatalf("read %d: %d limit header %q", i, rec.Code, rec.Header().Get("X-RateLimit-Limit"))
		}
	}
	rec := apitest.Raw(e, "GET", "/v3/environments", owner, "")
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" || rec.Header().Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("4th read in a second: %d %v", rec.Code, rec.Header())
	}
	// Writes have their own bucket.
	if rec := apitest.Raw(e, "POST", "/v3/environments", owner, `{"environment":{"name":"a"}}`); rec.Code != 201 {
		t.Fatalf("write while reads are exhausted: %d", rec.Code)
	}
	e.Clock.Advance(time.Second)
	if rec := apitest.Raw(e, "GET", "/v3/environments", owner, ""); rec.Code != 200 {
		t.Fatalf("read after a second: %d", rec.Code)
	}

	// A management token's own limit applies, capped by the organization's.
	_, secret := createTokenWithLimit(t, e, 1, 1)
	tok := map[string]string{"authorization": secret, "api_key": e.Vars["api_key"]}
	e.Clock.Advance(time.Second)
	if rec := apitest.Raw(e, "GET", "/v3/environments", tok, ""); rec.Code != 200 || rec.Header().Get("X-RateLimit-Limit") != "1" {
		t.Fatalf("token read: %d %v", rec.Code, rec.Header())
	}
	if rec := apitest.Raw(e, "GET", "/v3/environments", tok, ""); rec.Code != 429 {
		t.Fatalf("second token read in a second: %d", rec.Code)
	}
}

func createTokenWithLimit(t *testing.T, e *apitest.Env, read, write int) (string, string) {
	t.Helper()
	body := map[string]any{"token": map[string]any{"name": "limited", "rate_limit_enabled": true,
		"rate_limit": map[string]any{"read": read, "write": write}, "scope": []any{rw("$all"), branches("main")}}}
	e.Clock.Advance(time.Second)
	status, out := e.Do("POST", "/v3/stacks/management_tokens", hdr("owner", "api_key"), body)
	if status != 201 {
		t.Fatalf("create limited token: %d %v", status, out)
	}
	tok := out["token"].(map[string]any)
	return tok["uid"].(string), tok["token"].(string)
}

func TestLoginFailureLimiter(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	e.AddUser("slow@example.com")
	// Unknown emails are never locked out, but their failures are limited per email.
	for i := 0; i < 20; i++ {
		e.Do("POST", "/v3/user-session", nil, loginBody("ghost@example.com", "wrong-"+string(rune('a'+i))+"1"))
	}
	status, body := e.Do("POST", "/v3/user-session", nil, loginBody("ghost@example.com", "wrong-z1"))
	if status != 429 {
		t.Fatalf("21st failure in a burst: %d %v", status, body)
	}
	apitest.CheckError(t, body, 429)
	if status, _ := e.Do("POST", "/v3/user-session", nil, loginBody("slow@example.com", apitest.Password)); status != 200 {
		t.Errorf("another email from the same address was limited: %d", status)
	}
	e.Clock.Advance(3 * time.Second)
	if status, _ := e.Do("POST", "/v3/user-session", nil, loginBody("ghost@example.com", "wrong-y1")); status != 422 {
		t.Errorf("after 3 s one more attempt is allowed: %d", status)
	}
}
