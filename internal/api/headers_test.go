package api_test

import (
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// TestHeaderChecks: whatever way a request reaches the handler, headers over
// api.MaxHeaderBytes get a JSON 431 and control bytes in any header a JSON
// 400 (net/http refuses the latter itself on HTTP/1; see internal/server).
func TestHeaderChecks(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	cases := []struct {
		name     string
		headers  map[string]string
		want     int
		wantCode int
	}{
		{"just under the limit", map[string]string{"X-Big": strings.Repeat("a", api.MaxHeaderBytes-1024)}, 401, 105},
		{"over the limit", map[string]string{"X-Big": strings.Repeat("a", api.MaxHeaderBytes)}, 431, 431},
		{"NUL in an unread header", map[string]string{"X-Note": "a\x00b"}, 400, 400},
		{"escape in an unread header", map[string]string{"User-Agent": "a\x1b[2J"}, 400, 400},
		{"tab is fine", map[string]string{"User-Agent": "a\tb"}, 401, 105},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := e.Do("GET", "/v3/user", c.headers, nil)
			if status != c.want {
				t.Fatalf("status %d, want %d: %v", status, c.want, body)
			}
			apitest.CheckError(t, body, c.wantCode)
		})
	}
}
