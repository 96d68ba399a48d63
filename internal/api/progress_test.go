package api_test

import (
	"bufio"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// TestActivityLog: the 50th request of one module on one stack logs an activity line with the
// counts so far; requests of other modules and refused credentials do not count toward it.
func TestActivityLog(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		owner := hdr("owner", "api_key")
		mustDo(t, e, "POST", "/v3/environments", owner, map[string]any{"environment": map[string]any{"name": "dev"}}, 201)
		e.Do("GET", "/v3/environments", map[string]string{"authorization": "csmtwrong", "api_key": "{api_key}"}, nil)
		for range 47 {
			e.Do("GET", "/v3/environments", owner, nil)
			e.Do("GET", "/v3/locales", owner, nil)
		}
		if lines := activityLines(t, e); len(lines) != 0 {
			t.Fatalf("activity lines before 50 requests of a module: %v", lines)
		}
		e.Do("GET", "/v3/environments/nope", owner, nil)
		e.Do("GET", "/v3/environments", owner, nil)
		lines := activityLines(t, e)
		if len(lines) != 1 {
			t.Fatalf("activity lines: %v, want one", lines)
		}
		want := map[string]any{"api_key": e.Vars["api_key"], "module": "environment", "reads": 48.0, "writes": 1.0, "failed": 1.0, "level": "INFO"}
		for k, v := range want {
			if lines[0][k] != v {
				t.Errorf("activity line %s = %v, want %v (line %v)", k, lines[0][k], v, lines[0])
			}
		}
	})
}

// activityLines returns the activity lines e's API has logged.
func activityLines(t *testing.T, e *apitest.Env) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(e.Logs.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if line["msg"] == "activity" {
			out = append(out, line)
		}
	}
	return out
}
