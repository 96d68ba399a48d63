package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/console"
)

// listenerSet says on which listeners an operational route is served.
type listenerSet uint8

const (
	onCMA listenerSet = 1 << iota
	onCDA
)

// opsRoute is a route beside the API tables: health, metrics, the
// OpenAPI document and the web console's files. None takes a credential or acts on a stack, so none
// goes through authorize, and none is part of the permission matrix. They
// are declared here, and only here, so that the router and the OpenAPI
// document are built from the same list.
type opsRoute struct {
	method, path string
	on           listenerSet
	summary      string // one line for the OpenAPI document
	h            http.HandlerFunc
}

// opsRoutes declares the operational routes of this configuration: a
// route that is switched off (GET /metrics with --metrics=false) is not
// declared, so it answers 404 and the document leaves it out.
func (a *API) opsRoutes() []opsRoute {
	all := []opsRoute{
		{"GET", "/healthz", onCMA, "Liveness: 200 while the database answers, 503 otherwise.", a.healthz},
		{"GET", "/openapi.json", onCMA | onCDA, "This listener's OpenAPI 3 document, generated from its route tables.", a.serveOpenAPI},
		{"GET", "/", onCMA, "Redirects (302) to the web console at /console/.", console.Redirect},
		{"GET", "/console", onCMA, "Redirects (302) to /console/.", console.Redirect},
		{"GET", "/console/*", onCMA, "The web console (docs/console.md): its embedded files, and index.html for every other path without a file extension.", console.Handler().ServeHTTP},
	}
	if a.Metrics != nil {
		all = append(all, opsRoute{"GET", "/metrics", onCMA, "Prometheus metrics in the text exposition format (no credential; see docs/operations.md).", a.Metrics.ServeHTTP})
	}
	return all
}

// opsRoutesOn returns the operational routes served on listener l.
func (a *API) opsRoutesOn(l listenerSet) []opsRoute {
	var out []opsRoute
	for _, rt := range a.opsRoutes() {
		if rt.on&l != 0 {
			out = append(out, rt)
		}
	}
	return out
}

func (a *API) healthz(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.Ping(r.Context()); err != nil {
		a.Log.WarnContext(r.Context(), "health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
}

// serveOpenAPI answers the document generated when the handler was built.
func (a *API) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.openapi)
}
