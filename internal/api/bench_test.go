package api_test

import (
	"net/http/httptest"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// BenchmarkAuthenticatedRead measures a stack read with an authtoken: one
// indexed session lookup, the stack, the membership, and the answer.
func BenchmarkAuthenticatedRead(b *testing.B) {
	e := apitest.New(b, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	tok := e.Login("owner@example.com")
	key := e.CreateStack(tok, "Bench")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/v3/environments", nil)
		req.Header.Set("authtoken", tok)
		req.Header.Set("api_key", key)
		rec := httptest.NewRecorder()
		e.Handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
}

// BenchmarkManagementTokenRead is the same read with a management token.
func BenchmarkManagementTokenRead(b *testing.B) {
	e := apitest.New(b, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	tok := e.Login("owner@example.com")
	key := e.CreateStack(tok, "Bench")
	_, body := e.Do("POST", "/v3/stacks/management_tokens", map[string]string{"authtoken": tok, "api_key": key},
		map[string]any{"token": map[string]any{"name": "b", "scope": []any{map[string]any{"module": "$all", "acl": map[string]any{"read": true}},
			map[string]any{"module": "branch", "branches": []any{"main"}}}}})
	secret := body["token"].(map[string]any)["token"].(string)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest("GET", "/v3/environments", nil)
		req.Header.Set("authorization", secret)
		req.Header.Set("api_key", key)
		rec := httptest.NewRecorder()
		e.Handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code)
		}
	}
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
