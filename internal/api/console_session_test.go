package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store/storetest"
)

// consoleSession is a signed-in console: the cookie's secret and the CSRF token.
type consoleSession struct{ secret, csrf string }

// headers are what a console page's fetch sends: the cookie, same-origin
// fetch metadata and, for writes, the CSRF token.
func (c consoleSession) headers(write bool) map[string]string {
	h := map[string]string{"Cookie": api.SessionCookie + "=" + c.secret, "Sec-Fetch-Site": "same-origin", "Origin": "http://example.com"}
	if write {
		h[api.CSRFHeader] = c.csrf
	}
	return h
}

// consoleLogin signs email in as the console does and checks the answer's
// shape: the cookie's flags, a CSRF token, and no authtoken anywhere.
func consoleLogin(t *testing.T, e *apitest.Env, h http.Handler, email, code string) consoleSession {
	t.Helper()
	body := map[string]any{"user": map[string]any{"email": email, "password": apitest.Password, "tfa_token": code}}
	rec := e.Send(h, "POST", "/v3/user-session?session=cookie", map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "same-origin"}, body)
	if rec.Code != 200 {
		t.Fatalf("console login %s: %d %s", email, rec.Code, rec.Body.String())
	}
	var c consoleSession
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == api.SessionCookie {
			c.secret = ck.Value
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" {
				t.Errorf("session cookie flags: %+v", ck)
			}
		}
	}
	if c.secret == "" || strings.Contains(rec.Body.String(), c.secret) || strings.Contains(rec.Body.String(), "authtoken") {
		t.Fatalf("console login answer: cookie %q, body %s", c.secret, rec.Body.String())
	}
	c.csrf = jsonField(t, rec.Body.Bytes(), "csrf_token")
	if c.csrf == "" {
		t.Fatalf("no csrf_token in %s", rec.Body.String())
	}
	return c
}

// TestConsoleSession: the cookie works like the user's authtoken on user
// routes, but only from stackd's own origin, writes need the CSRF token,
// no answer carries an authtoken, an authtoken header wins, and neither
// secret works as the other.
func TestConsoleSession(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		c := consoleLogin(t, e, e.Handler, "owner@example.com", "")
		token := e.Login("owner@example.com")
		e.Vars["cookie"] = api.SessionCookie + "=" + c.secret
		e.Vars["csrf"], e.Vars["token"] = c.csrf, token
		read, write := c.headers(false), c.headers(true)
		with := func(h map[string]string, k, v string) map[string]string {
			out := map[string]string{k: v}
			for hk, hv := range h {
				if hk != k {
					out[hk] = hv
				}
			}
			return out
		}
		e.Run(t, []apitest.Scenario{
			{Name: "read with the cookie", Method: "GET", Path: "/v3/user", Headers: read, WantStatus: 200,
				WantJSON: map[string]any{"csrf_token": c.csrf, "user": map[string]any{"email": "owner@example.com"}}},
			{Name: "without fetch metadata (an older browser)", Method: "GET", Path: "/v3/user", Headers: map[string]string{"Cookie": "{cookie}"}, WantStatus: 200},
			{Name: "from another origin", Method: "GET", Path: "/v3/user", Headers: with(read, "Origin", "https://evil.example.net"), WantStatus: 403, WantCode: 105},
			{Name: "cross-site fetch", Method: "GET", Path: "/v3/user", Headers: with(read, "Sec-Fetch-Site", "cross-site"), WantStatus: 403, WantCode: 105},
			{Name: "same-site but other origin", Method: "GET", Path: "/v3/user", Headers: with(read, "Sec-Fetch-Site", "same-site"), WantStatus: 403, WantCode: 105},
			{Name: "null origin (sandboxed asset)", Method: "GET", Path: "/v3/user", Headers: with(read, "Origin", "null"), WantStatus: 403, WantCode: 105},
			{Name: "write without the CSRF token", Method: "PUT", Path: "/v3/user", Headers: read,
				Body: map[string]any{"user": map[string]any{"first_name": "X"}}, WantStatus: 403, WantCode: 105},
			{Name: "write with a wrong CSRF token", Method: "PUT", Path: "/v3/user", Headers: with(write, api.CSRFHeader, strings.Repeat("0", 32)),
				Body: map[string]any{"user": map[string]any{"first_name": "X"}}, WantStatus: 403, WantCode: 105},
			{Name: "write with the CSRF token", Method: "PUT", Path: "/v3/user", Headers: write,
				Body: map[string]any{"user": map[string]any{"first_name": "Console"}}, WantStatus: 200,
				WantJSON: map[string]any{"user": map[string]any{"first_name": "Console"}}},
			{Name: "create a stack", Method: "POST", Path: "/v3/stacks", Headers: with(write, "organization_uid", "{org}"),
				Body: map[string]any{"stack": map[string]any{"name": "From the console", "master_locale": "en-us"}}, WantStatus: 201},
			{Name: "an authtoken header wins over the cookie", Method: "GET", Path: "/v3/user",
				Headers: map[string]string{"Cookie": "{cookie}", "authtoken": "{token}"}, WantStatus: 200,
				WantJSON: map[string]any{"user": map[string]any{"authtoken": "{token}"}}},
			{Name: "the cookie's secret is no authtoken", Method: "GET", Path: "/v3/user",
				Headers: map[string]string{"authtoken": c.secret}, WantStatus: 401, WantCode: 105},
			{Name: "an authtoken is no cookie", Method: "GET", Path: "/v3/user",
				Headers: map[string]string{"Cookie": api.SessionCookie + "=" + token}, WantStatus: 401, WantCode: 105},
			{Name: "a wrong cookie", Method: "GET", Path: "/v3/user",
				Headers: map[string]string{"Cookie": api.SessionCookie + "=" + strings.Repeat("a", 64)}, WantStatus: 401, WantCode: 105},
		})
		// No answer to a cookie request holds an authtoken, whatever the route.
		for _, path := range []string{"/v3/user", "/v3/organizations", "/v3/stacks"} {
			if rec := e.Send(e.Handler, "GET", path, read, nil); rec.Code != 200 || strings.Contains(rec.Body.String(), "authtoken") || strings.Contains(rec.Body.String(), token) {
				t.Errorf("GET %s with the cookie: %d %s", path, rec.Code, rec.Body.String())
			}
		}
	})
}

// TestConsoleLoginRefusals: a console sign-in from another origin, with an
// unknown marker, and the API's own refusals (wrong password, lockout
// counting, 2FA) apply unchanged.
func TestConsoleLoginRefusals(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	e.AddUser("tfa@example.com")
	secret := enableTFA(t, e, "tfa@example.com")
	good := loginBody("owner@example.com", apitest.Password)
	e.Run(t, []apitest.Scenario{
		{Name: "from another origin", Method: "POST", Path: "/v3/user-session?session=cookie",
			Headers: map[string]string{"Origin": "https://evil.example.net"}, Body: good, WantStatus: 403, WantCode: 105},
		{Name: "unknown session marker", Method: "POST", Path: "/v3/user-session?session=jar", Body: good, WantStatus: 422},
		{Name: "wrong password", Method: "POST", Path: "/v3/user-session?session=cookie", Body: loginBody("owner@example.com", "Wrong-passw0rd"),
			WantStatus: 422, WantCode: 104, WantJSON: map[string]any{"error_message": "Looks like your email or password is invalid. You have 4 login attempt(s) left."}},
		{Name: "2FA code needed", Method: "POST", Path: "/v3/user-session?session=cookie", Body: loginBody("tfa@example.com", apitest.Password),
			WantStatus: 401, WantCode: 294, WantJSON: map[string]any{"tfa_type": "totp_authenticator"}},
	})
	consoleLogin(t, e, e.Handler, "tfa@example.com", totpCode(t, secret, e.Clock.Now()))
	for _, h := range []map[string]string{{"Cookie": api.SessionCookie + "=x"}, {"Set-Cookie": "x"}} {
		if rec := e.Send(e.Handler, "POST", "/v3/user-session?session=cookie", h, good); rec.Code != 200 {
			t.Errorf("login with %v: %d", h, rec.Code)
		}
	}
}

func enableTFA(t *testing.T, e *apitest.Env, email string) string {
	t.Helper()
	secret, _, err := auth.NewTOTP(email)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := e.Store.UserByEmail(context.Background(), email)
	if _, err := e.Store.UpdateUser(context.Background(), u.UID, func(u *domain.User) error {
		u.TFAEnabled, u.TFASecret = true, e.Core.Box.Seal([]byte(secret))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return secret
}

// TestConsoleSessionExpiry: a console session dies after the idle time
// without requests and after the absolute lifetime however busy; an
// authtoken never does.
func TestConsoleSessionExpiry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		deps := apitest.Deps(e)
		deps.ConsoleIdle, deps.ConsoleLifetime = 10*time.Minute, time.Hour
		h := api.New(deps)
		status := func(c consoleSession) int { return e.Send(h, "GET", "/v3/user", c.headers(false), nil).Code }
		idle := consoleLogin(t, e, h, "owner@example.com", "")
		busy := consoleLogin(t, e, h, "owner@example.com", "")
		token := e.Login("owner@example.com")
		for i := 0; i < 4; i++ { // 4 × 8 min: busy stays alive, idle does not
			e.Clock.Advance(8 * time.Minute)
			if got := status(busy); got != 200 {
				t.Fatalf("busy session after %d min: %d", 8*(i+1), got)
			}
		}
		if got := status(idle); got != 401 {
			t.Errorf("idle session after 32 minutes: %d, want 401", got)
		}
		for i := 0; i < 4; i++ {
			e.Clock.Advance(8 * time.Minute)
			status(busy)
		}
		if got := status(busy); got != 401 {
			t.Errorf("busy session after 64 minutes (lifetime 1h): %d, want 401", got)
		}
		if n, _ := e.Store.CountSessions(context.Background(), mustUserUID(t, e, "owner@example.com")); n != 1 {
			t.Errorf("%d sessions left; want only the authtoken (expired console sessions are dropped)", n)
		}
		if st, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": token}, nil); st != 200 {
			t.Errorf("authtoken after 64 minutes: %d", st)
		}
	})
}

func mustUserUID(t *testing.T, e *apitest.Env, email string) string {
	t.Helper()
	u, err := e.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u.UID
}

// TestConsoleSignOut: sign out revokes the console session server-side and
// clears the cookie; sign out everywhere revokes every authtoken and
// console session of the user and nobody else's; a password change made
// in the console keeps that session only.
func TestConsoleSignOut(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		e.AddUser("dev@example.com")
		c1 := consoleLogin(t, e, e.Handler, "owner@example.com", "")
		c2 := consoleLogin(t, e, e.Handler, "owner@example.com", "")
		tokens := []string{e.Login("owner@example.com"), e.Login("owner@example.com")}
		other := e.Login("dev@example.com")
		if rec := e.Send(e.Handler, "DELETE", "/v3/user-session", c1.headers(false), nil); rec.Code != 403 {
			t.Errorf("sign out without the CSRF token: %d", rec.Code)
		}
		rec := e.Send(e.Handler, "DELETE", "/v3/user-session", c1.headers(true), nil)
		if rec.Code != 200 || !clearsCookie(rec.Result().Cookies()) {
			t.Fatalf("sign out: %d, cookies %v", rec.Code, rec.Result().Cookies())
		}
		if got := e.Send(e.Handler, "GET", "/v3/user", c1.headers(false), nil).Code; got != 401 {
			t.Errorf("signed-out session: %d", got)
		}
		if got := e.Send(e.Handler, "GET", "/v3/user", c2.headers(false), nil).Code; got != 200 {
			t.Errorf("the other console session after sign out: %d", got)
		}
		rec = e.Send(e.Handler, "DELETE", "/v3/user-sessions", c2.headers(true), nil)
		if rec.Code != 200 || !clearsCookie(rec.Result().Cookies()) || !strings.Contains(rec.Body.String(), `"sessions":3`) {
			t.Fatalf("sign out everywhere: %d %s", rec.Code, rec.Body.String())
		}
		for _, tok := range tokens {
			if st, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": tok}, nil); st != 401 {
				t.Errorf("authtoken after sign out everywhere: %d", st)
			}
		}
		if got := e.Send(e.Handler, "GET", "/v3/user", c2.headers(false), nil).Code; got != 401 {
			t.Errorf("console session after sign out everywhere: %d", got)
		}
		if st, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": other}, nil); st != 200 {
			t.Errorf("another user's authtoken after sign out everywhere: %d", st)
		}
		c3 := consoleLogin(t, e, e.Handler, "owner@example.com", "")
		tok := e.Login("owner@example.com")
		pw := map[string]any{"user": map[string]any{"password": "New-passw0rd!", "current_password": apitest.Password}}
		if rec := e.Send(e.Handler, "PUT", "/v3/user", c3.headers(true), pw); rec.Code != 200 {
			t.Fatalf("password change in the console: %d %s", rec.Code, rec.Body.String())
		}
		if got := e.Send(e.Handler, "GET", "/v3/user", c3.headers(false), nil).Code; got != 200 {
			t.Errorf("console session after its own password change: %d", got)
		}
		if st, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": tok}, nil); st != 401 {
			t.Errorf("authtoken after a password change in the console: %d", st)
		}
	})
}

func clearsCookie(cookies []*http.Cookie) bool {
	for _, c := range cookies {
		if c.Name == api.SessionCookie && c.Value == "" && c.MaxAge < 0 {
			return true
		}
	}
	return false
}

// TestConsoleSessionCap: a console sign-in counts toward the 20 sessions a
// user may hold and pushes out the oldest authtoken (a csdx session).
func TestConsoleSessionCap(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	first := e.Login("owner@example.com")
	for i := 0; i < 19; i++ {
		e.Clock.Advance(time.Second)
		e.Login("owner@example.com")
	}
	e.Clock.Advance(time.Second)
	c := consoleLogin(t, e, e.Handler, "owner@example.com", "")
	if st, _ := e.Do("GET", "/v3/user", map[string]string{"authtoken": first}, nil); st != 401 {
		t.Errorf("oldest authtoken after the 21st sign-in: %d, want 401", st)
	}
	if got := e.Send(e.Handler, "GET", "/v3/user", c.headers(false), nil).Code; got != 200 {
		t.Errorf("console session: %d", got)
	}
}

// TestConsoleCookieOverTLS: behind an https public URL the cookie is
// Secure and that URL's origin is stackd's own.
func TestConsoleCookieOverTLS(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	deps := apitest.Deps(e)
	deps.PublicURL = "https://cms.example.com/"
	h := api.New(deps)
	rec := e.Send(h, "POST", "/v3/user-session?session=cookie", map[string]string{"Origin": "https://cms.example.com"},
		loginBody("owner@example.com", apitest.Password))
	if rec.Code != 200 {
		t.Fatalf("login: %d %s", rec.Code, rec.Body.String())
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 || !cookies[0].Secure || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("cookies %+v, Cache-Control %q", cookies, rec.Header().Get("Cache-Control"))
	}
}

// jsonField returns a top-level string field of a JSON object.
func jsonField(t *testing.T, body []byte, key string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not a JSON object: %q", body)
	}
	s, _ := m[key].(string)
	return s
}
