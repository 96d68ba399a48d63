package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDeliveryAssetURLsEndToEnd runs the real program with the default
// flags (no --public-url, no --cda-public-url): the asset URL the CMA
// hands out answers on the CMA listener, the one the CDA hands out
// answers on the CDA listener, both with the file's bytes, as they are
// returned. CDA JSON reads carry a strong ETag and answer 304 to it.
func TestDeliveryAssetURLsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	addr, cdaAddr := freeAddr(t), freeAddr(t)
	env := map[string]string{"STACKD_OWNER_EMAIL": "boss@example.com", "STACKD_OWNER_PASSWORD": "Boss-passw0rd",
		"STACKD_PASSWORD_COST": "low", "STACKD_DATA": filepath.Join(dir, "data")}
	defer serveCLI(t, env, "serve", "--addr", addr, "--cda-addr", cdaAddr)()
	client := &http.Client{Timeout: 10 * time.Second}
	base := "http://" + addr
	tok := login(t, client, base, "boss@example.com", "Boss-passw0rd")
	apiKey := createStackOver(t, client, base, tok)
	data := bytes.Repeat([]byte("stackd "), 300)
	status, body := uploadOver(t, client, base, tok, apiKey, data)
	if status != 201 {
		t.Fatalf("upload: %d %v", status, body)
	}
	asset := body["asset"].(map[string]any)
	fetchBytes(t, client, asset["url"].(string), data)

	deliveryToken := publishOver(t, client, base, tok, apiKey, asset["uid"].(string))
	cdaURL := "http://" + cdaAddr + "/v3/assets/" + asset["uid"].(string) + "?environment=production"
	req, _ := http.NewRequest("GET", cdaURL, nil)
	req.Header.Set("api_key", apiKey)
	req.Header.Set("access_token", deliveryToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || len(etag) != 34 {
		t.Fatalf("CDA asset: %d, ETag %q: %s", resp.StatusCode, etag, raw)
	}
	u := jsonField(t, raw, "asset", "url")
	if !strings.HasPrefix(u, "http://"+cdaAddr+"/assets/") {
		t.Errorf("the CDA hands out %s, want a URL on the CDA listener", u)
	}
	fetchBytes(t, client, u, data)

	req.Header.Set("If-None-Match", etag)
	if resp, err = client.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 304 || resp.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match with the ETag: %d %q, want 304", resp.StatusCode, resp.Header.Get("ETag"))
	}
	code, _, stderr := run(t, map[string]string{"STACKD_DATA": filepath.Join(dir, "other"), "STACKD_PASSWORD_COST": "low"},
		"serve", "--addr", "127.0.0.1:0", "--cda-addr", "127.0.0.1:0", "--cda-public-url", "ftp://x")
	if code == 0 || !strings.Contains(stderr, "--cda-public-url") {
		t.Errorf("serve --cda-public-url ftp://x = %d %q, want a refusal naming the flag", code, stderr)
	}
}

// fetchBytes gets u as it is, without credentials, and checks the bytes.
func fetchBytes(t *testing.T, c *http.Client, u string, want []byte) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, want) {
		t.Errorf("GET %s: %d, %d bytes, want 200 and the %d bytes uploaded", u, resp.StatusCode, len(got), len(want))
	}
}

// publishOver creates environment production and a delivery token for it,
// publishes asset uid there and returns the token.
func publishOver(t *testing.T, c *http.Client, base, tok, apiKey, uid string) string {
	t.Helper()
	post := func(path, body string, want int) map[string]any {
		req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
		req.Header.Set("authtoken", tok)
		req.Header.Set("api_key", apiKey)
		req.Header.Set("Content-Type", "application/json")
		return doJSON(t, c, req, want)
	}
	post("/v3/environments", `{"environment":{"name":"production"}}`, 201)
	token := post("/v3/stacks/delivery_tokens", `{"token":{"name":"site","scope":[
		{"module":"environment","environments":["production"],"acl":{"read":true}},
		{"module":"branch","branches":["main"],"acl":{"read":true}}]}}`, 201)
	post("/v3/assets/"+uid+"/publish", `{"asset":{"environments":["production"],"locales":["en-us"]}}`, 200)
	return token["token"].(map[string]any)["token"].(string)
}

func jsonField(t *testing.T, raw []byte, keys ...string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}
