package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// absent in a corsCase's want means the header must not be there.
const absent = "(absent)"

type corsCase struct {
	name       string
	listener   string // "cda", "cma" (with --cors-origins) or "cma-off" (without)
	method     string
	path       string
	headers    map[string]string
	wantStatus int
	want       map[string]string // response headers; absent = not sent
}

// TestCORS: the CDA answers real preflights from any origin for GET, HEAD
// and POST with whatever request headers the browser names; the CMA only
// for the origins of --cors-origins, and not at all without them. A plain
// OPTIONS keeps its 405 JSON answer; simple requests carry
// Access-Control-Allow-Origin and the exposed headers; no answer ever
// allows credentials.
func TestCORS(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	publishEnv(t, e)
	deps := apitest.Deps(e)
	deps.CORSOrigins = []string{"https://console.example.com"}
	handlers := map[string]http.Handler{"cda": e.CDA, "cma": api.New(deps), "cma-off": e.Handler}
	const sdkHeaders = "access_token,api_key,branch,content-type,live_preview,preview_token,x-user-agent"
	const console, elsewhere = "https://console.example.com", "https://evil.example.net"
	preflight := func(origin, method, headers string) map[string]string {
		h := map[string]string{"Origin": origin, "Access-Control-Request-Method": method}
		if headers != "" {
			h["Access-Control-Request-Headers"] = headers
		}
		return h
	}
	// rs/cors writes the names in canonical form (header names are case-insensitive).
	exposed := "Etag, X-Ratelimit-Limit, X-Ratelimit-Remaining, X-Ratelimit-Reset, Retry-After, X-Request-Id"
	cdaRead := map[string]string{"Origin": elsewhere, "api_key": "{api_key}", "access_token": "{dt_dev}"}
	cases := []corsCase{
		{"CDA preflight from any origin", "cda", "OPTIONS", "/v3/content_types/blog/entries", preflight(elsewhere, "GET", sdkHeaders), 204,
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET",
				"Access-Control-Allow-Headers": sdkHeaders, "Access-Control-Max-Age": "600"}},
		{"CDA preflight for GraphQL's POST", "cda", "OPTIONS", "/v3/content_types", preflight("http://localhost:3000", "POST", "content-type"), 204,
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "POST"}},
		{"CDA preflight for HEAD", "cda", "OPTIONS", "/v3/assets", preflight(elsewhere, "HEAD", ""), 204,
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "HEAD"}},
		{"CDA preflight for DELETE is not allowed", "cda", "OPTIONS", "/v3/assets", preflight(elsewhere, "DELETE", ""), 204,
			map[string]string{"Access-Control-Allow-Origin": absent, "Access-Control-Allow-Methods": absent}},
		{"CDA plain OPTIONS", "cda", "OPTIONS", "/v3/content_types", nil, 405, map[string]string{"Access-Control-Allow-Origin": absent}},
		{"CDA OPTIONS with Origin but no request method", "cda", "OPTIONS", "/v3/content_types", map[string]string{"Origin": elsewhere}, 405,
			map[string]string{"Access-Control-Allow-Origin": absent}},
		{"CDA preflight without Origin", "cda", "OPTIONS", "/v3/content_types", map[string]string{"Access-Control-Request-Method": "GET"}, 405, nil},
		{"CDA simple GET", "cda", "GET", "/v3/content_types/blog", cdaRead, 200,
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": exposed}},
		{"CDA error answer is readable too", "cda", "GET", "/v3/content_types", map[string]string{"Origin": elsewhere, "api_key": "{api_key}"}, 401,
			map[string]string{"Access-Control-Allow-Origin": "*"}},
		{"CDA GET without Origin", "cda", "GET", "/v3/content_types/blog", map[string]string{"api_key": "{api_key}", "access_token": "{dt_dev}"}, 200,
			map[string]string{"Access-Control-Allow-Origin": absent, "Vary": "Origin"}},

		{"CMA preflight from an allowed origin", "cma", "OPTIONS", "/v3/content_types/blog", preflight(console, "PUT", "api_key,authtoken,content-type"), 204,
			map[string]string{"Access-Control-Allow-Origin": console, "Access-Control-Allow-Methods": "PUT",
				"Access-Control-Allow-Headers": "api_key,authtoken,content-type"}},
		{"CMA preflight from another origin", "cma", "OPTIONS", "/v3/content_types/blog", preflight(elsewhere, "PUT", "authtoken"), 204,
			map[string]string{"Access-Control-Allow-Origin": absent, "Access-Control-Allow-Methods": absent}},
		{"CMA plain OPTIONS", "cma", "OPTIONS", "/v3/user", nil, 405, nil},
		{"CMA GET from an allowed origin", "cma", "GET", "/v3/user", map[string]string{"Origin": console, "authtoken": "{owner}"}, 200,
			map[string]string{"Access-Control-Allow-Origin": console, "Access-Control-Expose-Headers": exposed}},
		{"CMA GET from another origin", "cma", "GET", "/v3/user", map[string]string{"Origin": elsewhere, "authtoken": "{owner}"}, 200,
			map[string]string{"Access-Control-Allow-Origin": absent, "Access-Control-Expose-Headers": absent}},
		{"CMA without --cors-origins: preflight", "cma-off", "OPTIONS", "/v3/user", preflight(console, "GET", "authtoken"), 405,
			map[string]string{"Access-Control-Allow-Origin": absent, "Access-Control-Allow-Methods": absent}},
		{"CMA without --cors-origins: GET", "cma-off", "GET", "/v3/user", map[string]string{"Origin": console, "authtoken": "{owner}"}, 200,
			map[string]string{"Access-Control-Allow-Origin": absent}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkCORS(t, e, handlers[c.listener], c) })
	}
}

func checkCORS(t *testing.T, e *apitest.Env, h http.Handler, c corsCase) {
	rec := e.Send(h, c.method, c.path, c.headers, nil)
	if rec.Code != c.wantStatus {
		t.Fatalf("status %d, want %d: %s", rec.Code, c.wantStatus, rec.Body.String())
	}
	if rec.Code == 405 {
		var body map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["error_code"] == nil {
			t.Errorf("405 without the error body: %q", rec.Body.String())
		}
	}
	for k, want := range c.want {
		got, sent := rec.Header().Get(k), len(rec.Header().Values(k)) > 0
		if want == absent && sent {
			t.Errorf("%s: %q, want none", k, got)
		} else if want != absent && got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if v := rec.Header().Values("Access-Control-Allow-Credentials"); len(v) > 0 {
		t.Errorf("Access-Control-Allow-Credentials sent: %v", v)
	}
}
