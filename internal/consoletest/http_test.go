package consoletest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// get calls the CMA like an API client (no cookies) and decodes the answer.
func (s *stackd) get(t *testing.T, path string, headers map[string]string) (int, map[string]any) {
	t.Helper()
	return call(t, "GET", s.URL+path, headers, "")
}

func call(t *testing.T, method, url string, headers map[string]string, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}
