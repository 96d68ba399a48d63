// Package server assembles stackd: it opens the store, creates the first
// organization on an empty database, and runs the CMA and CDA listeners
// until its context ends. A Server is a value with Run and Close so tests
// can start the whole program on 127.0.0.1:0.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/console"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/files"
	"github.com/stackd/stackd/internal/jobs"
	"github.com/stackd/stackd/internal/store"
)

// Config is everything `stackd serve` can be told.
type Config struct {
	Addr, CDAAddr     string
	DataDir, Database string
	TLSCert, TLSKey   string
	PublicURL         string
	CDAPublicURL      string // base of the URLs the CDA hands out; "" = from each CDA request
	SecretKey         string
	OrgName           string
	OwnerEmail        string
	OwnerPassword     string
	BodyLimit         int64
	MaxUpload         int64   // bytes an asset file may have; 0 = api.DefaultMaxUpload
	RateRead          float64 // per-organization GET requests per second; 0 = off
	RateWrite         float64
	Metrics           bool          // serve GET /metrics on the CMA listener
	CORSOrigins       []string      // origins the CMA allows cross-origin; empty = none
	PprofAddr         string        // where net/http/pprof listens; "" = off
	ConsoleIdle       time.Duration // console sessions end after this long unused; 0 = api.DefaultConsoleIdle
	ConsoleLifetime   time.Duration // and this long after sign-in; 0 = api.DefaultConsoleLifetime
	PasswordCost      auth.Params
	Logger            *slog.Logger
	Now               func() time.Time // nil: time.Now
	Out               io.Writer        // where first-start credentials are printed
}

// Server is a running stackd.
type Server struct {
	cfg      Config
	store    *store.Store
	runner   *jobs.Runner
	files    *files.Disk
	cma, cda *http.Server
	lnCMA    net.Listener
	lnCDA    net.Listener
	pprof    *http.Server // nil unless --pprof-addr
	lnPprof  net.Listener
}

// New opens the database, bootstraps it if empty and binds both listeners.
// It does not serve yet; call Run.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return nil, errors.New("server: --tls-cert and --tls-key must be given together")
	}
	if err := checkPublicURL("--public-url", cfg.PublicURL); err != nil {
		return nil, err
	}
	if err := checkPublicURL("--cda-public-url", cfg.CDAPublicURL); err != nil {
		return nil, err
	}
	if err := checkOrigins(cfg.CORSOrigins); err != nil {
		return nil, err
	}
	core, err := OpenCore(ctx, cfg.DataDir, cfg.Database, cfg.SecretKey, cfg.PasswordCost)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, store: core.Store}
	if err := s.bootstrap(ctx, core); err != nil {
		s.Close()
		return nil, err
	}
	if s.files, err = files.NewDisk(filepath.Join(cfg.DataDir, "assets")); err != nil {
		s.Close()
		return nil, fmt.Errorf("server: asset files: %w", err)
	}
	login := core.Authenticator(cfg.Now)
	deps := api.Deps{Store: core.Store, Auth: login, Hasher: core.Hasher, Box: core.Box,
		Log: cfg.Logger, Now: cfg.Now, BodyLimit: cfg.BodyLimit, RateRead: cfg.RateRead, RateWrite: cfg.RateWrite,
		Files: s.files, PublicURL: cfg.PublicURL, CDAPublicURL: cfg.CDAPublicURL, MaxUpload: cfg.MaxUpload, CORSOrigins: cfg.CORSOrigins,
		ConsoleIdle: cfg.ConsoleIdle, ConsoleLifetime: cfg.ConsoleLifetime}
	s.runner = &jobs.Runner{Store: core.Store, Handlers: api.JobHandlers(deps), Now: cfg.Now, Log: cfg.Logger,
		Interval: time.Second, Lease: 2 * time.Minute, Worker: jobs.NewWorkerName(),
		Housekeeping: api.Housekeeping(deps), HousekeepEvery: time.Hour}
	s.observe(core.Store, &deps, login, s.runner)
	s.cma = newHTTPServer(api.New(deps), cfg.Logger)
	s.cda = newHTTPServer(api.NewCDA(deps), cfg.Logger)
	if err := s.listen(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// checkPublicURL accepts an empty --public-url (or --cda-public-url) or
// an absolute http(s) URL without query or fragment (asset URLs are built
// by appending to it).
func checkPublicURL(flag, v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("server: %s must be an http:// or https:// URL without query, not %q", flag, v)
	}
	return nil
}

func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second, // slow-header clients are cut off
		ReadTimeout:       5 * time.Minute,  // room for large uploads
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) listen() error {
	var err error
	if s.lnCMA, err = net.Listen("tcp", s.cfg.Addr); err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.cfg.Addr, err)
	}
	if s.lnCDA, err = net.Listen("tcp", s.cfg.CDAAddr); err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.cfg.CDAAddr, err)
	}
	if err := s.listenPprof(); err != nil {
		return err
	}
	if s.cfg.TLSCert == "" {
		return nil
	}
	cert, err := tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey)
	if err != nil {
		return fmt.Errorf("server: load TLS key pair: %w", err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	s.lnCMA = tls.NewListener(s.lnCMA, tc)
	s.lnCDA = tls.NewListener(s.lnCDA, tc.Clone())
	return nil
}

// CMAAddr is the address the CMA listener is bound to.
func (s *Server) CMAAddr() string { return s.lnCMA.Addr().String() }

// CDAAddr is the address the CDA listener is bound to.
func (s *Server) CDAAddr() string { return s.lnCDA.Addr().String() }

// ConsoleURL is where a browser finds the web console: under --public-url
// when set, else on the CMA listener's address.
func (s *Server) ConsoleURL() string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/") + console.Prefix
	}
	scheme := "http"
	if s.cfg.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + s.CMAAddr() + console.Prefix
}

// Run serves until ctx ends, then stops accepting, lets in-flight requests
// finish (up to 30 s) and returns.
func (s *Server) Run(ctx context.Context) error {
	errc := make(chan error, 3)
	jobsCtx, stopJobs := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	go func() { s.runner.Run(jobsCtx); close(jobsDone) }()
	defer func() { stopJobs(); <-jobsDone }()
	go func() { errc <- s.cma.Serve(s.lnCMA) }()
	go func() { errc <- s.cda.Serve(s.lnCDA) }()
	s.servePprof(errc)
	s.cfg.Logger.Info("stackd listening", "cma", s.CMAAddr(), "cda", s.CDAAddr(), "pprof", s.PprofAddr(),
		"tls", s.cfg.TLSCert != "", "engine", s.store.Engine())
	if s.cfg.Out != nil {
		fmt.Fprintf(s.cfg.Out, "stackd: console at %s\n", s.ConsoleURL())
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("server: serve: %w", err)
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return errors.Join(s.cma.Shutdown(shut), s.cda.Shutdown(shut), s.shutdownPprof(shut))
}

// Close releases the listeners and the database.
func (s *Server) Close() error {
	var errs []error
	for _, ln := range []net.Listener{s.lnCMA, s.lnCDA, s.lnPprof} {
		if ln != nil {
			_ = ln.Close() // already closed after Run's shutdown
		}
	}
	if s.files != nil {
		errs = append(errs, s.files.Close())
	}
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	return errors.Join(errs...)
}

// bootstrap creates the first organization and its owner on an empty
// database. Without a configured password it generates one and prints the
// credentials once; a later start changes nothing.
func (s *Server) bootstrap(ctx context.Context, core *Core) error {
	if _, err := core.Store.FirstOrg(ctx); err == nil {
		return nil // bootstrapped on an earlier start
	}
	email, password := s.cfg.OwnerEmail, s.cfg.OwnerPassword
	if email == "" {
		email = "owner@stackd.local"
	}
	generated := password == ""
	if generated {
		password = auth.RandomPassword()
	}
	owner, err := core.NewUser(ctx, email, password, "Stack", "Owner", s.cfg.Now())
	if err != nil {
		return fmt.Errorf("server: first owner: %w", err)
	}
	name := s.cfg.OrgName
	if name == "" {
		name = "Default Organization"
	}
	now := s.cfg.Now()
	org := domain.Organization{UID: domain.NewUID(), Name: name, OwnerUID: owner.UID, CreatedAt: now, UpdatedAt: now}
	created, err := core.Store.Bootstrap(ctx, org, owner)
	if err != nil {
		return fmt.Errorf("server: bootstrap: %w", err)
	}
	if created && s.cfg.Out != nil {
		msg := fmt.Sprintf("stackd: created organization %q (%s) owned by %s\n", name, org.UID, email)
		if generated {
			msg += fmt.Sprintf("stackd: generated owner password (shown once): %s\n", password)
		}
		fmt.Fprint(s.cfg.Out, msg)
	}
	return nil
}
