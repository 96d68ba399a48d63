package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/jobs"
	"github.com/stackd/stackd/internal/metrics"
	"github.com/stackd/stackd/internal/store"
)

// observe wires the metrics, when on, into everything that reports to
// them: the HTTP layer, logins and the job runner. The registry is made
// here, once per server, and never the global one.
func (s *Server) observe(st *store.Store, deps *api.Deps, login *auth.Authenticator, runner *jobs.Runner) {
	if !s.cfg.Metrics {
		return
	}
	m := metrics.New(prometheus.NewRegistry(), s.cfg.Logger)
	m.WatchStore(st, s.cfg.Now)
	deps.Metrics, deps.Observer = m.Handler(), m
	login.Observer = m
	runner.Observe = m.JobFinished
}

// pprofHandler serves net/http/pprof's pages under /debug/pprof/ on their
// own mux: importing net/http/pprof also registers them on
// http.DefaultServeMux, which stackd never serves.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// listenPprof binds the profiling listener when --pprof-addr is set. It
// is plain HTTP without credentials, never on the CMA or CDA listener.
func (s *Server) listenPprof() error {
	if s.cfg.PprofAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.PprofAddr)
	if err != nil {
		return fmt.Errorf("server: listen on --pprof-addr %s: %w", s.cfg.PprofAddr, err)
	}
	// No write timeout: a CPU profile or trace takes its "seconds"
	// parameter (30 s by default) to answer.
	s.lnPprof, s.pprof = ln, &http.Server{Handler: pprofHandler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn)}
	return nil
}

// PprofAddr is the address of the profiling listener, "" when off.
func (s *Server) PprofAddr() string {
	if s.lnPprof == nil {
		return ""
	}
	return s.lnPprof.Addr().String()
}

// servePprof runs the profiling listener until shutdown, when it is on.
func (s *Server) servePprof(errc chan<- error) {
	if s.pprof == nil {
		return
	}
	go func() { errc <- s.pprof.Serve(s.lnPprof) }()
}

func (s *Server) shutdownPprof(ctx context.Context) error {
	if s.pprof == nil {
		return nil
	}
	if err := s.pprof.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// checkOrigins accepts --cors-origins entries that are origins as a
// browser sends them: http(s)://host[:port], nothing after. A wildcard is
// refused: the CMA names the consoles it trusts, one by one.
func checkOrigins(origins []string) error {
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Contains(o, "*") ||
			u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#") {
			return fmt.Errorf("server: --cors-origins entries must be origins such as https://console.example.com, not %q", o)
		}
	}
	return nil
}
