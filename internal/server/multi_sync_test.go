package server_test

import (
	"fmt"
	"net/url"
	"sync"
	"testing"

	"github.com/stackd/stackd/internal/store/storetest"
)

// TestTwoInstancesSync: entries published concurrently through two
// instances on one PostgreSQL database are all replayed by a sync token,
// each once, whichever instance serves the sync; a token issued by one
// instance works on the other.
func TestTwoInstancesSync(t *testing.T) {
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
	a, b := startInstance(t, dsn, secret), startInstance(t, dsn, secret)
	cmaA, cdaA, cmaB, cdaB := a.cma, a.cda, b.cma, b.cda

	_, login := call(t, "POST", cmaA+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
	user := login["user"].(map[string]any)
	tok, org := user["authtoken"].(string), user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	_, st := call(t, "POST", cmaA+"/v3/stacks", map[string]string{"authtoken": tok, "organization_uid": org}, `{"stack":{"name":"Synced","master_locale":"en-us"}}`)
	key := st["stack"].(map[string]any)["api_key"].(string)
	owner := map[string]string{"authtoken": tok, "api_key": key}
	mustOK := func(status int, body map[string]any) map[string]any {
		t.Helper()
		if status/100 != 2 {
			t.Fatalf("%d %v", status, body)
		}
		return body
	}
	mustOK(call(t, "POST", cmaA+"/v3/environments", owner, `{"environment":{"name":"web"}}`))
	mustOK(call(t, "POST", cmaA+"/v3/content_types", owner,
		`{"content_type":{"title":"Post","uid":"post","schema":[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true,"unique":true}]}}`))
	dt := mustOK(call(t, "POST", cmaA+"/v3/stacks/delivery_tokens", owner,
		`{"token":{"name":"web","scope":[{"module":"environment","environments":["web"],"acl":{"read":true}},{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`))
	delivery := map[string]string{"api_key": key, "access_token": dt["token"].(map[string]any)["token"].(string)}

	syncFrom := func(base, q string) ([]string, string) {
		t.Helper()
		body := mustOK(call(t, "GET", base+"/v3/stacks/sync?"+q, delivery, ""))
		var uids []string
		for _, it := range body["items"].([]any) {
			uids = append(uids, it.(map[string]any)["data"].(map[string]any)["uid"].(string))
		}
		if _, more := body["pagination_token"]; more {
			t.Fatalf("unexpected second page")
		}
		return uids, body["sync_token"].(string)
	}
	_, token := syncFrom(cdaA, "init=true")

	const perInstance = 20
	var mu sync.Mutex
	published := map[string]bool{}
	var wg sync.WaitGroup
	for i, base := range []string{cmaA, cmaB} {
		wg.Go(func() {
			for j := range perInstance {
				status, body := call(t, "POST", base+"/v3/content_types/post/entries", owner, fmt.Sprintf(`{"entry":{"title":"e%d-%d"}}`, i, j))
				if status != 201 {
					t.Errorf("create: %d %v", status, body)
					return
				}
				uid := body["entry"].(map[string]any)["uid"].(string)
				status, body = call(t, "POST", base+"/v3/content_types/post/entries/"+uid+"/publish", owner,
					`{"entry":{"environments":["web"],"locales":["en-us"]},"locale":"en-us"}`)
				if status != 200 {
					t.Errorf("publish: %d %v", status, body)
					return
				}
				mu.Lock()
				published[uid] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	got, _ := syncFrom(cdaB, "sync_token="+url.QueryEscape(token))
	seen := map[string]bool{}
	for _, uid := range got {
		if seen[uid] {
			t.Errorf("entry %s replayed twice", uid)
		}
		seen[uid] = true
		if !published[uid] {
			t.Errorf("entry %s replayed but never published", uid)
		}
	}
	if len(seen) != len(published) || len(published) != 2*perInstance {
		t.Errorf("replayed %d of %d published entries", len(seen), len(published))
	}
}
