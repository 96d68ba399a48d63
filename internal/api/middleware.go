package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

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
		if err := checkRequest(r); err != nil {
			writeError(sw, r, a.Log, err)
			a.Log.InfoContext(r.Context(), "request", "listener", listener, "method", r.Method, "route", routeRefused,
				"status", sw.status, "duration_ms", time.Since(start).Milliseconds(), "request_id", id)
			a.observe(listener, r.Method, routeRefused, sw.status, time.Since(start))
			return
		}
		defer func() {
			if p := recover(); p != nil {
				writeError(sw, r, a.Log, fmt.Errorf("panic: %v", p))
			}
			route, took := routePattern(r), time.Since(start)
			a.Log.InfoContext(r.Context(), "request", "listener", listener, "method", r.Method,
				"route", route, "status", sw.status, "duration_ms", took.Milliseconds(), "request_id", id)
			a.observe(listener, r.Method, route, sw.status, took)
		}()
		next.ServeHTTP(sw, r)
	})
}

// Route labels of requests that matched no route pattern.
const (
	routeUnmatched = "(unmatched)" // no route: a 404 or 405
	routeRefused   = "(refused)"   // refused before routing (NUL or invalid UTF-8)
	routePreflight = "(preflight)" // a CORS preflight, answered before routing
)

// routePattern names the request's route for logs and metrics: the chi
// pattern it matched or one of the fixed labels above, never the raw path
// (which holds uids and, for public asset URLs, a secret).
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
		return rc.RoutePattern()
	}
	if isPreflight(r) {
		return routePreflight
	}
	return routeUnmatched
}

// RequestObserver is told about every answered request, for metrics
// (internal/metrics implements it). route is a route pattern or a fixed
// label, never a raw path; no header value is passed.
type RequestObserver interface {
	ObserveRequest(listener, method, route string, status int, d time.Duration)
}

func (a *API) observe(listener, method, route string, status int, d time.Duration) {
	if a.Observer == nil {
		return
	}
	if status == 0 {
		status = http.StatusOK // nothing written: net/http answers 200
	}
	a.Observer.ObserveRequest(listener, method, route, status, d)
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

// MaxHeaderBytes is the most header bytes (request line, names and
// values) a request may have; more is a JSON 431. The HTTP server's own
// hard limit is set above it so that such requests reach the handler.
const MaxHeaderBytes = 1 << 20

// checkRequest refuses, with Contentstack's error body, a request whose
// headers are over MaxHeaderBytes (431) or that carries bytes stackd
// cannot store (400, cleanRequest).
func checkRequest(r *http.Request) error {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for name, vs := range r.Header {
		for _, v := range vs {
			n += len(name) + len(v) + 4
		}
	}
	if n > MaxHeaderBytes {
		return domain.Errorf(domain.KindHeaderTooLarge, domain.CodeHeaderTooLarge, "The request's headers are too large.")
	}
	if !cleanRequest(r) {
		return domain.ErrBadRequest("The request contains a NUL byte, a control character or invalid UTF-8 in its path, query or headers.")
	}
	return nil
}

// cleanRequest reports whether the decoded path, the query (names and
// values) and the headers stackd reads are valid UTF-8 without NUL bytes.
// PostgreSQL refuses such text with an error, which would otherwise
// surface as a 500 (and SQLite would answer: both engines must agree).
// It runs once, in middleware, before anything is looked up with them.
func cleanRequest(r *http.Request) bool {
	if !domain.CleanText(r.URL.Path) {
		return false
	}
	for k, vs := range r.URL.Query() {
		if !domain.CleanText(k) {
			return false
		}
		for _, v := range vs {
			if !domain.CleanText(v) {
				return false
			}
		}
	}
	for _, h := range []string{"api_key", "branch", "organization_uid", "authtoken", "authorization", "access_token"} {
		if !domain.CleanText(r.Header.Get(h)) {
			return false
		}
	}
	// Any header: no control bytes but the tab (net/http refuses them
	// already on HTTP/1; this holds for every way a request arrives).
	ctl := func(c rune) bool { return c < 0x20 && c != '\t' || c == 0x7f }
	for name, vs := range r.Header {
		if strings.ContainsFunc(name, ctl) {
			return false
		}
		for _, v := range vs {
			if strings.ContainsFunc(v, ctl) {
				return false
			}
		}
	}
	return true
}
