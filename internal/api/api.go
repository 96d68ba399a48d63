package api

import (
	"log/slog"
	"net/http"
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
	PublicURL string      // base of the URLs the CMA hands out; "" = from each request's scheme and Host
	// CDAPublicURL is the base of the URLs the CDA hands out (asset
	// files, served by the CDA listener too); "" = from each CDA
	// request's scheme and Host.
	CDAPublicURL string
	MaxUpload    int64 // bytes an uploaded asset file may have; 0 = DefaultMaxUpload

	Metrics     http.Handler    // serves GET /metrics on the CMA; nil = off (404)
	Observer    RequestObserver // told about every request (metrics); nil = nobody
	CORSOrigins []string        // origins the CMA allows cross-origin; empty = no CORS on the CMA

	ConsoleIdle     time.Duration // a console session ends after this long unused; 0 = DefaultConsoleIdle
	ConsoleLifetime time.Duration // and this long after sign-in at the latest; 0 = DefaultConsoleLifetime
	SSOClient       *http.Client  // talks to identity providers; nil = a client with a 10 s timeout
}

// DefaultMaxUpload is the largest asset file accepted when Deps.MaxUpload is 0.
const DefaultMaxUpload = 100 << 20

// API serves the Content Management API.
type API struct {
	Deps
	routes   []route
	limits   limiters
	activity activity // progress lines of long runs (progress.go)
	openapi  []byte   // this listener's OpenAPI document (openapi.go)
	oidc     providers
}

// New returns the CMA handler.
func New(d Deps) http.Handler {
	a, r := newCMA(d)
	return a.middleware(withCORS(cmaCORS(d.CORSOrigins), r), "cma")
}

// newCMA builds the CMA's router from the route table and the operational
// routes, and the OpenAPI document from the same declarations.
func newCMA(d Deps) (*API, chi.Router) {
	a := &API{Deps: d}
	a.activity.emit = a.logActivity
	a.routes = a.routeTable()
	r := chi.NewRouter()
	for _, rt := range a.routes {
		r.Method(rt.method, rt.path, a.serve(rt))
	}
	a.mountOps(r, onCMA)
	a.openapi = mustJSON(a.cmaDocument())
	return a, r
}

// NewCDA returns the Content Delivery API handler: read-only routes opened
// by delivery tokens, and the public asset file route (cda.go). The URLs
// it hands out start with d.CDAPublicURL.
func NewCDA(d Deps) http.Handler {
	a, r := newCDA(d)
	return a.middleware(withCORS(cdaCORS(), r), "cda")
}

func newCDA(d Deps) (*API, chi.Router) {
	a := &API{Deps: d}
	a.PublicURL = d.CDAPublicURL
	r := chi.NewRouter()
	for _, rt := range a.cdaRoutes() {
		r.Method("GET", rt.path, a.serveCDA(rt))
	}
	a.mountOps(r, onCDA)
	a.openapi = mustJSON(a.cdaDocument())
	return a, r
}

// mountOps adds the operational routes of listener l and the JSON answers
// to unknown paths and methods.
func (a *API) mountOps(r chi.Router, l listenerSet) {
	for _, rt := range a.opsRoutesOn(l) {
		r.Method(rt.method, rt.path, rt.h)
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { writeError(w, r, a.Log, errNoRoute()) })
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) { writeError(w, r, a.Log, errMethod()) })
}
