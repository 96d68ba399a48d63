package server_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/server"
	"github.com/stackd/stackd/internal/store/storetest"
)

// startOn runs a server on an existing data folder and database and
// returns its CMA and CDA base URLs.
func startOn(t *testing.T, dataDir, database, secret string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, server.Config{Addr: "127.0.0.1:0", CDAAddr: "127.0.0.1:0", DataDir: dataDir, Database: database,
		SecretKey: secret, OwnerEmail: "owner@example.com", OwnerPassword: "Owner-passw0rd", PasswordCost: auth.TestParams,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return "http://" + srv.CMAAddr(), "http://" + srv.CDAAddr()
}

// TestStackViewsFollowChangesOnOtherInstances: two instances share one
// database (PostgreSQL, or one SQLite file as two processes would). B
// serves a stack first, so it holds the stack's cached view; then each
// change made through A (a token's scope narrowed, a delivery token
// revoked, a schema changed, a locale added, an environment and finally
// the stack deleted) is in force on B at its next request.
func TestStackViewsFollowChangesOnOtherInstances(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			st, dsn, dir := eng.Open(t)
			st.Close()
			const secret = "shared-secret-key-0123456789"
			aCMA, _ := startOn(t, dir, dsn, secret)
			if eng.Name == "sqlite" {
				_ = dir // both instances open the same stackd.db
			} else {
				dir = t.TempDir()
			}
			bCMA, bCDA := startOn(t, dir, dsn, secret)
			checkViewsFollow(t, aCMA, bCMA, bCDA)
		})
	}
}

func checkViewsFollow(t *testing.T, a, b, bCDA string) {
	_, login := call(t, "POST", a+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
	user := login["user"].(map[string]any)
	tok, org := user["authtoken"].(string), user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	_, stack := call(t, "POST", a+"/v3/stacks", map[string]string{"authtoken": tok, "organization_uid": org}, `{"stack":{"name":"Views"}}`)
	key := stack["stack"].(map[string]any)["api_key"].(string)
	owner := map[string]string{"authtoken": tok, "api_key": key}
	must := func(method, path, body string, want int) map[string]any {
		t.Helper()
		status, out := call(t, method, a+path, owner, body)
		if status != want {
			t.Fatalf("%s %s on A: %d %v", method, path, status, out)
		}
		return out
	}
	must("POST", "/v3/content_types", `{"content_type":{"title":"Page","uid":"page","schema":[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true}]}}`, 201)
	must("POST", "/v3/environments", `{"environment":{"name":"production"}}`, 201)
	entry := must("POST", "/v3/content_types/page/entries", `{"entry":{"title":"One"}}`, 201)["entry"].(map[string]any)["uid"].(string)
	must("POST", "/v3/content_types/page/entries/"+entry+"/publish", `{"entry":{"environments":["production"],"locales":["en-us"]},"locale":"en-us"}`, 200)
	mt := must("POST", "/v3/stacks/management_tokens", `{"token":{"name":"rw","scope":[{"module":"entry","acl":{"read":true,"write":true}},
		{"module":"content_type","acl":{"read":true}},{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`, 201)["token"].(map[string]any)
	dt := must("POST", "/v3/stacks/delivery_tokens", `{"token":{"name":"d","scope":[{"module":"environment","environments":["production"],"acl":{"read":true}},
		{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`, 201)["token"].(map[string]any)
	useMT := map[string]string{"authorization": mt["token"].(string), "api_key": key}
	useDT := map[string]string{"access_token": dt["token"].(string), "api_key": key}
	read := "/v3/content_types/page/entries/" + entry

	for _, c := range []struct {
		name         string
		change       func()
		base, method string
		path         string
		headers      map[string]string
		body         string
		before       int
		after        int
		check        func(out map[string]any) bool
	}{
		{name: "token scope narrowed", base: b, method: "POST", path: "/v3/content_types/page/entries", headers: useMT,
			body: `{"entry":{"title":"Two"}}`, before: 201, after: 403, change: func() {
				must("PUT", "/v3/stacks/management_tokens/"+mt["uid"].(string), `{"token":{"name":"rw","scope":[
					{"module":"entry","acl":{"read":true}},{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`, 200)
			}},
		{name: "schema changed", base: b, method: "GET", path: read, headers: useMT, before: 200, after: 200, change: func() {
			must("PUT", "/v3/content_types/page", `{"content_type":{"title":"Page","schema":[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
				{"display_name":"Summary","uid":"summary","data_type":"text"}]}}`, 200)
			must("PUT", read, `{"entry":{"summary":"new field"}}`, 200)
		}, check: func(out map[string]any) bool { return out["entry"].(map[string]any)["summary"] == "new field" }},
		{name: "locale added", base: b, method: "GET", path: "/v3/content_types/page/entries?locale=fr-fr", headers: useMT,
			before: 422, after: 200, change: func() { must("POST", "/v3/locales", `{"locale":{"code":"fr-fr","name":"French"}}`, 201) }},
		{name: "delivery token revoked", base: bCDA, method: "GET", path: read + "?environment=production", headers: useDT,
			before: 200, after: 401, change: func() { must("DELETE", "/v3/stacks/delivery_tokens/"+dt["uid"].(string), "", 200) }},
		{name: "stack deleted", base: b, method: "GET", path: read, headers: owner, before: 200, after: 412,
			change: func() { must("DELETE", "/v3/stacks", "", 200) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if status, out := call(t, c.method, c.base+c.path, c.headers, c.body); status != c.before {
				t.Fatalf("before: B answers %d %v, want %d", status, out, c.before)
			}
			c.change()
			status, out := call(t, c.method, c.base+c.path, c.headers, c.body)
			if status != c.after || (c.check != nil && !c.check(out)) {
				t.Errorf("after the change through A, B answers %d %v, want %d", status, out, c.after)
			}
		})
	}
}
