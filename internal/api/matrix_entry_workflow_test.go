package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// Entry workflow rows of the permission matrix, written by hand. The stage
// move goes between two stages open to all users, so everyone who may
// update entries succeeds: owner, admin, developer and content manager
// (spec §5.1), the custom role (its content-type rule's sub_acl grants
// entry update), and the read-write token (a stage open to all users is
// the one move a token may make, spec §3.5); read-only, asset-scoped and
// dev-branch tokens and the member without a role are refused. The move's
// other refusals (restricted stages, publish requests by tokens, answers
// by non-approvers) are scenario tests in entry_workflow_test.go.
//
// Assignments are the caller's own: every user, no token (authtoken-only
// per spec §3.5); the outsider gets an empty list.
func init() {
	moreMatrixSeeds = append(moreMatrixSeeds, seedEntryWorkflowMatrix)
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"POST /v3/content_types/{content_type_uid}/entries/{entry_uid}/workflow", "/v3/content_types/article/entries/{wf_entry}/workflow", nil,
			map[string]any{"workflow": map[string]any{"workflow_stage": map[string]any{"uid": "open_b", "comment": "matrix"}}},
			"200 200 200 200 200 403 412 200 403 403 403 401 401 401 401 401"},
		matrixRow{"GET /v3/user/assignments", "/v3/user/assignments", nil, nil,
			"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
	)
}

// seedEntryWorkflowMatrix adds a content type article with an entry
// (wf_entry) and an enabled workflow for it whose two stages are open to
// all users. It does not use blog, which matrix_workflow_test.go gives a
// workflow with a restricted stage.
func seedEntryWorkflowMatrix(t *testing.T, e *apitest.Env) {
	h := hdr("owner", "api_key")
	mustCreate(t, e, "/v3/content_types", h, map[string]any{"content_type": map[string]any{"title": "Article", "uid": "article",
		"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true}}}}, "content_type")
	e.Vars["wf_entry"] = mustCreate(t, e, "/v3/content_types/article/entries", h, map[string]any{"entry": map[string]any{"title": "Moved"}}, "entry")
	mustCreate(t, e, "/v3/workflows", h, workflowBody("Open", []any{"article"},
		stageBody("open_a", "Open A", nil, nil, nil), stageBody("open_b", "Open B", nil, nil, nil)), "workflow")
}
