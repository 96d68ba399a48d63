// Package console serves stackd's web console: the files under static/,
// embedded in the binary, answered under /console/ on the CMA listener.
// The console is a client of the public API (it signs in with a cookie
// session, see internal/api/console_session.go); this package only serves
// its files, with the security headers every console response carries.
package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed static
var staticFS embed.FS

// Prefix is the path under which the console lives. No API route uses it.
const Prefix = "/console/"

// CSP is the Content-Security-Policy of every console response: only the
// console's own files run (no inline script or style), and no other site
// may frame it.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// file is one embedded file, ready to answer: its bytes, a gzip copy when
// that is smaller, its media type and a strong ETag from its content.
type file struct {
	body, gz []byte
	ctype    string
	etag     string // quoted hex of the first 16 bytes of SHA-256
}

// site is every file of static/ by its path relative to static/.
type site map[string]*file

var loaded = sync.OnceValues(func() (site, error) { return load(staticFS, "static") })

// Handler returns the handler of GET /console/*: a file of static/ when the
// path names one, index.html for every other path (client-side routes),
// except a path whose last segment has a file extension, which is a 404 so
// that a missing script never arrives as HTML.
func Handler() http.Handler {
	s, err := loaded()
	if err != nil {
		panic(fmt.Sprintf("console: embedded files: %v", err)) // the embed is fixed at build time
	}
	return s
}

// Redirect answers GET / and GET /console with a 302 to /console/.
func Redirect(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	http.Redirect(w, r, Prefix, http.StatusFound)
}

// load reads every file under dir of fsys.
func load(fsys fs.FS, dir string) (site, error) {
	s := site{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return fmt.Errorf("console: read %s: %w", p, err)
		}
		s[strings.TrimPrefix(p, dir+"/")] = newFile(p, body)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s["index.html"] == nil {
		return nil, fmt.Errorf("console: %s/index.html is missing", dir)
	}
	return s, nil
}

func newFile(name string, body []byte) *file {
	sum := sha256.Sum256(body)
	f := &file{body: body, ctype: mediaType(name), etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	if compressible(f.ctype) {
		if gz := gzipped(body); len(gz) < len(body) {
			f.gz = gz
		}
	}
	return f
}

// mediaTypes are the types of the files a console is made of; others come
// from the mime package.
var mediaTypes = map[string]string{
	".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
	".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8", ".map": "application/json", ".woff2": "font/woff2",
}

func mediaType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := mediaTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") || ctype == "image/svg+xml"
}

func gzipped(body []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	_, _ = zw.Write(body)                                    // writes to memory do not fail
	_ = zw.Close()
	return buf.Bytes()
}

func (s site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	f := s.lookup(r.URL.Path)
	if f == nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("404: no such file in the console\n"))
		return
	}
	serveFile(w, r, f)
}

// lookup finds the file for a request path under Prefix: the file itself,
// else index.html for an extension-less path (a client-side route).
func (s site) lookup(p string) *file {
	rel := strings.TrimPrefix(path.Clean("/"+strings.TrimPrefix(p, Prefix)), "/")
	if f, ok := s[rel]; ok {
		return f
	}
	if rel != "" && path.Ext(path.Base(rel)) != "" {
		return nil
	}
	return s["index.html"]
}

// serveFile answers with f: gzip when the client takes it, 304 when the
// client's copy is current. Every answer is revalidated (no-cache) so a
// new binary's files are never mixed with an old cached module.
func serveFile(w http.ResponseWriter, r *http.Request, f *file) {
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "no-cache")
	body, etag := f.body, f.etag
	if f.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	if matches(r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// acceptsGzip reads an Accept-Encoding header: gzip (or *) listed without q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// matches reports whether an If-None-Match header names etag (or is *).
func matches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// setSecurityHeaders sets the headers every console response carries.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}
