package api

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/files"
	"github.com/stackd/stackd/internal/store"
)

// Deps is what the HTTP layer needs from the rest of the program.
type Deps struct {
	Store     *store.Store
	Auth      *auth.Authenticator
	Hasher    *auth.Hasher
	Box       *auth.Box // seals delivery token secrets
	Log       *slog.Logger
	Now       func() time.Time
	BodyLimit int64       // bytes a request body may have
	RateRead  float64     // per-organization GET requests per second; 0 = off
	RateWrite float64     // per-organization write requests per second; 0 = off
	Files     files.Store // the bytes of uploaded assets
	PublicURL string      // base of the URLs stackd hands out; "" = from each request's scheme and Host
	MaxUpload int64       // bytes an uploaded asset file may have; 0 = DefaultMaxUpload
	// TrustedProxies are the peers whose X-Forwarded-For is believed (clientIP).
	TrustedProxies []netip.Prefix
}

// DefaultMaxUpload is the largest asset file accepted when Deps.MaxUpload is 0.
const DefaultMaxUpload = 100 << 20

// API serves the Content Management API.
type API struct {
	Deps
	routes   []route
	limits   limiters
	activity activity // progress lines of long runs (progress.go)
}

// New returns the CMA handler.
func New(d Deps) http.Handler {
	a := &API{Deps: d}
	a.activity.emit = a.logActivity
	a.routes = a.routeTable()
	r := chi.NewRouter()
	for _, rt := range a.routes {
		r.Method(rt.method, rt.path, a.serve(rt))
	}
	r.Get("/healthz", a.healthz)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, a.Log, errNoRoute())
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, a.Log, errMethod())
	})
	return a.middleware(r, "cma")
}

// NewCDA returns the Content Delivery API handler: read-only routes opened
// by delivery tokens (cda.go).
func NewCDA(d Deps) http.Handler {
	a := &API{Deps: d}
	r := chi.NewRouter()
	for _, rt := range a.cdaRoutes() {
		r.Method("GET", rt.path, a.serveCDA(rt))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { writeError(w, r, a.Log, errNoRoute()) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { writeError(w, r, a.Log, errMethod()) })
	return a.middleware(r, "cda")
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.Ping(r.Context()); err != nil {
		a.Log.WarnContext(r.Context(), "health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
}
