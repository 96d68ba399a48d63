package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

// queueUIDs returns the uids of the publish queue, newest first.
func queueUIDs(t *testing.T, e *apitest.Env) []string {
	t.Helper()
	status, body := e.Do("GET", "/v3/publish-queue", hdr("owner", "api_key"), nil)
	if status != 200 {
		t.Fatalf("publish queue: %d %v", status, body)
	}
	var out []string
	for _, it := range body["queue"].([]any) {
		out = append(out, it.(map[string]any)["uid"].(string))
	}
	return out
}

// TestScheduledPublish: a publish with scheduled_at in the future waits in
// the queue (nothing is visible on the CDA) until the runner finds it due
// on the test clock; it publishes the version that was current when it
// was scheduled. Unscheduled actions never run.
func TestScheduledPublish(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		post := "/v3/content_types/blog/entries/{post}"
		r := runnerFor(e, "w1")
		e.Vars["at"] = iso(e.Clock.Now().Add(time.Hour))
		e.Run(t, []apitest.Scenario{
			{Name: "schedule", Method: "POST", Path: post + "/publish", Headers: owner,
				Body:       `{"entry":{"environments":["development"],"locales":["en-us"]},"locale":"en-us","scheduled_at":"{at}"}`,
				WantStatus: 200, WantJSON: map[string]any{"notice": "The requested action has been performed."}},
		})
		e.Vars["scheduled"] = queueUIDs(t, e)[0]
		e.Clock.Advance(time.Second)
		e.Run(t, []apitest.Scenario{
			{Name: "queued as scheduled", Method: "GET", Path: "/v3/publish-queue/{scheduled}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": map[string]any{"uid": "{scheduled}", "action": "publish", "type": "entry",
					"scheduled_at": "{at}", "publish_details": map[string]any{"status": "scheduled"},
					"entry":        map[string]any{"uid": "{post}", "title": "Post", "locale": "en-us", "version": 1},
					"content_type": map[string]any{"uid": "blog"}, "environment": []any{"{dev_env}"}, "locale": []any{"en-us"}}}},
			{Name: "an edit after scheduling", Method: "PUT", Path: post, Headers: owner, Body: `{"entry":{"title":"Post v2"}}`, WantStatus: 200},
			{Name: "not published yet", Method: "GET", Path: post + "?include_publish_details=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"publish_details": []any{}}}},
		})
		if n := tick(t, r); n != 0 {
			t.Fatalf("%d jobs ran before their time", n)
		}
		if status, _ := cdaGet(e, "dt_dev", post); status != 422 {
			t.Errorf("the CDA shows an entry scheduled for later: %d", status)
		}
		e.Clock.Advance(time.Hour)
		if n := tick(t, r); n != 1 {
			t.Fatalf("%d jobs ran at their time, want 1", n)
		}
		status, body := cdaGet(e, "dt_dev", post)
		if status != 200 || body["entry"].(map[string]any)["title"] != "Post" {
			t.Errorf("after the scheduled time the CDA shows %d %v, want version 1 (Post)", status, body)
		}
		e.Run(t, []apitest.Scenario{
			{Name: "done", Method: "GET", Path: "/v3/publish-queue/{scheduled}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": map[string]any{"publish_details": map[string]any{"status": "success"}}}},
			{Name: "a finished action cannot be unscheduled", Method: "GET", Path: "/v3/publish-queue/{scheduled}/unschedule", Headers: owner,
				WantStatus: 422},
		})
		if n := tick(t, r); n != 0 {
			t.Errorf("a finished job ran again (%d)", n)
		}

		e.Vars["at"] = iso(e.Clock.Now().Add(time.Hour))
		e.Run(t, []apitest.Scenario{
			{Name: "schedule an unpublish", Method: "POST", Path: post + "/unpublish", Headers: owner,
				Body: `{"entry":{"environments":["development"]},"scheduled_at":"{at}"}`, WantStatus: 200},
		})
		e.Vars["unpublish"] = queueUIDs(t, e)[0]
		e.Run(t, []apitest.Scenario{
			{Name: "content manager unschedules", Method: "GET", Path: "/v3/publish-queue/{unpublish}/unschedule", Headers: hdr("cm", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"queue": map[string]any{"publish_details": map[string]any{"status": "canceled"}}}},
			{Name: "twice", Method: "GET", Path: "/v3/publish-queue/{unpublish}/unschedule", Headers: owner, WantStatus: 422},
			{Name: "unknown", Method: "GET", Path: "/v3/publish-queue/bltnope/unschedule", Headers: owner, WantStatus: 422},
		})
		e.Clock.Advance(2 * time.Hour)
		if n := tick(t, r); n != 0 {
			t.Errorf("an unscheduled job ran (%d)", n)
		}
		if status, _ := cdaGet(e, "dt_dev", post); status != 200 {
			t.Errorf("the unscheduled unpublish took effect: %d", status)
		}
	})
}

// TestScheduledPublishSurvivesRestart: a scheduled publish lives in the
// database; a new server on the same database carries it out.
func TestScheduledPublishSurvivesRestart(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			st, database, dir := eng.Open(t)
			e := apitest.NewOn(t, st, dir, apitest.Start)
			e.Bootstrap()
			publishEnv(t, e)
			e.Vars["at"] = iso(e.Clock.Now().Add(time.Hour))
			e.Run(t, []apitest.Scenario{{Name: "schedule", Method: "POST", Path: "/v3/content_types/blog/entries/{post}/publish",
				Headers: hdr("owner", "api_key"), Body: `{"entry":{"environments":["development"]},"scheduled_at":"{at}"}`, WantStatus: 200}})
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}

			st2, err := store.Open(context.Background(), database, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st2.Close()
			e2 := apitest.NewOn(t, st2, dir, apitest.Start.Add(2*time.Hour))
			e2.Vars = e.Vars
			if n := tick(t, runnerFor(e2, "after-restart")); n != 1 {
				t.Fatalf("after a restart %d jobs ran, want 1", n)
			}
			if status, body := cdaGet(e2, "dt_dev", "/v3/content_types/blog/entries/{post}"); status != 200 {
				t.Errorf("after a restart the scheduled entry is not published: %d %v", status, body)
			}
		})
	}
}

// TestScheduledPublishOfDeletedEntry: an entry deleted before its
// scheduled publish makes the job finish as failed, publishing nothing.
func TestScheduledPublishOfDeletedEntry(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		e.Vars["at"] = iso(e.Clock.Now().Add(time.Minute))
		e.Run(t, []apitest.Scenario{
			{Name: "schedule", Method: "POST", Path: "/v3/content_types/blog/entries/{post}/publish", Headers: owner,
				Body: `{"entry":{"environments":["development"]},"scheduled_at":"{at}"}`, WantStatus: 200},
			{Name: "delete", Method: "DELETE", Path: "/v3/content_types/blog/entries/{post}", Headers: owner, WantStatus: 200},
		})
		e.Vars["job"] = queueUIDs(t, e)[0]
		e.Clock.Advance(time.Hour)
		if n := tick(t, runnerFor(e, "w")); n != 1 {
			t.Fatalf("%d jobs ran", n)
		}
		e.Run(t, []apitest.Scenario{{Name: "failed", Method: "GET", Path: "/v3/publish-queue/{job}", Headers: owner, WantStatus: 200,
			WantJSON: map[string]any{"queue": map[string]any{"publish_details": map[string]any{"status": "failed"}}}}})
		status, body := cdaGet(e, "dt_dev", "/v3/content_types/blog/entries?include_count=true")
		if status != 200 || body["count"] != float64(0) {
			t.Errorf("CDA after a failed scheduled publish: %d %v", status, body)
		}
	})
}

// TestPublishQueueScenarios: the queue lists single and bulk publishes
// (not bulk deletes) of the last 30 days, newest first.
func TestPublishQueueScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		entries := []any{map[string]any{"uid": "{post}", "content_type": "blog"}}
		runEach(t, e, []apitest.Scenario{
			{Name: "publish", Method: "POST", Path: "/v3/content_types/blog/entries/{post}/publish", Headers: owner,
				Body: publishBody([]any{"development"}, nil), WantStatus: 200},
			{Name: "bulk delete", Method: "POST", Path: "/v3/bulk/delete", Headers: owner, Body: map[string]any{"entries": entries}, WantStatus: 200},
		})
		bulkVar(t, e, "bulk", "/v3/bulk/unpublish", map[string]any{"entries": entries, "environments": []any{"development"}})
		e.Run(t, []apitest.Scenario{
			{Name: "newest first, no bulk deletes", Method: "GET", Path: "/v3/publish-queue?include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 2, "queue": []any{
					map[string]any{"uid": "{bulk}", "type": "bulk", "action": "unpublish", "bulkJobId": "{bulk}",
						"publish_details": map[string]any{"status": "queued"}, "summary": map[string]any{"total": 1}},
					map[string]any{"type": "entry", "action": "publish", "user": "{owner_uid}", "stack": "{api_key}",
						"publish_details": map[string]any{"status": "success"}, "published_at": "2026-03-04T05:06:07.000Z",
						"created_at": "2026-03-04T05:06:07.000Z", "entry": map[string]any{"uid": "{post}", "title": "Post", "version": 1}}}}},
			{Name: "count only", Method: "GET", Path: "/v3/publish-queue?count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": 2}},
			{Name: "paged", Method: "GET", Path: "/v3/publish-queue?skip=1&limit=1", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": []any{map[string]any{"type": "entry"}}}},
			{Name: "one bulk job", Method: "GET", Path: "/v3/publish-queue?bulkJobId={bulk}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": []any{map[string]any{"uid": "{bulk}"}}}},
			{Name: "unknown bulk job", Method: "GET", Path: "/v3/publish-queue?bulkJobId=bltnope", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": []any{}}},
			{Name: "a bulk job's details", Method: "GET", Path: "/v3/publish-queue/{bulk}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": map[string]any{"type": "bulk", "items": []any{
					map[string]any{"type": "entry", "uid": "{post}", "environment": "{dev_env}", "status": "pending"}}}}},
			{Name: "a bulk job cannot be unscheduled", Method: "GET", Path: "/v3/publish-queue/{bulk}/unschedule", Headers: owner, WantStatus: 422},
			{Name: "unknown item", Method: "GET", Path: "/v3/publish-queue/bltnope", Headers: owner, WantStatus: 422},
		})
		e.Vars["at"] = iso(e.Clock.Now().Add(time.Hour))
		bulkVar(t, e, "later", "/v3/bulk/publish", map[string]any{"entries": entries, "environments": []any{"production"}, "scheduled_at": "{at}"})
		e.Run(t, []apitest.Scenario{
			{Name: "scheduled bulk", Method: "GET", Path: "/v3/bulk/jobs/{later}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"job": map[string]any{"status": "scheduled", "run_at": "{at}"}}},
			{Name: "unschedule a bulk job", Method: "GET", Path: "/v3/publish-queue/{later}/unschedule", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"notice": "The scheduled action has been canceled.", "queue": map[string]any{"bulkJobId": "{later}",
					"publish_details": map[string]any{"status": "canceled"}}}},
		})
		e.Clock.Advance(2 * time.Hour)
		if n := tick(t, runnerFor(e, "w")); n != 2 {
			t.Errorf("%d jobs ran, want the bulk delete and the bulk unpublish only", n)
		}
		e.Clock.Advance(31 * 24 * time.Hour)
		e.Run(t, []apitest.Scenario{
			{Name: "older than 30 days", Method: "GET", Path: "/v3/publish-queue?include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 0, "queue": []any{}}},
		})
	})
}
