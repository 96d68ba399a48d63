package console

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func testSite(t *testing.T) site {
	t.Helper()
	big := strings.Repeat("console.log('stackd');\n", 200)
	s, err := load(fstest.MapFS{
		"static/index.html":      {Data: []byte("<!doctype html><title>index</title>")},
		"static/app.js":          {Data: []byte(big)},
		"static/pages/tokens.js": {Data: []byte("export const x = 1;")},
		"static/logo.png":        {Data: []byte("\x89PNG\r\n\x1a\nnot really")},
	}, "static")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLookup: files by path, index.html for client-side routes, 404 for a
// missing file with an extension.
func TestLookup(t *testing.T) {
	s := testSite(t)
	cases := []struct {
		path, want string // want: "index", a file name, or "" for 404
	}{
		{"/console/", "index.html"},
		{"/console/app.js", "app.js"},
		{"/console/pages/tokens.js", "pages/tokens.js"},
		{"/console/stacks/blt123/settings/tokens", "index.html"},
		{"/console/pages", "index.html"},
		{"/console/missing.js", ""},
		{"/console/stacks/x/missing.css", ""},
		{"/console/../app.js", "app.js"},
	}
	for _, c := range cases {
		got := s.lookup(c.path)
		var want *file
		if c.want != "" {
			want = s[c.want]
		}
		if got != want {
			t.Errorf("lookup(%q) = %p, want %s (%p)", c.path, got, c.want, want)
		}
	}
}

func TestLoadNeedsIndex(t *testing.T) {
	if _, err := load(fstest.MapFS{"static/app.js": {Data: []byte("x")}}, "static"); err == nil {
		t.Fatal("a console without index.html loaded")
	}
}

// TestServe: headers, gzip for text files only when smaller and accepted,
// strong ETags per representation and 304 on a match.
func TestServe(t *testing.T) {
	s := testSite(t)
	get := func(path string, h map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	plain := get("/console/app.js", nil)
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" || plain.Body.Len() != len(s["app.js"].body) {
		t.Fatalf("plain app.js: %d %q %d bytes", plain.Code, plain.Header().Get("Content-Encoding"), plain.Body.Len())
	}
	zipped := get("/console/app.js", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Header().Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip app.js: headers %v", zipped.Header())
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, _ := io.ReadAll(zr)
	if !bytes.Equal(unzipped, s["app.js"].body) || zipped.Body.Len() >= len(unzipped)/4 {
		t.Errorf("gzip body: %d bytes for %d", zipped.Body.Len(), len(unzipped))
	}
	if plain.Header().Get("ETag") == zipped.Header().Get("ETag") {
		t.Error("the gzip and plain representations share an ETag")
	}
	if got := get("/console/app.js", map[string]string{"Accept-Encoding": "gzip;q=0"}); got.Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although refused with q=0")
	}
	if got := get("/console/logo.png", map[string]string{"Accept-Encoding": "gzip"}); got.Header().Get("Content-Encoding") != "" || got.Header().Get("Content-Type") != "image/png" {
		t.Errorf("png: %v", got.Header())
	}
	again := get("/console/app.js", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": zipped.Header().Get("ETag")})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("revalidation: %d with %d bytes", again.Code, again.Body.Len())
	}
	for _, rec := range []*httptest.ResponseRecorder{plain, zipped, again, get("/console/missing.js", nil), get("/console/x/y", nil)} {
		for k, want := range map[string]string{"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
			if got := rec.Header().Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
	}
	if got := get("/console/missing.js", nil); got.Code != 404 || strings.Contains(got.Body.String(), "<") {
		t.Errorf("missing.js: %d %q", got.Code, got.Body.String())
	}
}

// TestEmbedded: the files built into the binary load and hold index.html.
func TestEmbedded(t *testing.T) {
	s, err := loaded()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s["index.html"].ctype, "text/html") {
		t.Errorf("index.html has type %q", s["index.html"].ctype)
	}
}
