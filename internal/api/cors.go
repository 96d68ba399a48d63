package api

import (
	"net/http"

	"github.com/rs/cors"
)

// corsMaxAge is how long (seconds) a browser may cache a preflight answer;
// browsers cap it lower (Chromium at 2 hours).
const corsMaxAge = 600

// corsExposed are the response headers a browser script may read besides
// the CORS-safelisted ones.
var corsExposed = []string{"ETag", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After", "X-Request-Id"}

// cdaCORS is the CDA's policy, as Contentstack's CDA serves browser apps:
// any origin; GET and HEAD, and POST for GraphQL queries; every request
// header the browser asks for (the delivery SDK's api_key, access_token,
// branch, x-user-agent, Live Preview's preview_token and live_preview, …)
// is echoed back. Delivery tokens travel in headers, never in cookies, so
// credentials mode is never allowed.
func cdaCORS() *cors.Cors {
	return cors.New(cors.Options{
		AllowedOrigins:   []string{"*"},
		AllowedMethods:   []string{http.MethodGet, http.MethodHead, http.MethodPost},
		AllowedHeaders:   []string{"*"},
		ExposedHeaders:   corsExposed,
		MaxAge:           corsMaxAge,
		AllowCredentials: false,
	})
}

// cmaCORS is the CMA's policy: only the origins named by --cors-origins,
// every method the CMA routes use, the request headers the browser asks
// for. nil (no CORS at all) when no origin is named.
func cmaCORS(origins []string) *cors.Cors {
	if len(origins) == 0 {
		return nil
	}
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"*"},
		ExposedHeaders:   corsExposed,
		MaxAge:           corsMaxAge,
		AllowCredentials: false,
	})
}

// withCORS applies policy c in front of next. Only a real preflight
// (OPTIONS with Origin and Access-Control-Request-Method) is answered by
// the policy; any other OPTIONS reaches the router and keeps its 405.
// Other requests get the policy's Access-Control-Allow-Origin and
// Access-Control-Expose-Headers when their origin is allowed.
func withCORS(c *cors.Cors, next http.Handler) http.Handler {
	if c == nil {
		return next
	}
	h := c.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions && !isPreflight(r) {
			next.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Origin") != "" &&
		r.Header.Get("Access-Control-Request-Method") != ""
}
