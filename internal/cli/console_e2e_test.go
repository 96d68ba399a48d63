package cli_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/cli"
	"github.com/stackd/stackd/internal/oidctest"
)

// TestConsoleEndToEnd starts the real program over TLS and acts as a
// browser with a cookie jar: / leads to the console, a cookie sign-in
// gives a Secure HttpOnly session that works with its CSRF token and ends
// with sign out; then `stackd org sso` points the organization at a test
// identity provider and a sign-in through it follows every redirect back
// to the console, signed in.
func TestConsoleEndToEnd(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath, pool := writeCert(t, dir)
	data := filepath.Join(dir, "data")
	addr, cdaAddr := freeAddr(t), freeAddr(t)
	base := "https://" + addr
	env := map[string]string{"STACKD_OWNER_EMAIL": "boss@example.com", "STACKD_OWNER_PASSWORD": "Boss-passw0rd", "STACKD_PASSWORD_COST": "low",
		"STACKD_DATA": data, "STACKD_PUBLIC_URL": base}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var out, serveErr bytes.Buffer
	go func() {
		done <- cli.Main(ctx, cli.Env{Args: []string{"serve", "--addr", addr, "--cda-addr", cdaAddr, "--tls-cert", certPath, "--tls-key", keyPath},
			Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &serveErr})
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, serveErr.String())
		}
	}()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	waitHealthy(t, browser, base)

	resp := do(t, browser, "GET", base+"/", nil, nil)
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/console/" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !resp.Uncompressed {
		t.Fatalf("GET /: %d at %s, %s, gzip %v", resp.StatusCode, resp.Request.URL, resp.Header.Get("Content-Type"), resp.Uncompressed)
	}
	page := map[string]string{"Origin": base, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json"}
	resp = do(t, browser, "POST", base+"/v3/user-session?session=cookie", page, `{"user":{"email":"boss@example.com","password":"Boss-passw0rd"}}`)
	login := decode(t, resp)
	csrf, _ := login["csrf_token"].(string)
	setCookie := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != 200 || csrf == "" || !strings.Contains(setCookie, "Secure") || !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Strict") {
		t.Fatalf("console sign-in: %d %v, Set-Cookie %q", resp.StatusCode, login, setCookie)
	}
	me := decode(t, do(t, browser, "GET", base+"/v3/user", page, nil))
	user, _ := me["user"].(map[string]any)
	if user["authtoken"] != nil || me["csrf_token"] != csrf {
		t.Fatalf("GET /v3/user with the cookie: %v", me)
	}
	orgUID := user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	if resp := do(t, browser, "PUT", base+"/v3/user", page, `{"user":{"first_name":"B"}}`); resp.StatusCode != 403 {
		t.Errorf("write without the CSRF token: %d", resp.StatusCode)
	}
	page["X-CSRF-Token"] = csrf
	if resp := do(t, browser, "DELETE", base+"/v3/user-session", page, nil); resp.StatusCode != 200 {
		t.Errorf("sign out: %d", resp.StatusCode)
	}
	if resp := do(t, browser, "GET", base+"/v3/user", page, nil); resp.StatusCode != 401 {
		t.Errorf("after sign out: %d", resp.StatusCode)
	}

	idp := oidctest.Start(t)
	idp.SignIn(oidctest.Identity{Subject: "s-1", Email: "jit@example.com", EmailVerified: oidctest.Bool(true), GivenName: "Jit"})
	env["STACKD_SSO_CLIENT_SECRET"] = idp.ClientSecret
	code, printed, stderr := run(t, env, "org", "sso", "--org", orgUID, "--issuer", idp.Issuer(), "--client-id", idp.ClientID)
	if code != 0 || !strings.Contains(printed, base+"/v3/sso/callback") {
		t.Fatalf("org sso = %d %q %q", code, printed, stderr)
	}
	resp = do(t, browser, "GET", base+"/v3/sso/start?org="+orgUID, nil, nil)
	if resp.StatusCode != 200 || resp.Request.URL.String() != base+"/console/" {
		t.Fatalf("SSO sign-in ended at %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	me = decode(t, do(t, browser, "GET", base+"/v3/user", map[string]string{"Sec-Fetch-Site": "same-origin"}, nil))
	if u, _ := me["user"].(map[string]any); u["email"] != "jit@example.com" || u["first_name"] != "Jit" {
		t.Errorf("signed in through SSO as %v", me)
	}
	if !strings.Contains(out.String(), "stackd: console at "+base+"/console/") {
		t.Errorf("serve printed %q", out.String())
	}
}

func do(t *testing.T, c *http.Client, method, url string, headers map[string]string, body any) *http.Response {
	t.Helper()
	var rd io.Reader
	if s, ok := body.(string); ok {
		rd = strings.NewReader(s)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	return resp
}

func decode(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("%s %s: not JSON (%d)", resp.Request.Method, resp.Request.URL, resp.StatusCode)
	}
	return m
}
