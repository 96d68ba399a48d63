package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/server"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

// instance is one running server: the base URLs of its two listeners.
type instance struct{ cma, cda string }

// startInstance runs a server on database.
func startInstance(t *testing.T, database, secret string) instance {
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
	return instance{cma: "http://" + srv.CMAAddr(), cda: "http://" + srv.CDAAddr()}
}

// start runs a server on database and returns its CMA base URL.
func start(t *testing.T, database, secret string) string {
	t.Helper()
	return startInstance(t, database, secret).cma
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

// must is call that fails the test unless the answer has status want.
func must(t *testing.T, want int, method, url string, headers map[string]string, body string) map[string]any {
	t.Helper()
	status, out := call(t, method, url, headers, body)
	if status != want {
		t.Fatalf("%s %s: %d %v, want %d", method, url, status, out, want)
	}
	return out
}

func login(t *testing.T, base, email, password string) string {
	t.Helper()
	out := must(t, 200, "POST", base+"/v3/user-session", nil, `{"user":{"email":"`+email+`","password":"`+password+`"}}`)
	return out["user"].(map[string]any)["authtoken"].(string)
}

// twoInstances is the fixture of the revocation tests: two servers A and
// B on one PostgreSQL database, a stack, and a member who is not its owner.
type twoInstances struct {
	a, b               instance
	st                 *store.Store
	owner, apiKey, org string
	memberUID, devRole string
}

const memberPassword = "Member-passw0rd"

func newTwoInstances(t *testing.T) *twoInstances {
	var pg *storetest.Engine
	for _, e := range storetest.Engines(t) {
		if e.Name == "postgres" {
			pg = &e
		}
	}
	if pg == nil {
		t.Skip("needs PostgreSQL (STACKD_TEST_POSTGRES_URL)")
	}
	st, dsn, _ := pg.Open(t)
	const secret = "shared-secret-key-0123456789"
	f := &twoInstances{a: startInstance(t, dsn, secret), b: startInstance(t, dsn, secret), st: st}
	out := must(t, 200, "POST", f.a.cma+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
	user := out["user"].(map[string]any)
	f.owner, f.org = user["authtoken"].(string), user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	out = must(t, 201, "POST", f.a.cma+"/v3/stacks", map[string]string{"authtoken": f.owner, "organization_uid": f.org}, `{"stack":{"name":"Shared"}}`)
	f.apiKey = out["stack"].(map[string]any)["api_key"].(string)
	must(t, 201, "POST", f.a.cma+"/v3/environments", f.ownerHdr(), `{"environment":{"name":"development"}}`)
	f.memberUID = addMember(t, st, f.org, "member@example.com")
	for _, r := range must(t, 200, "GET", f.a.cma+"/v3/roles", f.ownerHdr(), "")["roles"].([]any) {
		if r.(map[string]any)["name"] == "Developer" {
			f.devRole = r.(map[string]any)["uid"].(string)
		}
	}
	return f
}

// addMember adds a user to the organization straight through the store
// (stackd has no API that creates users).
func addMember(t *testing.T, st *store.Store, org, email string) string {
	t.Helper()
	core, err := server.NewCore(st, []byte("shared-secret-key-0123456789"), auth.TestParams)
	if err != nil {
		t.Fatal(err)
	}
	u, err := core.NewUser(context.Background(), email, memberPassword, "Mem", "Ber", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(context.Background(), u, org, domain.OrgMember); err != nil {
		t.Fatal(err)
	}
	return u.UID
}

func (f *twoInstances) ownerHdr() map[string]string {
	return map[string]string{"authtoken": f.owner, "api_key": f.apiKey}
}

// share gives the member the Developer role on the stack, through A.
func (f *twoInstances) share(t *testing.T) {
	t.Helper()
	must(t, 200, "POST", f.a.cma+"/v3/stacks/share", f.ownerHdr(),
		`{"emails":["member@example.com"],"roles":{"member@example.com":["`+f.devRole+`"]}}`)
}

// token creates a management token through A and returns its uid and secret.
func (f *twoInstances) token(t *testing.T, name string) (string, string) {
	t.Helper()
	out := must(t, 201, "POST", f.a.cma+"/v3/stacks/management_tokens", f.ownerHdr(),
		`{"token":{"name":"`+name+`","scope":[{"module":"$all","acl":{"read":true,"write":true}},{"module":"branch","branches":["main"]}]}}`)
	tok := out["token"].(map[string]any)
	return tok["uid"].(string), tok["token"].(string)
}

// expect checks that a request to B answers want.
func expect(t *testing.T, want int, what, method, url string, headers map[string]string, body string) {
	t.Helper()
	if status, out := call(t, method, url, headers, body); status != want {
		t.Errorf("%s: instance B answered %d %v, want %d", what, status, out, want)
	}
}

// TestTwoInstancesShareRevocations starts two servers on one PostgreSQL
// database: every revocation made through A is in force on B at its next
// request, and failures counted on both add up to one lockout.
func TestTwoInstancesShareRevocations(t *testing.T) {
	f := newTwoInstances(t)
	t.Run("management token deleted", func(t *testing.T) {
		uid, secret := f.token(t, "deleted")
		h := map[string]string{"authorization": secret, "api_key": f.apiKey}
		expect(t, 200, "valid token", "GET", f.b.cma+"/v3/environments", h, "")
		must(t, 200, "DELETE", f.a.cma+"/v3/stacks/management_tokens/"+uid, f.ownerHdr(), "")
		expect(t, 401, "deleted token", "GET", f.b.cma+"/v3/environments", h, "")
	})
	t.Run("rotated without grace", func(t *testing.T) {
		uid, old := f.token(t, "rotated")
		h := map[string]string{"authorization": old, "api_key": f.apiKey}
		expect(t, 200, "valid token", "GET", f.b.cma+"/v3/environments", h, "")
		out := must(t, 200, "POST", f.a.cma+"/v3/stacks/management_tokens/"+uid+"/rotate", f.ownerHdr(), `{"grace_period_seconds":0}`)
		expect(t, 401, "the secret rotated away", "GET", f.b.cma+"/v3/environments", h, "")
		h["authorization"] = out["token"].(map[string]any)["token"].(string)
		expect(t, 200, "the new secret", "GET", f.b.cma+"/v3/environments", h, "")
	})
	t.Run("scope narrowed", func(t *testing.T) {
		uid, secret := f.token(t, "narrowed")
		h := map[string]string{"authorization": secret, "api_key": f.apiKey}
		expect(t, 201, "write with the full scope", "POST", f.b.cma+"/v3/environments", h, `{"environment":{"name":"before-narrowing"}}`)
		must(t, 200, "PUT", f.a.cma+"/v3/stacks/management_tokens/"+uid, f.ownerHdr(),
			`{"token":{"scope":[{"module":"$all","acl":{"read":true}},{"module":"branch","branches":["main"]}]}}`)
		expect(t, 403, "write after narrowing", "POST", f.b.cma+"/v3/environments", h, `{"environment":{"name":"after-narrowing"}}`)
		expect(t, 200, "read after narrowing", "GET", f.b.cma+"/v3/environments", h, "")
	})
	t.Run("logout", func(t *testing.T) {
		tok := login(t, f.b.cma, "owner@example.com", "Owner-passw0rd")
		expect(t, 200, "fresh session", "GET", f.b.cma+"/v3/user", map[string]string{"authtoken": tok}, "")
		must(t, 200, "DELETE", f.a.cma+"/v3/user-session", map[string]string{"authtoken": tok}, "")
		expect(t, 401, "logged-out session", "GET", f.b.cma+"/v3/user", map[string]string{"authtoken": tok}, "")
	})
	t.Run("role removed", func(t *testing.T) {
		f.share(t)
		h := map[string]string{"authtoken": login(t, f.b.cma, "member@example.com", memberPassword), "api_key": f.apiKey}
		expect(t, 200, "developer reads", "GET", f.b.cma+"/v3/environments", h, "")
		must(t, 200, "POST", f.a.cma+"/v3/stacks/users/roles", f.ownerHdr(), `{"users":{"`+f.memberUID+`":[]}}`)
		expect(t, 403, "member without roles", "GET", f.b.cma+"/v3/environments", h, "")
	})
	t.Run("unshared", func(t *testing.T) {
		f.share(t)
		h := map[string]string{"authtoken": login(t, f.b.cma, "member@example.com", memberPassword), "api_key": f.apiKey}
		expect(t, 200, "developer reads", "GET", f.b.cma+"/v3/environments", h, "")
		must(t, 200, "POST", f.a.cma+"/v3/stacks/unshare", f.ownerHdr(), `{"email":"member@example.com"}`)
		expect(t, 412, "unshared user", "GET", f.b.cma+"/v3/environments", h, "")
	})
	t.Run("password changed", func(t *testing.T) {
		onA := login(t, f.a.cma, "member@example.com", memberPassword)
		onB := login(t, f.b.cma, "member@example.com", memberPassword)
		must(t, 200, "PUT", f.a.cma+"/v3/user", map[string]string{"authtoken": onA},
			`{"user":{"password":"Changed-passw0rd","current_password":"`+memberPassword+`"}}`)
		expect(t, 401, "a session from before the change", "GET", f.b.cma+"/v3/user", map[string]string{"authtoken": onB}, "")
		expect(t, 422, "the old password", "POST", f.b.cma+"/v3/user-session", nil, `{"user":{"email":"member@example.com","password":"`+memberPassword+`"}}`)
		expect(t, 200, "the new password", "POST", f.b.cma+"/v3/user-session", nil, `{"user":{"email":"member@example.com","password":"Changed-passw0rd"}}`)
	})
	t.Run("delivery token deleted", func(t *testing.T) {
		out := must(t, 201, "POST", f.a.cma+"/v3/stacks/delivery_tokens", f.ownerHdr(),
			`{"token":{"name":"site","scope":[{"module":"environment","environments":["development"],"acl":{"read":true}},{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`)
		tok := out["token"].(map[string]any)
		h := map[string]string{"api_key": f.apiKey, "access_token": tok["token"].(string)}
		expect(t, 200, "valid delivery token", "GET", f.b.cda+"/v3/content_types", h, "")
		must(t, 200, "DELETE", f.a.cma+"/v3/stacks/delivery_tokens/"+tok["uid"].(string), f.ownerHdr(), "")
		expect(t, 401, "deleted delivery token", "GET", f.b.cda+"/v3/content_types", h, "")
	})
	t.Run("a burst across both instances", func(t *testing.T) {
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				base := []string{f.a.cma, f.b.cma}[i%2]
				call(t, "POST", base+"/v3/user-session", nil, fmt.Sprintf(`{"user":{"email":"member@example.com","password":"burst-wrong-%02d"}}`, i))
			}()
		}
		wg.Wait()
		u, err := f.st.UserByEmail(context.Background(), "member@example.com")
		if err != nil || u.Failed != domain.MaxLoginAttempts || !u.Locked(time.Now()) {
			t.Errorf("40 wrong passwords over two instances: %d evaluated, locked %v (%v); want %d and a lock",
				u.Failed, u.Locked(time.Now()), err, domain.MaxLoginAttempts)
		}
		for _, base := range []string{f.a.cma, f.b.cma} {
			status, body := call(t, "POST", base+"/v3/user-session", nil, `{"user":{"email":"member@example.com","password":"Changed-passw0rd"}}`)
			locked := status == 422 && strings.Contains(body["error_message"].(string), "locked")
			if !locked && status != 429 { // 429: this instance's per-email bucket is spent
				t.Errorf("the right password after the burst: %d %v", status, body)
			}
		}
	})
	t.Run("failures add up to one lockout", func(t *testing.T) {
		for i := 0; i < 5; i++ {
			base := []string{f.a.cma, f.b.cma}[i%2]
			call(t, "POST", base+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"wrong-`+string(rune('a'+i))+`1"}}`)
		}
		status, body := call(t, "POST", f.a.cma+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
		if status != 422 || !strings.Contains(body["error_message"].(string), "locked") {
			t.Errorf("five failures across two instances did not lock the account: %d %v", status, body)
		}
	})
}
