package cli_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/cli"
)

// writeCert makes a self-signed certificate for 127.0.0.1 and returns the
// cert and key paths and a pool that trusts it.
func writeCert(t *testing.T, dir string) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stackd test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"cma.test"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, IsCA: true, BasicConstraintsValid: true,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(key)
	certPath, keyPath := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	pool := x509.NewCertPool()
	cert, _ := x509.ParseCertificate(der)
	pool.AddCert(cert)
	return certPath, keyPath, pool
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{Args: args, Getenv: func(k string) string { return env[k] }, Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// TestEndToEnd starts the real program with TLS on SQLite in a temp dir,
// adds a user with `stackd user add` while it runs, and drives it over HTTPS.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath, pool := writeCert(t, dir)
	data := filepath.Join(dir, "data")
	addr, cdaAddr := freeAddr(t), freeAddr(t)
	env := map[string]string{"STACKD_OWNER_EMAIL": "boss@example.com", "STACKD_OWNER_PASSWORD": "Boss-passw0rd", "STACKD_PASSWORD_COST": "low", "STACKD_DATA": data}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var serveErr bytes.Buffer
	go func() {
		done <- cli.Main(ctx, cli.Env{Args: []string{"serve", "--addr", addr, "--cda-addr", cdaAddr, "--tls-cert", certPath, "--tls-key", keyPath},
			Getenv: func(k string) string { return env[k] }, Stdout: &bytes.Buffer{}, Stderr: &serveErr})
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 10 * time.Second}
	base := "https://" + addr
	waitHealthy(t, client, base)

	code, out, stderr := run(t, env, "user", "add", "--email", "new@example.com", "--password", "N3w-passw0rd", "--first-name", "New")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "blt") {
		t.Fatalf("user add = %d %q %q", code, out, stderr)
	}
	if code, _, stderr := run(t, env, "user", "add", "--email", "new@example.com", "--password", "N3w-passw0rd"); code == 0 || !strings.Contains(stderr, "already taken") {
		t.Errorf("duplicate user add = %d %q", code, stderr)
	}
	for _, bad := range [][]string{{"--email", "not-an-email", "--password", "N3w-passw0rd"}, {"--email", "x@example.com", "--password", ""}, {"--email", "y@example.com", "--password", "N3w-passw0rd", "--org", "bltffffffffffffffff"}} {
		if code, _, _ := run(t, env, append([]string{"user", "add"}, bad...)...); code == 0 {
			t.Errorf("user add %v succeeded", bad)
		}
	}

	tok := login(t, client, base, "new@example.com", "N3w-passw0rd")
	req, _ := http.NewRequest("GET", base+"/v3/user", nil)
	req.Header.Set("authtoken", tok)
	resp, err := client.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("GET /v3/user over TLS: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = client.Get("https://" + cdaAddr + "/v3/content_types")
	if err != nil || resp.StatusCode != 412 { // no api_key
		t.Fatalf("CDA listener: %v %v", resp, err)
	}
	resp.Body.Close()

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, serveErr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	// A second start on the same data keeps the owner and their password.
	if code, _, stderr := run(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
}

func waitHealthy(t *testing.T, c *http.Client, base string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		resp, err := c.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("server never became healthy")
}

func login(t *testing.T, c *http.Client, base, email, password string) string {
	t.Helper()
	body := fmt.Sprintf(`{"user":{"email":%q,"password":%q}}`, email, password)
	resp, err := c.Post(base+"/v3/user-session", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		User struct{ Authtoken string } `json:"user"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || out.User.Authtoken == "" {
		t.Fatalf("login %s: %d %v", email, resp.StatusCode, err)
	}
	return out.User.Authtoken
}
