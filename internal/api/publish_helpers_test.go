package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/jobs"
)

// publishEnv seeds what the publishing tests share: stackEnv, the
// environments development and production (uids in dev_env, prod_env),
// the blog content type, the locale fr-fr (falling back to en-us), the
// entry "post" (version 1, "Post") and delivery tokens for each
// environment (dt_dev, dt_prod).
func publishEnv(t *testing.T, e *apitest.Env) {
	t.Helper()
	stackEnv(t, e)
	owner := hdr("owner", "api_key")
	e.Vars["dev_env"] = mustCreate(t, e, "/v3/environments", owner, map[string]any{"environment": map[string]any{"name": "development"}}, "environment")
	e.Vars["prod_env"] = mustCreate(t, e, "/v3/environments", owner, map[string]any{"environment": map[string]any{"name": "production"}}, "environment")
	createType(t, e, blogType)
	mustCreate(t, e, "/v3/locales", owner, map[string]any{"locale": map[string]any{"code": "fr-fr", "name": "French", "fallback_locale": "en-us"}}, "locale")
	createEntryVar(t, e, "post", "/v3/content_types/blog/entries", `{"entry":{"title":"Post","url":"/post"}}`)
	_, me := e.Do("GET", "/v3/user", hdr("owner", ""), nil)
	e.Vars["owner_uid"] = me["user"].(map[string]any)["uid"].(string)
	for name, env := range map[string]string{"dt_dev": "development", "dt_prod": "production"} {
		status, body := e.Do("POST", "/v3/stacks/delivery_tokens", owner, map[string]any{"token": map[string]any{"name": name, "scope": []any{
			map[string]any{"module": "environment", "environments": []any{env}, "acl": map[string]any{"read": true}}, branches("main")}}})
		if status != 201 {
			t.Fatalf("delivery token: %d %v", status, body)
		}
		e.Vars[name] = body["token"].(map[string]any)["token"].(string)
	}
}

// publishBody is an entry publish body to environments in locales.
func publishBody(envs []any, locales []any) map[string]any {
	return map[string]any{"entry": map[string]any{"environments": envs, "locales": locales}, "locale": "en-us"}
}

// runnerFor is a job runner on e's store and clock, as the server builds one.
func runnerFor(e *apitest.Env, worker string) *jobs.Runner {
	return &jobs.Runner{Store: e.Store, Handlers: api.JobHandlers(apitest.Deps(e)), Now: e.Clock.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Lease: time.Minute, Worker: worker}
}

// tick runs the jobs due now and returns how many ran.
func tick(t *testing.T, r *jobs.Runner) int {
	t.Helper()
	n, err := r.Tick(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// cdaGet reads the CDA with delivery token tok ({name} of e.Vars).
func cdaGet(e *apitest.Env, tok, path string) (int, map[string]any) {
	e.T.Helper()
	return e.DoOn(e.CDA, "GET", path, map[string]string{"api_key": "{api_key}", "access_token": "{" + tok + "}"}, nil)
}

// cdaTitles returns the titles of a CDA entry or asset list.
func cdaTitles(t *testing.T, body map[string]any, key string) []string {
	t.Helper()
	list, ok := body[key].([]any)
	if !ok {
		t.Fatalf("no %s list in %v", key, body)
	}
	out := []string{}
	for _, it := range list {
		out = append(out, it.(map[string]any)["title"].(string))
	}
	return out
}

// runEach runs scenarios one by one, moving the clock a second after
// each, so that what they create is ordered in time.
func runEach(t *testing.T, e *apitest.Env, scenarios []apitest.Scenario) {
	t.Helper()
	for _, sc := range scenarios {
		e.Run(t, []apitest.Scenario{sc})
		e.Clock.Advance(time.Second)
	}
}

// expandJSON replaces {name} placeholders in the strings of v.
func expandJSON(t *testing.T, e *apitest.Env, v any) any {
	t.Helper()
	var out any
	if err := json.Unmarshal([]byte(e.Expand(toJSON(t, v))), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// iso formats a time as clients send scheduled_at.
func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// fingerprint is the digest of every row of e's database.
func fingerprint(t *testing.T, e *apitest.Env) string {
	t.Helper()
	fp, err := e.Store.Fingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return fp
}
