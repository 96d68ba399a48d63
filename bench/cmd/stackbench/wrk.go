package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// load is one wrk run: a request and how hard to send it.
type load struct {
	URL     string
	Method  string
	Headers map[string]string
	// Body is sent as it is; in a create's body each %d is replaced by a
	// number unique to the request (a thread's random prefix and a counter),
	// so every created record differs.
	Body     string
	Threads  int
	Conns    int
	Duration time.Duration
}

// result is what one wrk run measured.
type result struct {
	RPS      float64
	P50, P99 time.Duration
	Requests int
	Errors   int // non-2xx/3xx answers and socket errors
	RSSMB    float64
}

// runWrk drives l with wrk and parses its report.
func runWrk(ctx context.Context, dir string, l load) (result, error) {
	script := filepath.Join(dir, "load.lua")
	if err := os.WriteFile(script, []byte(luaScript(l)), 0o600); err != nil {
		return result{}, err
	}
	args := []string{"-t" + strconv.Itoa(l.Threads), "-c" + strconv.Itoa(l.Conns), "-d" + durationArg(l.Duration),
		"--latency", "--timeout", "30s", "-s", script, l.URL}
	out, err := exec.CommandContext(ctx, "wrk", args...).CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk %s: %w\n%s", l.URL, err, out)
	}
	return parseWrk(string(out))
}

func durationArg(d time.Duration) string {
	return strconv.Itoa(max(1, int(d.Seconds()))) + "s"
}

// luaScript sets the method, headers and body; a body with %d gets a
// request function that numbers each request.
func luaScript(l load) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %q\n", l.Method)
	keys := make([]string, 0, len(l.Headers))
	for k := range l.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "wrk.headers[%q] = %q\n", k, l.Headers[k])
	}
	if l.Body == "" {
		return b.String()
	}
	if !strings.Contains(l.Body, "%d") {
		fmt.Fprintf(&b, "wrk.body = %q\n", l.Body)
		return b.String()
	}
	body := strings.ReplaceAll(l.Body, "%d", "%d-%d")
	fmt.Fprintf(&b, `local n = 0
local prefix = 0
setup = function(thread) thread:set("seed", math.random(1, 1000000000)) end
init = function(args) prefix = seed or math.random(1, 1000000000) end
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format(%q, prefix, n))
end
`, body)
	return b.String()
}

var (
	reRPS     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	reReqs    = regexp.MustCompile(`(\d+) requests in`)
	reNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	reSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	rePercent = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s|m)\s*$`)
)

func parseWrk(out string) (result, error) {
	var r result
	m := reRPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("wrk printed no Requests/sec:\n%s", out)
	}
	r.RPS, _ = strconv.ParseFloat(m[1], 64)
	if m := reReqs.FindStringSubmatch(out); m != nil {
		r.Requests, _ = strconv.Atoi(m[1])
	}
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		r.Errors, _ = strconv.Atoi(m[1])
	}
	if m := reSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.Errors += n
		}
	}
	for _, m := range rePercent.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[m[3]]
		d := time.Duration(v * float64(unit))
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	return r, nil
}
