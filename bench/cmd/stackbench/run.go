package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// runFlags are the flags of `stackbench run`.
type runFlags struct {
	stackd, pocketbase, database, sync, work, only, out string
	duration, warmup                                    time.Duration
	threads, conns, entries                             int
}

func parseRunFlags(args []string) (runFlags, error) {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&f.stackd, "stackd", "", "the stackd binary")
	fs.StringVar(&f.pocketbase, "pocketbase", "", "the PocketBase bench binary (empty: no PocketBase column)")
	fs.StringVar(&f.database, "database", "", "stackd's --database: empty for SQLite, or an empty PostgreSQL database's URL")
	fs.StringVar(&f.sync, "sqlite-synchronous", "", "passed to stackd serve when set (and when stackd has the flag)")
	fs.StringVar(&f.work, "work", "", "working folder (default: a new temporary folder)")
	fs.StringVar(&f.only, "only", "", "run only the scenarios whose key matches this regular expression")
	fs.StringVar(&f.out, "markdown", "", "also write the table as Markdown to this file")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "measured time per scenario and server")
	fs.DurationVar(&f.warmup, "warmup", 2*time.Second, "unmeasured load before each measurement")
	fs.IntVar(&f.threads, "threads", 1, "wrk threads")
	fs.IntVar(&f.conns, "conns", 32, "wrk connections (the fixed concurrency)")
	fs.IntVar(&f.entries, "entries", 120, "entries (records) seeded in each server")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if f.stackd == "" {
		return f, errors.New("--stackd is required")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return f, errors.New("wrk is not installed (Debian: apt-get install -y wrk)")
	}
	return f, nil
}

// servers are the processes of one run.
type servers struct {
	handler, pocketbase, stackd *proc
	handlerPort                 int
	handlerToken                string
}

func (s *servers) stop() {
	s.handler.stop()
	s.pocketbase.stop()
	s.stackd.stop()
}

func runCmd(ctx context.Context, args []string) error {
	f, err := parseRunFlags(args)
	if err != nil {
		return err
	}
	if f.work == "" {
		if f.work, err = os.MkdirTemp("", "stackbench-"); err != nil {
			return err
		}
		defer os.RemoveAll(f.work)
	}
	only, err := regexp.Compile(f.only)
	if err != nil {
		return fmt.Errorf("--only: %w", err)
	}
	env := &runEnv{threads: f.threads, conns: f.conns, duration: f.duration}
	srv := &servers{}
	defer srv.stop()
	if err := startStackd(ctx, f, env, srv); err != nil {
		return err
	}
	if f.pocketbase != "" {
		if err := startPocketBase(ctx, f, env, srv); err != nil {
			return err
		}
	}
	var rows []row
	for _, sc := range scenarios {
		if !only.MatchString(sc.Key) {
			continue
		}
		r, err := runScenario(ctx, f, env, srv, sc)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.Name, err)
		}
		rows = append(rows, r)
		printRow(os.Stdout, r)
	}
	return report(f, rows)
}

// startStackd serves stackd on fresh data and seeds it.
func startStackd(ctx context.Context, f runFlags, env *runEnv, srv *servers) error {
	cmaPort, err := freePort()
	if err != nil {
		return err
	}
	cdaPort, err := freePort()
	if err != nil {
		return err
	}
	args := []string{"serve", "--addr", "127.0.0.1:" + strconv.Itoa(cmaPort), "--cda-addr", "127.0.0.1:" + strconv.Itoa(cdaPort),
		"--data", filepath.Join(f.work, "stackd-data")}
	if f.database != "" {
		args = append(args, "--database", f.database)
	}
	if f.sync != "" {
		args = append(args, "--sqlite-synchronous", f.sync)
	}
	const email, password = "owner@example.com", "Bench-Passw0rd!"
	srv.stackd, err = startProc("stackd", filepath.Join(f.work, "stackd.log"), f.stackd, args,
		[]string{"STACKD_OWNER_EMAIL=" + email, "STACKD_OWNER_PASSWORD=" + password})
	if err != nil {
		return err
	}
	env.cmaURL = "http://127.0.0.1:" + strconv.Itoa(cmaPort)
	env.cdaURL = "http://127.0.0.1:" + strconv.Itoa(cdaPort)
	if err := waitHTTP(ctx, srv.stackd, env.cmaURL+"/healthz"); err != nil {
		return err
	}
	t0 := time.Now()
	if env.st, err = seedStackd(ctx, env.cmaURL, email, password, f.entries); err != nil {
		return fmt.Errorf("seed stackd: %w", err)
	}
	fmt.Printf("stackd: seeded %d entries in %s (pid %d)\n", f.entries, time.Since(t0).Round(time.Millisecond), srv.stackd.cmd.Process.Pid)
	return nil
}

// startPocketBase creates its superuser, serves it on fresh data and seeds it.
func startPocketBase(ctx context.Context, f runFlags, env *runEnv, srv *servers) error {
	const email, password = "admin@example.com", "Bench-Passw0rd!"
	dir := filepath.Join(f.work, "pb-data")
	if out, err := exec.CommandContext(ctx, f.pocketbase, "superuser", "upsert", email, password, "--dir", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("pocketbase superuser upsert: %w: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	srv.pocketbase, err = startProc("pocketbase", filepath.Join(f.work, "pocketbase.log"), f.pocketbase,
		[]string{"serve", "--http", "127.0.0.1:" + strconv.Itoa(port), "--dir", dir}, nil)
	if err != nil {
		return err
	}
	env.pbURL = "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitHTTP(ctx, srv.pocketbase, env.pbURL+"/api/health"); err != nil {
		return err
	}
	t0 := time.Now()
	if env.pbs, err = seedPocketBase(ctx, env.pbURL, email, password, f.entries); err != nil {
		return fmt.Errorf("seed pocketbase: %w", err)
	}
	fmt.Printf("pocketbase: seeded %d records in %s (pid %d)\n", f.entries, time.Since(t0).Round(time.Millisecond), srv.pocketbase.cmd.Process.Pid)
	return nil
}

// startHandler (re)starts the plain handler with the bodies captured so far.
func startHandler(ctx context.Context, f runFlags, srv *servers) error {
	srv.handler.stop()
	var err error
	if srv.handlerPort, err = freePort(); err != nil {
		return err
	}
	srv.handlerToken = "bench-handler-token"
	self, err := os.Executable()
	if err != nil {
		return err
	}
	srv.handler, err = startProc("handler", filepath.Join(f.work, "handler.log"), self, []string{"handler",
		"--addr", "127.0.0.1:" + strconv.Itoa(srv.handlerPort), "--dir", filepath.Join(f.work, "bodies"), "--token", srv.handlerToken}, nil)
	if err != nil {
		return err
	}
	return waitHTTP(ctx, srv.handler, "http://127.0.0.1:"+strconv.Itoa(srv.handlerPort)+"/")
}

// runScenario captures stackd's answer for the handler, then measures the
// handler, PocketBase and stackd one after the other on the same load.
func runScenario(ctx context.Context, f runFlags, env *runEnv, srv *servers, sc scenario) (row, error) {
	r := row{sc: sc}
	sl := sc.stackd(env)
	if err := captureBody(ctx, f, sc.Key, sl); err != nil {
		return r, err
	}
	if err := startHandler(ctx, f, srv); err != nil {
		return r, err
	}
	hl := sl
	hl.URL = "http://127.0.0.1:" + strconv.Itoa(srv.handlerPort) + "/" + sc.Key
	hl.Headers = map[string]string{"authorization": srv.handlerToken, "Content-Type": "application/json"}
	var err error
	if r.handler, err = measure(ctx, f, srv.handler, hl); err != nil {
		return r, err
	}
	if sc.pb != nil && srv.pocketbase != nil {
		res, err := measure(ctx, f, srv.pocketbase, sc.pb(env))
		if err != nil {
			return r, err
		}
		r.pb = &res
	}
	r.stackd, err = measure(ctx, f, srv.stackd, sl)
	return r, err
}

// captureBody saves stackd's answer to the scenario's request (numbered
// 0-0 where the body numbers requests) for the plain handler to serve.
func captureBody(ctx context.Context, f runFlags, key string, l load) error {
	var body any
	if l.Body != "" {
		body = rawJSON(strings.ReplaceAll(l.Body, "%d", "0-0"))
	}
	want := 200
	if l.Method == "POST" {
		want = 201
	}
	_, raw, err := call(ctx, l.Method, l.URL, l.Headers, body, want)
	if err != nil {
		return err
	}
	dir := filepath.Join(f.work, "bodies")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, key+".json"), raw, 0o600)
}

// measure warms p up with l, then measures it while sampling its RSS.
func measure(ctx context.Context, f runFlags, p *proc, l load) (result, error) {
	if f.warmup > 0 {
		w := l
		w.Duration = f.warmup
		if _, err := runWrk(ctx, f.work, w); err != nil {
			return result{}, err
		}
	}
	s := sampleRSS(p.cmd.Process.Pid)
	r, err := runWrk(ctx, f.work, l)
	r.RSSMB = s.end()
	return r, err
}
