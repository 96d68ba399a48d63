package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/server"
	"github.com/stackd/stackd/internal/store/storetest"
)

// startWith runs a server with cfg's operational settings on a fresh
// database of engine e, and returns it.
func startWith(t *testing.T, e storetest.Engine, cfg server.Config) *server.Server {
	t.Helper()
	dir := t.TempDir()
	if e.Name == "postgres" {
		_, cfg.Database, _ = e.Open(t)
	}
	cfg.Addr, cfg.CDAAddr, cfg.DataDir = "127.0.0.1:0", "127.0.0.1:0", dir
	cfg.OwnerEmail, cfg.OwnerPassword, cfg.PasswordCost = "owner@example.com", "Owner-passw0rd", auth.TestParams
	cfg.SecretKey = "ops-test-secret-key-0123456789"
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := server.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = srv.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return srv
}

// scrape reads GET /metrics and parses the text format.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse metrics: %v", err)
	}
	return fams
}

// value returns the value of the series of family name whose labels
// include want, and whether there is one.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
	for _, m := range f.GetMetric() {
		if hasLabels(m, want) {
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestMetricsScrape makes requests of every kind the metrics count (a
// login, failed logins up to a lockout, CMA and CDA reads, unmatched
// paths) on both engines, scrapes GET /metrics and checks the series, and
// that no label value carries an api_key, a token, an email or a raw path.
func TestMetricsScrape(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			srv := startWith(t, e, server.Config{Metrics: true})
			cma, cda := "http://"+srv.CMAAddr(), "http://"+srv.CDAAddr()
			_, login := call(t, "POST", cma+"/v3/user-session", nil, `{"user":{"email":"owner@example.com","password":"Owner-passw0rd"}}`)
			user := login["user"].(map[string]any)
			tok, org := user["authtoken"].(string), user["organizations"].([]any)[0].(map[string]any)["uid"].(string)
			_, st := call(t, "POST", cma+"/v3/stacks", map[string]string{"authtoken": tok, "organization_uid": org}, `{"stack":{"name":"Metered"}}`)
			key := st["stack"].(map[string]any)["api_key"].(string)
			owner := map[string]string{"authtoken": tok, "api_key": key}
			call(t, "GET", cma+"/v3/content_types", owner, "")
			call(t, "GET", cma+"/v3/content_types/bltSECRETPATH0001", owner, "")
			call(t, "GET", cma+"/no/such/bltSECRETPATH0002", owner, "")
			call(t, "GET", cda+"/v3/content_types", map[string]string{"api_key": key, "access_token": "not-a-token"}, "")
			for i := range 6 { // the 5th failure locks the account; the 6th is refused as locked
				call(t, "POST", cma+"/v3/user-session", nil, fmt.Sprintf(`{"user":{"email":"owner@example.com","password":"wrong-%d"}}`, i))
			}

			fams := scrape(t, cma)
			checkSeries(t, fams, e.Name == "postgres")
			for _, secret := range []string{key, tok, org, "owner@example.com", "@", "SECRETPATH", "not-a-token"} {
				checkNoLabel(t, fams, secret)
			}
		})
	}
}

// series names one expected series and its value (-1: any value).
type series struct {
	name   string
	labels map[string]string
	value  float64
}

func checkSeries(t *testing.T, fams map[string]*dto.MetricFamily, postgres bool) {
	t.Helper()
	req := "stackd_http_requests_total"
	want := []series{
		{req, map[string]string{"listener": "cma", "method": "POST", "route": "/v3/user-session", "code": "200"}, 1},
		{req, map[string]string{"listener": "cma", "method": "POST", "route": "/v3/user-session", "code": "422"}, 6},
		{req, map[string]string{"listener": "cma", "method": "POST", "route": "/v3/stacks", "code": "201"}, 1},
		{req, map[string]string{"listener": "cma", "method": "GET", "route": "/v3/content_types", "code": "200"}, 1},
		{req, map[string]string{"listener": "cma", "method": "GET", "route": "/v3/content_types/{content_type_uid}"}, 1},
		{req, map[string]string{"listener": "cma", "method": "GET", "route": "(unmatched)", "code": "404"}, 1},
		{req, map[string]string{"listener": "cda", "method": "GET", "route": "/v3/content_types", "code": "401"}, 1},
		{"stackd_http_request_duration_seconds", map[string]string{"listener": "cma", "method": "POST", "route": "/v3/user-session"}, 7},
		{"stackd_login_attempts_total", map[string]string{"outcome": "success"}, 1},
		{"stackd_login_attempts_total", map[string]string{"outcome": "failed"}, 4},
		{"stackd_login_attempts_total", map[string]string{"outcome": "locked"}, 2},
		{"stackd_login_lockouts_total", nil, 1},
		{"stackd_job_queue_depth", map[string]string{"state": "due"}, 0},
		{"stackd_job_queue_depth", map[string]string{"state": "scheduled"}, 0},
		{"stackd_job_queue_depth", map[string]string{"state": "running"}, 0},
		{"stackd_db_wait_total", nil, -1},
		{"go_goroutines", nil, -1},
		{"process_resident_memory_bytes", nil, -1},
	}
	pools := []string{"writer", "reader"}
	if postgres {
		pools = []string{"shared"}
	}
	for _, p := range pools {
		want = append(want, series{"stackd_db_connections_open", map[string]string{"pool": p}, -1},
			series{"stackd_db_connections_max", map[string]string{"pool": p}, -1})
	}
	for _, w := range want {
		got, ok := value(fams, w.name, w.labels)
		if !ok || (w.value >= 0 && got != w.value) {
			t.Errorf("%s%v = %v (present %v); want %v", w.name, w.labels, got, ok, w.value)
		}
	}
}

// checkNoLabel fails when any label value of any series contains s.
func checkNoLabel(t *testing.T, fams map[string]*dto.MetricFamily, s string) {
	t.Helper()
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), s) {
					t.Errorf("%s has label %s=%q, which contains %q", name, l.GetName(), l.GetValue(), s)
				}
			}
		}
	}
}

// TestMetricsOff: with --metrics=false, GET /metrics is an unknown path
// (404 with the error body) and the OpenAPI document does not list it.
func TestMetricsOff(t *testing.T) {
	srv := startWith(t, storetest.Engine{Name: "sqlite"}, server.Config{Metrics: false})
	cma := "http://" + srv.CMAAddr()
	status, body := call(t, "GET", cma+"/metrics", nil, "")
	if status != 404 || body["error_code"] == nil {
		t.Errorf("GET /metrics with metrics off = %d %v; want 404 with the error body", status, body)
	}
	_, doc := call(t, "GET", cma+"/openapi.json", nil, "")
	paths, _ := doc["paths"].(map[string]any)
	if _, listed := paths["/metrics"]; listed || paths["/healthz"] == nil {
		t.Errorf("OpenAPI paths with metrics off list /metrics: %v, /healthz: %v", listed, paths["/healthz"] != nil)
	}
}

// TestPprof: profiling is off unless PprofAddr is set; then it is served
// there, and never on the CMA or CDA listener.
func TestPprof(t *testing.T) {
	sqlite := storetest.Engine{Name: "sqlite"}
	off := startWith(t, sqlite, server.Config{})
	if off.PprofAddr() != "" {
		t.Errorf("pprof listens at %s by default", off.PprofAddr())
	}
	on := startWith(t, sqlite, server.Config{PprofAddr: "127.0.0.1:0"})
	for _, c := range []struct {
		url        string
		wantStatus int
		wantBody   string
	}{
		{"http://" + on.PprofAddr() + "/debug/pprof/", 200, "goroutine"},
		{"http://" + on.PprofAddr() + "/debug/pprof/goroutine?debug=1", 200, "goroutine profile"},
		{"http://" + on.PprofAddr() + "/debug/pprof/cmdline", 200, ""},
		{"http://" + on.CMAAddr() + "/debug/pprof/", 404, "error_code"},
		{"http://" + on.CDAAddr() + "/debug/pprof/", 404, "error_code"},
		{"http://" + off.CMAAddr() + "/debug/pprof/", 404, "error_code"},
	} {
		resp, err := http.Get(c.url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.wantStatus || !strings.Contains(string(body), c.wantBody) {
			t.Errorf("GET %s = %d %.80q; want %d with %q", c.url, resp.StatusCode, body, c.wantStatus, c.wantBody)
		}
	}
}
