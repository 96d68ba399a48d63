package api_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/jobs"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

// bulkVar sends a bulk request that must be accepted and stores its
// job_id in e.Vars[name].
func bulkVar(t *testing.T, e *apitest.Env, name, path string, body any) {
	t.Helper()
	status, out := e.Do("POST", path, hdr("owner", "api_key"), body)
	if status != 200 {
		t.Fatalf("%s: %d %v", path, status, out)
	}
	e.Vars[name] = out["job_id"].(string)
}

func TestBulkScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		createEntryVar(t, e, "other", "/v3/content_types/blog/entries", `{"entry":{"title":"Other"}}`)
		status, body := e.Do("POST", "/v3/assets", owner, apitest.Form{apitest.Field("asset[title]", "Logo"),
			apitest.FilePart("logo.txt", "text/plain", []byte("logo bytes"))})
		if status != 201 {
			t.Fatalf("upload: %d %v", status, body)
		}
		e.Vars["logo"] = body["asset"].(map[string]any)["uid"].(string)
		_, e.Vars["mt_entry"] = createToken(t, e, []any{rw("entry"), branches("main")}, nil)
		_, e.Vars["mt_asset"] = createToken(t, e, []any{rw("asset"), branches("main")}, nil)
		r := runnerFor(e, "w")
		entries := []any{map[string]any{"uid": "{post}", "content_type": "blog", "locale": "en-us"},
			map[string]any{"uid": "{other}", "content_type": "blog", "locale": "en-us"}}
		all := map[string]any{"entries": entries, "assets": []any{map[string]any{"uid": "{logo}"}},
			"locales": []any{"en-us"}, "environments": []any{"development"}}

		e.Run(t, []apitest.Scenario{
			{Name: "as the SDK sends it", Method: "POST", Path: "/v3/bulk/publish", Headers: hdr("cm", "api_key"), Body: all,
				WantStatus: 200, WantJSON: map[string]any{"notice": "Your publish request is in progress."}},
			{Name: "no items", Method: "POST", Path: "/v3/bulk/publish", Headers: owner,
				Body: map[string]any{"locales": []any{"en-us"}, "environments": []any{"development"}}, WantStatus: 422},
			{Name: "no environments", Method: "POST", Path: "/v3/bulk/publish", Headers: owner,
				Body: map[string]any{"entries": entries}, WantStatus: 422},
			{Name: "unknown environment", Method: "POST", Path: "/v3/bulk/unpublish", Headers: owner,
				Body: map[string]any{"entries": entries, "environments": []any{"mars"}}, WantStatus: 422},
			{Name: "unknown asset", Method: "POST", Path: "/v3/bulk/publish", Headers: owner,
				Body: map[string]any{"assets": []any{map[string]any{"uid": "bltnope"}}, "environments": []any{"development"}}, WantStatus: 422},
			{Name: "entry without content type", Method: "POST", Path: "/v3/bulk/publish", Headers: owner,
				Body: map[string]any{"entries": []any{map[string]any{"uid": "{post}"}}, "environments": []any{"development"}}, WantStatus: 422},
			{Name: "bad version", Method: "POST", Path: "/v3/bulk/publish", Headers: owner,
				Body: map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog", "version": "x"}},
					"environments": []any{"development"}}, WantStatus: 422},
			{Name: "token without asset scope, with an asset", Method: "POST", Path: "/v3/bulk/publish", Headers: mt("{mt_entry}", "api_key"),
				Body: all, WantStatus: 403},
			{Name: "token with entry scope, entries only", Method: "POST", Path: "/v3/bulk/publish", Headers: mt("{mt_entry}", "api_key"),
				Body: map[string]any{"entries": entries, "environments": []any{"production"}}, WantStatus: 200},
			{Name: "asset-only token has no bulk right", Method: "POST", Path: "/v3/bulk/publish", Headers: mt("{mt_asset}", "api_key"),
				Body: map[string]any{"assets": []any{map[string]any{"uid": "{logo}"}}, "environments": []any{"development"}}, WantStatus: 403},
			{Name: "member without a role", Method: "POST", Path: "/v3/bulk/publish", Headers: hdr("norole", "api_key"), Body: all, WantStatus: 403},
			{Name: "too many items", Method: "POST", Path: "/v3/bulk/publish", Headers: owner, Body: manyItems(t, e), WantStatus: 422},
		})
		_, list := e.Do("GET", "/v3/publish-queue?include_count=true", owner, nil)
		if list["count"] != float64(2) {
			t.Fatalf("after two accepted bulk requests the queue has %v", list)
		}
		bulkVar(t, e, "job", "/v3/bulk/publish", all)
		e.Run(t, []apitest.Scenario{
			{Name: "queued", Method: "GET", Path: "/v3/bulk/jobs/{job}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"job": map[string]any{"uid": "{job}", "action": "publish", "status": "queued",
					"summary": map[string]any{"total": 3, "success": 0, "failed": 0}, "environments": []any{"{dev_env}"}, "locales": []any{"en-us"},
					"items": []any{
						map[string]any{"type": "entry", "content_type": "blog", "locale": "en-us", "version": 1, "status": "pending"},
						map[string]any{"type": "entry", "content_type": "blog", "locale": "en-us", "version": 1, "status": "pending"},
						map[string]any{"type": "asset", "uid": "{logo}", "version": 1, "environment": "{dev_env}", "status": "pending"}}}}},
			{Name: "in the publish queue", Method: "GET", Path: "/v3/publish-queue?bulkJobId={job}&include_job_details=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"queue": []any{map[string]any{"type": "bulk", "bulkJobId": "{job}",
					"publish_details": map[string]any{"status": "queued"}, "summary": map[string]any{"total": 3}}}}},
		})
		if status, body := cdaGet(e, "dt_dev", "/v3/assets/{logo}"); status != 422 {
			t.Errorf("a queued bulk publish is visible before it ran: %d %v", status, body)
		}
		if n := tick(t, r); n != 3 {
			t.Fatalf("%d jobs ran, want 3", n)
		}
		e.Run(t, []apitest.Scenario{
			{Name: "done", Method: "GET", Path: "/v3/bulk/jobs/{job}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"job": map[string]any{"status": "success", "summary": map[string]any{"total": 3, "success": 3, "failed": 0},
					"items": []any{map[string]any{"status": "success"}, map[string]any{"status": "success"}, map[string]any{"status": "success"}}}}},
			{Name: "not a bulk job", Method: "GET", Path: "/v3/bulk/jobs/bltnope", Headers: owner, WantStatus: 422},
		})
		status, body = cdaGet(e, "dt_dev", "/v3/content_types/blog/entries?include_count=true")
		if status != 200 || body["count"] != float64(2) {
			t.Errorf("CDA after the bulk publish: %d %v", status, body)
		}
		if status, body := cdaGet(e, "dt_dev", "/v3/assets/{logo}"); status != 200 {
			t.Errorf("asset after the bulk publish: %d %v", status, body)
		}

		// The versions published are those current at the request; an
		// unpublish of an entry deleted meanwhile has nothing left to do.
		bulkVar(t, e, "unpub", "/v3/bulk/unpublish", map[string]any{"entries": entries, "environments": []any{"development"}})
		e.Run(t, []apitest.Scenario{{Name: "delete one", Method: "DELETE", Path: "/v3/content_types/blog/entries/{other}", Headers: owner, WantStatus: 200}})
		bulkVar(t, e, "republish", "/v3/bulk/publish", map[string]any{"entries": entries[:1], "environments": []any{"production"}})
		e.Run(t, []apitest.Scenario{{Name: "edit after the request", Method: "PUT", Path: "/v3/content_types/blog/entries/{post}", Headers: owner,
			Body: `{"entry":{"title":"Post v2"}}`, WantStatus: 200}})
		if n := tick(t, r); n != 2 {
			t.Fatalf("%d jobs ran, want 2", n)
		}
		e.Run(t, []apitest.Scenario{{Name: "unpublish ran", Method: "GET", Path: "/v3/bulk/jobs/{unpub}", Headers: owner, WantStatus: 200,
			WantJSON: map[string]any{"job": map[string]any{"action": "unpublish", "status": "success", "summary": map[string]any{"total": 2, "success": 2}}}}})
		status, body = cdaGet(e, "dt_prod", "/v3/content_types/blog/entries/{post}")
		if status != 200 || body["entry"].(map[string]any)["title"] != "Post" {
			t.Errorf("a bulk publish serves the version current at the request: %d %v", status, body)
		}
		if status, body := cdaGet(e, "dt_dev", "/v3/content_types/blog/entries?count=true"); body["entries"] != float64(0) {
			t.Errorf("after the bulk unpublish development serves %d %v", status, body)
		}

		// An item whose entry vanished before the job ran fails alone.
		createEntryVar(t, e, "third", "/v3/content_types/blog/entries", `{"entry":{"title":"Third"}}`)
		bulkVar(t, e, "partial", "/v3/bulk/publish", map[string]any{"entries": []any{entries[0],
			map[string]any{"uid": "{third}", "content_type": "blog"}}, "environments": []any{"development"}})
		e.Run(t, []apitest.Scenario{{Name: "delete the third", Method: "DELETE", Path: "/v3/content_types/blog/entries/{third}", Headers: owner, WantStatus: 200}})
		tick(t, r)
		e.Run(t, []apitest.Scenario{{Name: "partial", Method: "GET", Path: "/v3/bulk/jobs/{partial}", Headers: owner, WantStatus: 200,
			WantJSON: map[string]any{"job": map[string]any{"status": "partial", "summary": map[string]any{"total": 2, "success": 1, "failed": 1}}}}})
		status, body = cdaGet(e, "dt_dev", "/v3/content_types/blog/entries")
		if titles := cdaTitles(t, body, "entries"); status != 200 || len(titles) != 1 || titles[0] != "Post v2" {
			t.Errorf("after a partly failed bulk publish development serves %v", titles)
		}
	})
}

func TestBulkDelete(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		status, body := e.Do("POST", "/v3/assets", owner, apitest.Form{apitest.FilePart("logo.txt", "text/plain", []byte("logo bytes"))})
		if status != 201 {
			t.Fatalf("upload: %d %v", status, body)
		}
		e.Vars["logo"] = body["asset"].(map[string]any)["uid"].(string)
		e.Run(t, []apitest.Scenario{
			{Name: "localize", Method: "PUT", Path: "/v3/content_types/blog/entries/{post}?locale=fr-fr", Headers: owner,
				Body: `{"entry":{"title":"Billet"}}`, WantStatus: 200},
			{Name: "publish the asset", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: owner,
				Body: map[string]any{"asset": map[string]any{"environments": []any{"development"}}}, WantStatus: 200},
			{Name: "content manager may not delete an unknown entry", Method: "POST", Path: "/v3/bulk/delete", Headers: hdr("cm", "api_key"),
				Body: map[string]any{"entries": []any{map[string]any{"uid": "bltnope", "content_type": "blog"}}}, WantStatus: 422},
			{Name: "french content that does not exist", Method: "POST", Path: "/v3/bulk/delete", Headers: owner,
				Body: map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog", "locale": "de-de"}}}, WantStatus: 422},
		})
		files := e.CountFiles(t)
		bulkVar(t, e, "fr", "/v3/bulk/delete", map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog", "locale": "fr-fr"}}})
		bulkVar(t, e, "rest", "/v3/bulk/delete", map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog", "locale": "en-us"}},
			"assets": []any{map[string]any{"uid": "{logo}"}}})
		e.Run(t, []apitest.Scenario{
			{Name: "not in the publish queue", Method: "GET", Path: "/v3/publish-queue/{rest}", Headers: owner, WantStatus: 422},
			{Name: "queued", Method: "GET", Path: "/v3/bulk/jobs/{rest}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"job": map[string]any{"action": "delete", "status": "queued"}}},
			{Name: "nothing deleted yet", Method: "GET", Path: "/v3/content_types/blog/entries/{post}?locale=fr-fr", Headers: owner, WantStatus: 200},
		})
		if n := tick(t, runnerFor(e, "w")); n != 2 {
			t.Fatalf("%d jobs ran", n)
		}
		e.Run(t, []apitest.Scenario{
			{Name: "done", Method: "GET", Path: "/v3/bulk/jobs/{rest}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"job": map[string]any{"status": "success", "summary": map[string]any{"total": 2, "success": 2}}}},
			{Name: "entry gone", Method: "GET", Path: "/v3/content_types/blog/entries/{post}", Headers: owner, WantStatus: 422},
			{Name: "asset gone", Method: "GET", Path: "/v3/assets/{logo}", Headers: owner, WantStatus: 422},
		})
		if got := e.CountFiles(t); got != files-1 {
			t.Errorf("files after the bulk delete: %d, want %d", got, files-1)
		}
		if status, _ := cdaGet(e, "dt_dev", "/v3/assets/{logo}"); status != 422 {
			t.Errorf("a deleted asset is still delivered: %d", status)
		}
	})
}

// TestBulkJobsExactlyOnce runs two job runners, each on its own
// connection pool to the same database (as two stackd instances would),
// against a queue of bulk jobs: each job runs exactly once, which the
// audit log (written in the job's own transaction) records.
func TestBulkJobsExactlyOnce(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			st, database, dir := eng.Open(t)
			e := apitest.NewOn(t, st, dir, apitest.Start)
			e.Bootstrap()
			publishEnv(t, e)
			var jobIDs []string
			for i := 0; i < 12; i++ {
				env := []any{"development", "production"}[i%2]
				bulkVar(t, e, "job", "/v3/bulk/publish", map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog"}},
					"environments": []any{env}})
				jobIDs = append(jobIDs, e.Vars["job"])
			}
			st2, err := store.Open(context.Background(), database, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st2.Close()
			deps2 := apitest.Deps(e)
			deps2.Store = st2
			r1 := runnerFor(e, "instance-1")
			r2 := &jobs.Runner{Store: st2, Handlers: api.JobHandlers(deps2), Now: e.Clock.Now,
				Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Lease: time.Minute, Worker: "instance-2"}
			var wg sync.WaitGroup
			ran := make([]int, 2)
			for i, r := range []*jobs.Runner{r1, r2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := 0; k < 3; k++ {
						n, err := r.Tick(context.Background())
						if err != nil {
							t.Error(err)
						}
						ran[i] += n
					}
				}()
			}
			wg.Wait()
			if ran[0]+ran[1] != len(jobIDs) {
				t.Errorf("the runners claimed %d and %d jobs, want %d in all", ran[0], ran[1], len(jobIDs))
			}
			logs, _, err := st.AuditLog(context.Background(), store.AuditFilter{APIKey: e.Vars["api_key"], Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			runs := map[string]int{}
			for _, l := range logs {
				if l.Module == "bulk" && l.EventType == "publish" {
					runs[l.MetaUID]++
				}
			}
			for _, id := range jobIDs {
				j, err := st.Job(context.Background(), e.Vars["api_key"], id)
				if err != nil || j.Status != "done" || runs[id] != 1 {
					t.Errorf("job %s: status %q, ran %d times (%v)", id, j.Status, runs[id], err)
				}
			}
			for _, tok := range []string{"dt_dev", "dt_prod"} {
				if status, _ := cdaGet(e, tok, "/v3/content_types/blog/entries/{post}"); status != 200 {
					t.Errorf("%s: the entry is not published (%d)", tok, status)
				}
			}
		})
	}
}

// manyItems is a bulk body that makes more items than a request may: 100
// entries (not checked before the count) in 2 locales on 6 environments.
func manyItems(t *testing.T, e *apitest.Env) map[string]any {
	t.Helper()
	envs := []any{"development", "production"}
	for _, name := range []string{"qa1", "qa2", "qa3", "qa4"} {
		mustCreate(t, e, "/v3/environments", hdr("owner", "api_key"), map[string]any{"environment": map[string]any{"name": name}}, "environment")
		envs = append(envs, name)
	}
	var entries []any
	for i := 0; i < 100; i++ {
		entries = append(entries, map[string]any{"uid": "{post}", "content_type": "blog"})
	}
	return map[string]any{"entries": entries, "locales": []any{"en-us", "fr-fr"}, "environments": envs}
}
