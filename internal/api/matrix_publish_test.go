package api_test

import (
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

// Publishing, the publish queue and bulk operations. Owner, admin,
// developer and content manager publish; the seeded custom role has no
// publish right on entries (its sub_acl is read/create/update) nor on
// assets, and no rule reaches the publish queue or bulk operations.
// Management tokens: write scope publishes, read scope reads the queue
// and bulk jobs; the asset-only token publishes assets but has neither
// entry nor publish_queue scope (bulk operations need the entry scope).
func init() {
	moreMatrixSeeds = append(moreMatrixSeeds, func(t *testing.T, e *apitest.Env) {
		h := hdr("owner", "api_key")
		e.Vars["at"] = apitest.Start.Add(30 * 24 * time.Hour).Format("2006-01-02T15:04:05.000Z")
		status, body := e.Do("POST", "/v3/content_types/blog/entries/{entry_uid}/publish", h,
			`{"entry":{"environments":["development"],"locales":["en-us"]},"scheduled_at":"{at}"}`)
		if status != 200 {
			t.Fatalf("schedule: %d %v", status, body)
		}
		_, queue := e.Do("GET", "/v3/publish-queue", h, nil)
		e.Vars["queue_uid"] = queue["queue"].([]any)[0].(map[string]any)["uid"].(string)
		status, body = e.Do("POST", "/v3/bulk/publish", h, map[string]any{"entries": []any{
			map[string]any{"uid": "{entry_uid}", "content_type": "blog", "locale": "en-us"}}, "locales": []any{"en-us"}, "environments": []any{"staging"}})
		if status != 200 {
			t.Fatalf("bulk: %d %v", status, body)
		}
		e.Vars["job_id"] = body["job_id"].(string)
	})
	const (
		entryPublish = "200 200 200 200 403 403 412 200 403 403 403 401 401 401 401 401"
		assetPublish = "200 200 200 200 403 403 412 200 403 200 403 401 401 401 401 401"
		queueRead    = "200 200 200 200 403 403 412 200 200 403 403 401 401 401 401 401"
		queueUpdate  = "200 200 200 200 403 403 412 200 403 403 403 401 401 401 401 401"
		bulkWrite    = "200 200 200 200 403 403 412 200 403 403 403 401 401 401 401 401"
		bulkRead     = "200 200 200 200 403 403 412 200 200 403 403 401 401 401 401 401"
	)
	// Entry publishes go to staging: the seeded workflow's publish rule covers
	// blog on development (its refusals are tested in the workflow tests).
	entry := "/v3/content_types/blog/entries/{entry_uid}"
	entryBody := map[string]any{"entry": map[string]any{"environments": []any{"staging"}, "locales": []any{"en-us"}}, "locale": "en-us"}
	assetBody := map[string]any{"asset": map[string]any{"environments": []any{"development"}, "locales": []any{"en-us"}}}
	bulkBody := map[string]any{"entries": []any{map[string]any{"uid": "{entry_uid}", "content_type": "blog", "locale": "en-us"}},
		"locales": []any{"en-us"}, "environments": []any{"staging"}}
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"POST /v3/content_types/{content_type_uid}/entries/{entry_uid}/publish", entry + "/publish", nil, entryBody, entryPublish},
		matrixRow{"POST /v3/content_types/{content_type_uid}/entries/{entry_uid}/unpublish", entry + "/unpublish", nil, entryBody, entryPublish},
		matrixRow{"POST /v3/assets/{asset_uid}/publish", "/v3/assets/{asset_uid}/publish", nil, assetBody, assetPublish},
		matrixRow{"POST /v3/assets/{asset_uid}/unpublish", "/v3/assets/{asset_uid}/unpublish", nil, assetBody, assetPublish},

		matrixRow{"GET /v3/publish-queue", "/v3/publish-queue", nil, nil, queueRead},
		matrixRow{"GET /v3/publish-queue/{queue_uid}", "/v3/publish-queue/{queue_uid}", nil, nil, queueRead},
		matrixRow{"GET /v3/publish-queue/{queue_uid}/unschedule", "/v3/publish-queue/{queue_uid}/unschedule", nil, nil, queueUpdate},

		matrixRow{"POST /v3/bulk/publish", "/v3/bulk/publish", nil, bulkBody, bulkWrite},
		matrixRow{"POST /v3/bulk/unpublish", "/v3/bulk/unpublish", nil, bulkBody, bulkWrite},
		matrixRow{"POST /v3/bulk/delete", "/v3/bulk/delete", nil,
			map[string]any{"entries": []any{map[string]any{"uid": "{entry_uid}", "content_type": "blog", "locale": "en-us"}}}, bulkWrite},
		matrixRow{"GET /v3/bulk/jobs/{job_id}", "/v3/bulk/jobs/{job_id}", nil, nil, bulkRead},
	)
}
