package server_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawRequest writes req on a fresh connection to addr and reads the answer.
func rawRequest(t *testing.T, addr, req string) *http.Response {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	go func() { _, _ = io.WriteString(c, req) }() // the server may answer before reading it all
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestMalformedRequestsGetJSON: requests net/http refuses before any
// handler runs, and headers over stackd's limit, are answered with
// Contentstack's JSON error body on both listeners.
func TestMalformedRequestsGetJSON(t *testing.T) {
	base := start(t, "", "plain-errors-secret-0123456789")
	cma := strings.TrimPrefix(base, "http://")
	big := func(n int) string { return "X-Big: " + strings.Repeat("a", n) + "\r\n" }
	cases := []struct {
		name       string
		req        string
		wantStatus int
		wantInMsg  string
	}{
		{"NUL in a header", "GET /v3/user HTTP/1.1\r\nHost: x\r\nAuthtoken: a\x00b\r\n\r\n", 400, "malformed"},
		{"control byte in a header", "GET /v3/user HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n", 400, "malformed"},
		{"bad header name", "GET /v3/user HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400, "invalid header name"},
		{"no Host", "GET /v3/user HTTP/1.1\r\n\r\n", 400, "Host"},
		{"garbage request line", "GARBAGE\r\n\r\n", 400, "malformed"},
		{"headers over stackd's limit", "GET /v3/user HTTP/1.1\r\nHost: x\r\n" + big(2<<20) + "\r\n", 431, "too large"},
		{"headers over the server's limit", "GET /v3/user HTTP/1.1\r\nHost: x\r\n" + big(5<<20) + "\r\n", 431, "too large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := rawRequest(t, cma, c.req)
			if resp.StatusCode != c.wantStatus || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("status %d, Content-Type %q; want %d and JSON", resp.StatusCode, resp.Header.Get("Content-Type"), c.wantStatus)
			}
			var body map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			msg, _ := body["error_message"].(string)
			if code, _ := body["error_code"].(float64); int(code) != c.wantStatus || !strings.Contains(msg, c.wantInMsg) {
				t.Errorf("body %v; want error_code %d and a message with %q", body, c.wantStatus, c.wantInMsg)
			}
			if _, ok := body["errors"].(map[string]any); !ok {
				t.Errorf("body has no errors object: %v", body)
			}
			if c.wantStatus == 431 && len(c.req) < 4<<20 && resp.Header.Get("X-Request-Id") == "" {
				t.Error("headers under the server's hard limit were not answered by stackd's handler")
			}
		})
	}
	// A well-formed request on the same kind of connection is untouched.
	if resp := rawRequest(t, cma, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); resp.StatusCode != 200 {
		t.Errorf("healthz through the wrapped listener: %d", resp.StatusCode)
	}
}
