package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// scaleFlags are the flags of `stackbench scale`.
type scaleFlags struct {
	stackd, database, sync, work, only, out string
	n, batch, conns                         int
	duration, warmup                        time.Duration
}

func parseScaleFlags(args []string) (scaleFlags, error) {
	var f scaleFlags
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.StringVar(&f.stackd, "stackd", "", "the stackd binary")
	fs.StringVar(&f.database, "database", "", "stackd's --database: empty for SQLite in --work, or an empty PostgreSQL database's URL")
	fs.StringVar(&f.sync, "sqlite-synchronous", "", "passed to stackd serve when set")
	fs.StringVar(&f.work, "work", "", "working folder; a folder seeded by an earlier run is reused (required)")
	fs.StringVar(&f.only, "only", "", "run only the scenarios whose key matches this regular expression")
	fs.StringVar(&f.out, "markdown", "", "also write the table as Markdown to this file")
	fs.IntVar(&f.n, "entries", 1_000_000, "entries to load into the content type")
	fs.IntVar(&f.batch, "batch", 1000, "entries per transaction while loading")
	fs.IntVar(&f.conns, "conns", 4, "concurrent clients")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "measured time per scenario")
	fs.DurationVar(&f.warmup, "warmup", 2*time.Second, "unmeasured load before each measurement")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if f.stackd == "" || f.work == "" {
		return f, errors.New("--stackd and --work are required")
	}
	if _, err := exec.LookPath("wrk"); err != nil {
		return f, errors.New("wrk is not installed (Debian: apt-get install -y wrk)")
	}
	return f, nil
}

// scaleSeed is what the scale run seeded, kept in <work>/scale.json so a
// later run reuses the loaded database.
type scaleSeed struct {
	APIKey, Mgmt, OwnerUID string
	Entries                int
	EntryUID               string // one entry in the middle of the load
	Title                  string // its title
	LoadSeconds            float64
}

func scaleCmd(ctx context.Context, args []string) error {
	f, err := parseScaleFlags(args)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(f.work, 0o700); err != nil {
		return err
	}
	seed, err := loadOrSeed(ctx, f)
	if err != nil {
		return err
	}
	if err := reportSize(ctx, f, seed); err != nil {
		return err
	}
	p, cma, err := serveStackd(ctx, f)
	if err != nil {
		return err
	}
	defer p.stop()
	rows, err := runScale(ctx, f, seed, p, cma)
	if err != nil {
		return err
	}
	t := scaleTable(f, seed, rows)
	fmt.Printf("\n%s", t)
	if f.out != "" {
		return os.WriteFile(f.out, []byte(t), 0o644)
	}
	return nil
}

// loadOrSeed reuses <work>/scale.json, or creates the stack through the
// API and loads the entries through the store with stackd stopped.
func loadOrSeed(ctx context.Context, f scaleFlags) (scaleSeed, error) {
	var seed scaleSeed
	path := filepath.Join(f.work, "scale.json")
	if b, err := os.ReadFile(path); err == nil {
		err = json.Unmarshal(b, &seed)
		fmt.Printf("reusing the %d entries loaded earlier in %s\n", seed.Entries, f.work)
		return seed, err
	}
	p, cma, err := serveStackd(ctx, f)
	if err != nil {
		return seed, err
	}
	seed, err = seedScaleStack(ctx, cma)
	p.stop()
	if err != nil {
		return seed, err
	}
	if err := loadEntries(ctx, f, &seed); err != nil {
		return seed, err
	}
	b, _ := json.MarshalIndent(seed, "", "  ")
	return seed, os.WriteFile(path, b, 0o600)
}

// serveStackd starts stackd on the work folder's data and waits for it.
func serveStackd(ctx context.Context, f scaleFlags) (*proc, string, error) {
	cmaPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	cdaPort, err := freePort()
	if err != nil {
		return nil, "", err
	}
	args := []string{"serve", "--addr", "127.0.0.1:" + strconv.Itoa(cmaPort), "--cda-addr", "127.0.0.1:" + strconv.Itoa(cdaPort),
		"--data", filepath.Join(f.work, "stackd-data")}
	if f.database != "" {
		args = append(args, "--database", f.database)
	}
	if f.sync != "" {
		args = append(args, "--sqlite-synchronous", f.sync)
	}
	p, err := startProc("stackd", filepath.Join(f.work, "stackd.log"), f.stackd, args,
		[]string{"STACKD_OWNER_EMAIL=owner@example.com", "STACKD_OWNER_PASSWORD=" + scalePassword})
	if err != nil {
		return nil, "", err
	}
	cma := "http://127.0.0.1:" + strconv.Itoa(cmaPort)
	t0 := time.Now()
	if err := waitHTTPFor(ctx, p, cma+"/healthz", time.Hour); err != nil {
		p.stop()
		return nil, "", err
	}
	// A start applies pending migrations first: on a loaded database this
	// is how long they took.
	fmt.Printf("stackd answered %s after it started (pending migrations included)\n", time.Since(t0).Round(time.Millisecond))
	return p, cma, nil
}

const scalePassword = "Bench-Passw0rd!"

// productType is the content type of the scale load.
var productType = map[string]any{"content_type": map[string]any{"title": "Product", "uid": "product", "schema": []any{
	map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true},
	map[string]any{"display_name": "Category", "uid": "category", "data_type": "text"},
	map[string]any{"display_name": "Price", "uid": "price", "data_type": "number"},
	map[string]any{"display_name": "Released", "uid": "released", "data_type": "isodate"},
}}}

func seedScaleStack(ctx context.Context, cma string) (scaleSeed, error) {
	var s scaleSeed
	login, _, err := call(ctx, "POST", cma+"/v3/user-session", nil,
		map[string]any{"user": map[string]any{"email": "owner@example.com", "password": scalePassword}}, 200)
	if err != nil {
		return s, err
	}
	s.OwnerUID = str(login, "user", "uid")
	auth := map[string]string{"authtoken": str(login, "user", "authtoken"), "organization_uid": str(login, "user", "organizations", 0, "uid")}
	st, _, err := call(ctx, "POST", cma+"/v3/stacks", auth, map[string]any{"stack": map[string]any{"name": "Scale", "master_locale": "en-us"}}, 201)
	if err != nil {
		return s, err
	}
	s.APIKey = str(st, "stack", "api_key")
	auth["api_key"] = s.APIKey
	if _, _, err := call(ctx, "POST", cma+"/v3/content_types", auth, productType, 201); err != nil {
		return s, err
	}
	mt, _, err := call(ctx, "POST", cma+"/v3/stacks/management_tokens", auth, map[string]any{"token": map[string]any{"name": "bench", "scope": []any{
		map[string]any{"module": "entry", "acl": map[string]any{"read": true, "write": true}},
		map[string]any{"module": "content_type", "acl": map[string]any{"read": true}},
		map[string]any{"module": "branch", "branches": []any{"main"}, "acl": map[string]any{"read": true}},
	}}}, 201)
	s.Mgmt = str(mt, "token", "token")
	return s, err
}

// scaleRow is one measured scale scenario.
type scaleRow struct {
	key, name, goal string
	res             result
}

// scaleScenario is a request of the scale run and its goal.
type scaleScenario struct {
	key, name, goal string
	method, path    string
	body            string
	conns           int // 0: --conns
}

func scaleScenarios(s scaleSeed) []scaleScenario {
	base := "/v3/content_types/product/entries"
	q := func(v string) string { return base + "?limit=100&query=" + url.QueryEscape(v) }
	return []scaleScenario{
		{key: "read", name: "read one entry", goal: "p99 ≤ 5 ms", method: "GET", path: base + "/" + s.EntryUID},
		{key: "read-c32", name: "read one entry, 32 clients", goal: "rps within 10% of the 120-entry figure", method: "GET",
			path: base + "/" + s.EntryUID, conns: 32},
		{key: "first-page", name: "first page of 100", goal: "p99 ≤ 20 ms", method: "GET", path: base + "?limit=100"},
		{key: "title", name: `query={"title":…}`, goal: "p99 ≤ 20 ms", method: "GET", path: q(`{"title":"` + s.Title + `"}`)},
		{key: "category", name: `query={"category":…}&limit=100`, goal: "p99 ≤ 50 ms", method: "GET", path: q(`{"category":"category-42"}`)},
		{key: "category-none", name: `query={"category":…}, no match`, goal: "(3.5 s before)", method: "GET", path: q(`{"category":"nothing"}`)},
		{key: "count", name: "include_count=true&limit=100", goal: "≤ 200 ms", method: "GET", path: base + "?limit=100&include_count=true"},
		{key: "skip", name: "skip=500000&limit=100", goal: "≤ 1 s", method: "GET", path: base + "?limit=100&skip=500000"},
		{key: "create", name: "create one entry", goal: "p99 ≤ 20 ms", method: "POST", path: base,
			body: `{"entry":{"title":"Scale %d","category":"category-7","price":12.5,"released":"2026-03-04"}}`},
	}
}

// runScale measures each scenario, then read one while 10 clients run the
// slowest list query (cheap requests must not queue behind it).
func runScale(ctx context.Context, f scaleFlags, s scaleSeed, p *proc, cma string) ([]scaleRow, error) {
	hdr := map[string]string{"api_key": s.APIKey, "authorization": s.Mgmt}
	mk := func(sc scaleScenario) load {
		h := map[string]string{}
		for k, v := range hdr {
			h[k] = v
		}
		if sc.body != "" {
			h["Content-Type"] = "application/json"
		}
		conns := f.conns
		if sc.conns > 0 {
			conns = sc.conns
		}
		return load{URL: cma + sc.path, Method: sc.method, Headers: h, Body: sc.body, Threads: 1, Conns: conns, Duration: f.duration}
	}
	var rows []scaleRow
	var slow load
	for _, sc := range scaleScenarios(s) {
		if sc.key == "category-none" {
			slow = mk(sc)
		}
		if f.only != "" && !strings.Contains(sc.key, f.only) {
			continue
		}
		r, err := measure(ctx, runFlags{work: f.work, warmup: f.warmup}, p, mk(sc))
		if err != nil {
			return rows, fmt.Errorf("%s: %w", sc.name, err)
		}
		rows = append(rows, scaleRow{key: sc.key, name: sc.name, goal: sc.goal, res: r})
		fmt.Printf("%-40s %s\n", sc.name, r.cell())
	}
	if f.only == "" || strings.Contains("starved", f.only) {
		r, err := readBesideSlow(ctx, f, p, mk(scaleScenarios(s)[0]), slow)
		if err != nil {
			return rows, err
		}
		rows = append(rows, scaleRow{key: "starved", name: "read one while 10 clients run the no-match query",
			goal: "no queueing (17.9 s before)", res: r})
		fmt.Printf("%-40s %s\n", rows[len(rows)-1].name, r.cell())
	}
	return rows, nil
}

// readBesideSlow measures read while a second wrk keeps 10 slow queries
// in flight.
func readBesideSlow(ctx context.Context, f scaleFlags, p *proc, read, slow load) (result, error) {
	slow.Conns, slow.Duration = 10, f.duration+2*time.Second
	dir := filepath.Join(f.work, "slow")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return result{}, err
	}
	var wg sync.WaitGroup
	var slowErr error
	wg.Add(1)
	go func() { defer wg.Done(); _, slowErr = runWrk(ctx, dir, slow) }()
	time.Sleep(time.Second)
	r, err := measure(ctx, runFlags{work: f.work}, p, read)
	wg.Wait()
	return r, errors.Join(err, slowErr)
}

func scaleTable(f scaleFlags, s scaleSeed, rows []scaleRow) string {
	var b strings.Builder
	engine := "SQLite"
	if f.database != "" {
		engine = "PostgreSQL"
	} else if f.sync != "" {
		engine += " synchronous=" + f.sync
	}
	fmt.Fprintf(&b, "%d entries (loaded in %.0f s), %s, wrk -t1 -c%d -d%s; rps (p50 / p99 ms, peak RSS)\n\n", s.Entries, s.LoadSeconds,
		engine, f.conns, durationArg(f.duration))
	b.WriteString("| scenario | stackd | goal |\n|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.name, r.res.cell(), r.goal)
	}
	return b.String()
}
