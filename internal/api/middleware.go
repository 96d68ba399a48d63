package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
)

type ctxKey int

const requestIDKey ctxKey = 1

// requestID returns the id middleware gave the request.
func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

// statusWriter remembers the status a handler wrote, for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// middleware wraps every request: a request id (header X-Request-Id), a body
// limit (except on multipart uploads), panic recovery and one access-log
// line. The log line names the route pattern, never the raw URL's secrets
// or any header value.
func (a *API) middleware(next http.Handler, listener string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey, id)
		// Giving chi its route context up front lets the access log read
		// the matched pattern after the router is done.
		ctx = context.WithValue(ctx, chi.RouteCtxKey, chi.NewRouteContext())
		r = r.WithContext(ctx)
		// Multipart bodies (uploads) are left to their handlers, which
		// apply the upload limit (assets) or BodyLimit (extensions).
		if r.Body != nil && a.BodyLimit > 0 && !input.IsMultipart(r) {
			r.Body = http.MaxBytesReader(w, r.Body, a.BodyLimit)
		}
		sw := &statusWriter{ResponseWriter: w}
		if !cleanRequest(r) {
			writeError(sw, r, a.Log, domain.ErrBadRequest("The request contains a NUL byte or invalid UTF-8 in its path, query or headers."))
			a.Log.InfoContext(r.Context(), "request", "listener", listener, "method", r.Method, "route", "(refused)",
				"status", sw.status, "duration_ms", time.Since(start).Milliseconds(), "request_id", id)
			return
		}
		defer func() {
			if p := recover(); p != nil {
				writeError(sw, r, a.Log, fmt.Errorf("panic: %v", p))
			}
			a.Log.InfoContext(r.Context(), "request", "listener", listener, "method", r.Method,
				"route", routePattern(r), "status", sw.status, "duration_ms", time.Since(start).Milliseconds(), "request_id", id)
		}()
		next.ServeHTTP(sw, r)
	})
}

func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		return rc.RoutePattern()
	}
	return "(unmatched)"
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func errNoRoute() error {
	return domain.Errorf(domain.KindNotFound, domain.CodeNotFound, "The requested URL was not found on this server.")
}

func errMethod() error {
	return domain.Errorf(domain.KindMethod, domain.CodeMethodNotAllowed, "This method is not allowed on this URL.")
}

// cleanRequest reports whether the decoded path, the query and the headers
// stackd reads are valid UTF-8 without NUL bytes. PostgreSQL refuses such
// text with an error, which would otherwise surface as a 500.
func cleanRequest(r *http.Request) bool {
	ok := func(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
	if !ok(r.URL.Path) {
		return false
	}
	for _, vs := range r.URL.Query() {
		for _, v := range vs {
			if !ok(v) {
				return false
			}
		}
	}
	for _, h := range []string{"api_key", "branch", "organization_uid", "authtoken", "authorization", "access_token"} {
		if !ok(r.Header.Get(h)) {
			return false
		}
	}
	return true
}
