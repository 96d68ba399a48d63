package cli_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAssetsEndToEnd runs the real program (plain HTTP) with --max-upload
// from the environment, a small --body-limit and a --public-url, uploads
// through the network and downloads the file from its public URL.
func TestAssetsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	addr, cdaAddr := freeAddr(t), freeAddr(t)
	env := map[string]string{"STACKD_OWNER_EMAIL": "boss@example.com", "STACKD_OWNER_PASSWORD": "Boss-passw0rd",
		"STACKD_PASSWORD_COST": "low", "STACKD_DATA": data, "STACKD_MAX_UPLOAD": "4096"}
	defer serveCLI(t, env, "serve", "--addr", addr, "--cda-addr", cdaAddr, "--body-limit", "1024",
		"--public-url", "https://files.example.test/base/")()
	client := &http.Client{Timeout: 10 * time.Second}
	base := "http://" + addr
	tok := login(t, client, base, "boss@example.com", "Boss-passw0rd")
	apiKey := createStackOver(t, client, base, tok)

	status, body := uploadOver(t, client, base, tok, apiKey, bytes.Repeat([]byte("z"), 2000))
	if status != 201 {
		t.Fatalf("upload over the body limit, under the upload limit: %d %v", status, body)
	}
	as := body["asset"].(map[string]any)
	u := as["url"].(string)
	if !strings.HasPrefix(u, "https://files.example.test/base/assets/"+apiKey+"/") {
		t.Fatalf("url %s does not start with the public url", u)
	}
	// A proxy at the public URL strips /base; stackd serves the rest without credentials.
	resp, err := client.Get(base + strings.TrimPrefix(u, "https://files.example.test/base"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(got) != 2000 {
		t.Errorf("public url: %d, %d bytes", resp.StatusCode, len(got))
	}
	files, _ := filepath.Glob(filepath.Join(data, "assets", apiKey, as["uid"].(string), "*"))
	if len(files) != 1 {
		t.Errorf("files under --data/assets: %v", files)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Size() != 2000 || st.Mode().Perm() != 0o600 {
		t.Errorf("stored file: %v %v", st, err)
	}

	if status, body := uploadOver(t, client, base, tok, apiKey, make([]byte, 4097)); status != 413 {
		t.Errorf("upload over --max-upload: %d %v", status, body)
	}
	for _, args := range [][]string{{"--max-upload", "lots"}, {"--max-upload", "0"}, {"--public-url", "ftp://x"}} {
		code, _, stderr := run(t, map[string]string{"STACKD_DATA": filepath.Join(dir, "other"), "STACKD_PASSWORD_COST": "low"},
			append([]string{"serve", "--addr", "127.0.0.1:0", "--cda-addr", "127.0.0.1:0"}, args...)...)
		if code == 0 || !strings.Contains(stderr, args[0]) {
			t.Errorf("serve %v = %d %q, want a refusal naming the flag", args, code, stderr)
		}
	}
}

func createStackOver(t *testing.T, c *http.Client, base, tok string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/v3/user", nil)
	req.Header.Set("authtoken", tok)
	user := doJSON(t, c, req, 200)["user"].(map[string]any)
	org := user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	req, _ = http.NewRequest("POST", base+"/v3/stacks", strings.NewReader(`{"stack":{"name":"S","master_locale":"en-us"}}`))
	req.Header.Set("authtoken", tok)
	req.Header.Set("organization_uid", org)
	req.Header.Set("Content-Type", "application/json")
	return doJSON(t, c, req, 201)["stack"].(map[string]any)["api_key"].(string)
}

func uploadOver(t *testing.T, c *http.Client, base, tok, apiKey string, data []byte) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("asset[title]", "Big")
	fw, _ := w.CreateFormFile("asset[upload]", "big.txt")
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest("POST", base+"/v3/assets", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("authtoken", tok)
	req.Header.Set("api_key", apiKey)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func doJSON(t *testing.T, c *http.Client, req *http.Request, want int) map[string]any {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != want {
		t.Fatalf("%s %s: %d %v %v", req.Method, req.URL, resp.StatusCode, out, err)
	}
	return out
}
