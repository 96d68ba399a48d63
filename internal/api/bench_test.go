package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// The benchmarks of the hot paths, on every engine the tests have (SQLite
// always, PostgreSQL when STACKD_TEST_POSTGRES_URL is set): the same data
// as scripts/bench.sh seeds (a content type with title and body, 120
// entries published to an environment, a management and a delivery token).
// Run: go test -run '^$' -bench . ./internal/api/

// benchStack is a seeded stack and its credentials.
type benchStack struct {
	e                     *apitest.Env
	authtoken, key        string
	mgmt, delivery, entry string
}

const benchBody = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore " +
	"magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat."

func forEachBenchEngine(b *testing.B, fn func(b *testing.B, s *benchStack)) {
	for _, eng := range storetest.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) { fn(b, seedBench(b, apitest.New(b, eng), 120)) })
	}
}

func seedBench(b *testing.B, e *apitest.Env, n int) *benchStack {
	b.Helper()
	s := &benchStack{e: e, authtoken: e.Login("owner@example.com")}
	s.key = e.CreateStack(s.authtoken, "Bench")
	owner := map[string]string{"authtoken": s.authtoken, "api_key": s.key}
	benchDo(b, e, "POST", "/v3/content_types", owner, `{"content_type":{"title":"Article","uid":"article","schema":[
		{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},{"display_name":"Body","uid":"body","data_type":"text"}]}}`, 201)
	benchDo(b, e, "POST", "/v3/environments", owner, `{"environment":{"name":"production"}}`, 201)
	for i := range n {
		body := benchDo(b, e, "POST", "/v3/content_types/article/entries", owner, fmt.Sprintf(`{"entry":{"title":"Entry %d","body":%q}}`, i, benchBody), 201)
		uid := body["entry"].(map[string]any)["uid"].(string)
		benchDo(b, e, "POST", "/v3/content_types/article/entries/"+uid+"/publish", owner,
			`{"entry":{"environments":["production"],"locales":["en-us"]},"locale":"en-us"}`, 200)
		s.entry = uid
	}
	mt := benchDo(b, e, "POST", "/v3/stacks/management_tokens", owner, `{"token":{"name":"bench","scope":[
		{"module":"entry","acl":{"read":true,"write":true}},{"module":"content_type","acl":{"read":true,"write":true}},
		{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`, 201)
	s.mgmt = mt["token"].(map[string]any)["token"].(string)
	dt := benchDo(b, e, "POST", "/v3/stacks/delivery_tokens", owner, `{"token":{"name":"bench","scope":[
		{"module":"environment","environments":["production"],"acl":{"read":true}},{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`, 201)
	s.delivery = dt["token"].(map[string]any)["token"].(string)
	return s
}

func benchDo(b *testing.B, e *apitest.Env, method, path string, h map[string]string, body string, want int) map[string]any {
	b.Helper()
	status, out := e.Do(method, path, h, body)
	if status != want {
		b.Fatalf("%s %s: %d %v", method, path, status, out)
	}
	return out
}

// loop sends the request built by req to h b.N times and checks the status.
func loop(b *testing.B, h http.Handler, want int, req func(i int) *http.Request) {
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req(i))
		if rec.Code != want {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		i++
	}
}

func (s *benchStack) cma(method, path, body string) *http.Request {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("authorization", s.mgmt)
	req.Header.Set("api_key", s.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func (s *benchStack) cda(path string) *http.Request {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("access_token", s.delivery)
	req.Header.Set("api_key", s.key)
	return req
}

// BenchmarkAuthenticate is the cheapest stack read with an authtoken: the
// session, the stack, the membership and rights, then a short answer.
func BenchmarkAuthenticate(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.Handler, 200, func(int) *http.Request {
			req := httptest.NewRequest("GET", "/v3/environments", nil)
			req.Header.Set("authtoken", s.authtoken)
			req.Header.Set("api_key", s.key)
			return req
		})
	})
}

// BenchmarkAuthenticateManagementToken is the same read with a management token.
func BenchmarkAuthenticateManagementToken(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.Handler, 200, func(int) *http.Request { return s.cma("GET", "/v3/content_types/article", "") })
	})
}

// BenchmarkReadEntry is scripts/bench.sh's read scenario.
func BenchmarkReadEntry(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.Handler, 200, func(int) *http.Request { return s.cma("GET", "/v3/content_types/article/entries/"+s.entry, "") })
	})
}

// BenchmarkListEntries is the list scenario: 100 entries.
func BenchmarkListEntries(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.Handler, 200, func(int) *http.Request { return s.cma("GET", "/v3/content_types/article/entries?limit=100", "") })
	})
}

// BenchmarkCreateEntry is the create scenario: the entry, its version and
// its audit row in one transaction.
func BenchmarkCreateEntry(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.Handler, 201, func(i int) *http.Request {
			return s.cma("POST", "/v3/content_types/article/entries", fmt.Sprintf(`{"entry":{"title":"Bench %d","body":%q}}`, i, benchBody))
		})
	})
}

// BenchmarkCDAReadEntry is the CDA read of one published entry.
func BenchmarkCDAReadEntry(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.CDA, 200, func(int) *http.Request {
			return s.cda("/v3/content_types/article/entries/" + s.entry + "?environment=production")
		})
	})
}

// BenchmarkCDAListEntries is the CDA list of 100 published entries.
func BenchmarkCDAListEntries(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.CDA, 200, func(int) *http.Request {
			return s.cda("/v3/content_types/article/entries?limit=100&environment=production")
		})
	})
}

// BenchmarkLogin is a successful login (with the tests' low argon2id cost,
// so what it measures is stackd's part, not the hash).
func BenchmarkLogin(b *testing.B) {
	forEachBenchEngine(b, func(b *testing.B, s *benchStack) {
		loop(b, s.e.Handler, 200, func(int) *http.Request {
			req := httptest.NewRequest("POST", "/v3/user-session",
				strings.NewReader(fmt.Sprintf(`{"user":{"email":"owner@example.com","password":%q}}`, apitest.Password)))
			req.Header.Set("Content-Type", "application/json")
			return req
		})
	})
}

// BenchmarkConsoleRead is the same read with the web console's session
// cookie: the session lookup by kind, the expiry check, the same-origin
// check and the CSRF token derivation.
func BenchmarkConsoleRead(b *testing.B) {
	e := apitest.New(b, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	tok := e.Login("owner@example.com")
	key := e.CreateStack(tok, "Bench")
	rec := e.Send(e.Handler, "POST", "/v3/user-session?session=cookie", nil,
		map[string]any{"user": map[string]any{"email": "owner@example.com", "password": apitest.Password}})
	cookie := rec.Header().Get("Set-Cookie")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/v3/environments", nil)
		req.Header.Set("Cookie", cookie)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("api_key", key)
		rec := httptest.NewRecorder()
		e.Handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}
