package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/server"
	"github.com/stackd/stackd/internal/store/storetest"
)

// start runs a server on database and returns its base URL.
func start(t *testing.T, database, secret string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, server.Config{Addr: "127.0.0.1:0", CDAAddr: "127.0.0.1:0", DataDir: t.TempDir(), Database: database,
		SecretKey: secret, OwnerEmail: "owner@example.com", OwnerPassword: "Owner-passw0rd", PasswordCost: auth.TestParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return "http://" + srv.CMAAddr()
}

func call(t *testing.T, method, url string, headers map[string]string, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestTwoInstancesShareRevocations starts two servers on one PostgreSQL
// database: a revocation, a role change or a lockout made through one is
// in force on the other at its next request.
func TestTwoInstancesShareRevocations(t *testing.T) {
	var pg *storetest.Engine
	for _, e := range storetest.Engines(t) {
		if e.Name == "postgres" {
			pg = &e
		}
	}
	if pg == nil {
		t.Skip("needs PostgreSQL (STACKD_TEST_POSTGRES_URL)")
	}
	_, dsn, _ := pg.Open(t)
	const secret = "shared-secret-key-0123456789"
	a, b := start(t, dsn, secret), start(t, dsn, secret)

	_, login := call(t, "POST", a+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
	user := login["user"].(map[string]any)
	tok, org := user["authtoken"].(string), user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	_, st := call(t, "POST", a+"/v3/stacks", map[string]string{"authtoken": tok, "organization_uid": org}, `{"stack":{"name":"Shared"}}`)
	key := st["stack"].(map[string]any)["api_key"].(string)
	owner := map[string]string{"authtoken": tok, "api_key": key}
	_, created := call(t, "POST", a+"/v3/stacks/management_tokens", owner,
		`{"token":{"name":"ci","scope":[{"module":"$all","acl":{"read":true,"write":true}},{"module":"branch","branches":["main"]}]}}`)
	mt := created["token"].(map[string]any)
	useToken := map[string]string{"authorization": mt["token"].(string), "api_key": key}

	if status, body := call(t, "GET", b+"/v3/environments", useToken, ""); status != 200 {
		t.Fatalf("instance B refused a valid token: %d %v", status, body)
	}
	if status, _ := call(t, "DELETE", a+"/v3/stacks/management_tokens/"+mt["uid"].(string), owner, ""); status != 200 {
		t.Fatal("revocation through A failed")
	}
	if status, _ := call(t, "GET", b+"/v3/environments", useToken, ""); status != 401 {
		t.Errorf("instance B still accepts the revoked token: %d", status)
	}

	// An authtoken revoked on B stops working on A.
	_, login2 := call(t, "POST", b+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
	tok2 := login2["user"].(map[string]any)["authtoken"].(string)
	call(t, "DELETE", b+"/v3/user-session", map[string]string{"authtoken": tok2}, "")
	if status, _ := call(t, "GET", a+"/v3/user", map[string]string{"authtoken": tok2}, ""); status != 401 {
		t.Errorf("instance A accepts an authtoken revoked on B: %d", status)
	}

	// Failures counted on both instances add up to one lockout.
	for i := 0; i < 5; i++ {
		base := []string{a, b}[i%2]
		call(t, "POST", base+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"wrong-`+string(rune('a'+i))+`1"}}`)
	}
	status, body := call(t, "POST", a+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
	if status != 422 || !strings.Contains(body["error_message"].(string), "locked") {
		t.Errorf("five failures across two instances did not lock the account: %d %v", status, body)
	}
}
