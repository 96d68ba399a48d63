package opstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// client calls one stackd as the owner, on one stack.
type client struct {
	t        *testing.T
	http     *http.Client
	cma, cda string
	headers  map[string]string
}

// reply is one HTTP answer; err is set when no answer came.
type reply struct {
	status int
	body   map[string]any
	header http.Header
	raw    []byte
	err    error
}

func newClient(t *testing.T, cma, cda string) *client {
	return &client{t: t, http: &http.Client{Timeout: 30 * time.Second}, cma: cma, cda: cda, headers: map[string]string{}}
}

// do sends a JSON request (body nil for none) to the CMA.
func (c *client) do(method, path string, body any) reply {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.cma+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, c.headers)
}

func (c *client) send(req *http.Request, headers map[string]string) reply {
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	out := reply{status: resp.StatusCode, header: resp.Header, raw: raw, err: err}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// must sends a request that has to answer want.
func (c *client) must(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	r := c.do(method, path, body)
	if r.err != nil || r.status != want {
		c.t.Fatalf("%s %s: %d %s %v (want %d)", method, path, r.status, r.raw, r.err, want)
	}
	return r.body
}

// upload sends an asset file as multipart (POST /v3/assets or PUT /v3/assets/{uid}).
func (c *client) upload(method, path, title string, data []byte) reply {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("asset[title]", title)
	fw, _ := w.CreateFormFile("asset[upload]", title+".bin")
	_, _ = fw.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(method, c.cma+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.send(req, c.headers)
}

// setupStack logs the owner in, creates a stack and the content type
// "note" (a title field), and makes the client call as the owner on it.
func setupStack(t *testing.T, cma, cda string) *client {
	t.Helper()
	c := newClient(t, cma, cda)
	login := c.must("POST", "/v3/user-session", map[string]any{"user": map[string]any{"email": ownerEmail, "password": ownerPassword}}, 200)
	user := login["user"].(map[string]any)
	c.headers["authtoken"] = user["authtoken"].(string)
	c.headers["organization_uid"] = user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	st := c.must("POST", "/v3/stacks", map[string]any{"stack": map[string]any{"name": "Ops", "master_locale": "en-us"}}, 201)
	c.headers["api_key"] = st["stack"].(map[string]any)["api_key"].(string)
	delete(c.headers, "organization_uid")
	c.must("POST", "/v3/content_types", map[string]any{"content_type": map[string]any{"title": "Note", "uid": "note",
		"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true, "unique": false}}}}, 201)
	return c
}

// reattach points c at a restarted server (same data, new ports).
func (c *client) reattach(s *server) {
	c.cma, c.cda = s.cma, s.cda
}

// deliveryToken creates the environment "production", publishes the
// entry uid there and returns a delivery token for it.
func (c *client) deliveryToken(entryUID string) string {
	c.t.Helper()
	c.must("POST", "/v3/environments", map[string]any{"environment": map[string]any{"name": "production"}}, 201)
	c.must("POST", "/v3/content_types/note/entries/"+entryUID+"/publish",
		map[string]any{"entry": map[string]any{"environments": []any{"production"}, "locales": []any{"en-us"}}, "locale": "en-us"}, 200)
	scope := []any{map[string]any{"module": "environment", "environments": []any{"production"}, "acl": map[string]any{"read": true}},
		map[string]any{"module": "branch", "branches": []any{"main"}, "acl": map[string]any{"read": true}}}
	tok := c.must("POST", "/v3/stacks/delivery_tokens", map[string]any{"token": map[string]any{"name": "site", "scope": scope}}, 201)
	return tok["token"].(map[string]any)["token"].(string)
}

// cdaEntries lists the published notes through the CDA with a delivery token.
func (c *client) cdaEntries(token string) reply {
	req, _ := http.NewRequest("GET", c.cda+"/v3/content_types/note/entries?environment=production", nil)
	return c.send(req, map[string]string{"api_key": c.headers["api_key"], "access_token": token})
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func num(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func oneOf(s string, set ...string) bool {
	for _, x := range set {
		if strings.EqualFold(s, x) {
			return true
		}
	}
	return false
}
