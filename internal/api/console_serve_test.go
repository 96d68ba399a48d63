package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/console"
	"github.com/stackd/stackd/internal/store/storetest"
)

// TestConsoleServing: GET / redirects to the console, the console's paths
// answer HTML with its security headers, and every other unknown path,
// /v3/… above all, keeps the API's JSON 404.
func TestConsoleServing(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	cases := []struct {
		method, path string
		wantStatus   int
		wantType     string // prefix of Content-Type; "" for a redirect
		wantLocation string
	}{
		{"GET", "/", 302, "", "/console/"},
		{"GET", "/console", 302, "", "/console/"},
		{"GET", "/console/", 200, "text/html", ""},
		{"GET", "/console/stacks/blt1/settings/tokens", 200, "text/html", ""},
		{"GET", "/console/app.js", 200, "text/javascript", ""},
		{"GET", "/v3/no-such-route", 404, "application/json", ""},
		{"GET", "/v3/console/", 404, "application/json", ""},
		{"GET", "/consoles", 404, "application/json", ""},
		{"GET", "/index.html", 404, "application/json", ""},
		{"POST", "/console/", 405, "application/json", ""},
	}
	for _, c := range cases {
		rec := e.Send(e.Handler, c.method, c.path, nil, nil)
		if rec.Code != c.wantStatus {
			t.Errorf("%s %s = %d, want %d", c.method, c.path, rec.Code, c.wantStatus)
			continue
		}
		if got := rec.Header().Get("Location"); got != c.wantLocation {
			t.Errorf("%s %s: Location %q, want %q", c.method, c.path, got, c.wantLocation)
		}
		if c.wantType == "" {
			continue
		}
		if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, c.wantType) {
			t.Errorf("%s %s: Content-Type %q, want %s", c.method, c.path, got, c.wantType)
		}
		isConsole := strings.HasPrefix(c.wantType, "text/")
		if got := rec.Header().Get("Content-Security-Policy"); isConsole != (got == console.CSP) {
			t.Errorf("%s %s: CSP %q", c.method, c.path, got)
		}
		if !isConsole {
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["error_code"] == nil {
				t.Errorf("%s %s: not the JSON error body: %q", c.method, c.path, rec.Body.String())
			}
		}
	}
}
