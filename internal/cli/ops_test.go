package cli_test

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/cli"
)

// TestOpsFlags: --metrics, --pprof-addr and --cors-origins and their
// STACKD_* variables reach the server, and bad values are refused.
func TestOpsFlags(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	base := map[string]string{"STACKD_DATA": data, "STACKD_PASSWORD_COST": "low", "STACKD_OWNER_PASSWORD": "Owner-passw0rd"}
	with := func(extra map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range extra {
			env[k] = v
		}
		return env
	}
	addr, cdaAddr, pprofAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	listen := []string{"serve", "--addr", addr, "--cda-addr", cdaAddr}

	stop := serveCLI(t, base, listen...) // defaults: metrics on, pprof off, no CORS on the CMA
	expect(t, "GET", "http://"+addr+"/metrics", nil, 200)
	expect(t, "OPTIONS", "http://"+addr+"/v3/user", preflight("https://console.example.com"), 405)
	if _, err := http.Get("http://" + pprofAddr + "/debug/pprof/"); err == nil {
		t.Error("something answers on the pprof address with --pprof-addr unset")
	}
	stop()

	stop = serveCLI(t, with(map[string]string{"STACKD_METRICS": "false", "STACKD_PPROF_ADDR": pprofAddr,
		"STACKD_CORS_ORIGINS": "https://console.example.com, http://localhost:3000"}), listen...)
	expect(t, "GET", "http://"+addr+"/metrics", nil, 404)
	expect(t, "GET", "http://"+pprofAddr+"/debug/pprof/", nil, 200)
	if h := expect(t, "OPTIONS", "http://"+addr+"/v3/user", preflight("http://localhost:3000"), 204); h.Get("Access-Control-Allow-Origin") != "http://localhost:3000" {
		t.Errorf("preflight from a --cors-origins origin: %v", h)
	}
	stop()

	stop = serveCLI(t, with(map[string]string{"STACKD_METRICS": "false"}), append(listen, "--metrics=true")...) // the flag wins
	expect(t, "GET", "http://"+addr+"/metrics", nil, 200)
	stop()

	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{"STACKD_METRICS": "maybe"}, nil, "STACKD_METRICS must be true or false"},
		{nil, []string{"--cors-origins", "*"}, "--cors-origins"},
		{nil, []string{"--cors-origins", "https://console.example.com/path"}, "--cors-origins"},
		{nil, []string{"--cors-origins", "console.example.com"}, "--cors-origins"},
	} {
		code, _, stderr := run(t, with(c.env), append(listen, c.args...)...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("serve %v with %v = %d %q; want a failure naming %q", c.args, c.env, code, stderr, c.want)
		}
	}
}

func preflight(origin string) map[string]string {
	return map[string]string{"Origin": origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authtoken"}
}

// serveCLI runs `stackd serve` through cli.Main until the returned stop
// is called.
func serveCLI(t *testing.T, env map[string]string, args ...string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- cli.Main(ctx, cli.Env{Args: args, Getenv: func(k string) string { return env[k] }, Stdout: &bytes.Buffer{}, Stderr: &stderr})
	}()
	waitHealthy(t, http.DefaultClient, "http://"+args[2])
	return func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Fatalf("serve exited %d: %s", code, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
}

func expect(t *testing.T, method, url string, headers map[string]string, status int) http.Header {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	resp.Body.Close()
	if resp.StatusCode != status {
		t.Errorf("%s %s = %d; want %d", method, url, resp.StatusCode, status)
	}
	return resp.Header
}
