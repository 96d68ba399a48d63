// Package metrics holds every Prometheus metric stackd exports: HTTP
// requests by route, the database pools, the job queue and logins. The
// packages that see those events know only small interfaces of their own
// (api.RequestObserver, auth.LoginObserver, jobs.Runner.Observe), so
// Prometheus stays out of them. One registry, made at the top
// (internal/server), is passed in; the global registry is never used.
//
// No label ever carries an api_key, a token, an email or a raw URL path:
// routes are chi route patterns (or a fixed label for unmatched requests),
// methods and outcomes come from fixed sets.
package metrics

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics records stackd's metrics into one registry. Its methods are safe
// for concurrent use.
type Metrics struct {
	reg      *prometheus.Registry
	log      *slog.Logger
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	logins   *prometheus.CounterVec
	lockouts prometheus.Counter
	jobs     *prometheus.CounterVec
}

// New creates stackd's metrics in reg, with the Go runtime and process
// collectors beside them.
func New(reg *prometheus.Registry, log *slog.Logger) *Metrics {
	m := &Metrics{reg: reg, log: log}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "stackd_http_requests_total",
		Help: "HTTP requests answered, by listener (cma, cda), method, route pattern and status code.",
	}, []string{"listener", "method", "route", "code"})
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "stackd_http_request_duration_seconds",
		Help:    "Time from a request's arrival to its answer, by listener, method and route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"listener", "method", "route"})
	m.logins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "stackd_login_attempts_total",
		Help: "Logins (POST /v3/user-session reaching the password check) by outcome: success, failed, locked, tfa_required, error.",
	}, []string{"outcome"})
	m.lockouts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "stackd_login_lockouts_total",
		Help: "Accounts locked by a failed login (each lockout once, when it begins).",
	})
	m.jobs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "stackd_jobs_total",
		Help: "Background jobs this instance ran, by kind and outcome: done, retry, failed, claim_lost, no_handler.",
	}, []string{"kind", "outcome"})
	reg.MustRegister(m.requests, m.duration, m.logins, m.lockouts, m.jobs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry in the Prometheus text format. A collector
// that fails (the job queue count when the database is down) is left out
// of that scrape and logged; the rest is still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg, // counts the handler's own errors
	})
}

// ObserveRequest counts one answered request. route must be a route
// pattern or a fixed label, never a raw path.
func (m *Metrics) ObserveRequest(listener, method, route string, status int, d time.Duration) {
	method = methodLabel(method)
	m.requests.WithLabelValues(listener, method, route, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(listener, method, route).Observe(d.Seconds())
}

// methodLabel keeps the method label to a fixed set: a client can send any
// token as a method, and each would otherwise become a new series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}

// LoginAttempt counts one login by outcome (auth.LoginObserver).
func (m *Metrics) LoginAttempt(outcome string) { m.logins.WithLabelValues(outcome).Inc() }

// Lockout counts one account lockout (auth.LoginObserver).
func (m *Metrics) Lockout() { m.lockouts.Inc() }

// JobFinished counts one job run by kind and outcome (jobs.Runner.Observe).
func (m *Metrics) JobFinished(kind, outcome string) { m.jobs.WithLabelValues(kind, outcome).Inc() }
