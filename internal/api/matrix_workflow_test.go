package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// Workflow and publish-rule rows of the permission matrix, written by hand:
// owner, admin and developer manage (spec §5.1); content managers read
// (they need the rules to work on entries); the custom role has no
// workflow rule and norole no role, so both are refused; read-write tokens
// manage and read-only tokens read (spec §3.5); the asset-scoped and the
// dev-branch tokens are refused; enable and disable are GETs that write,
// so read-only tokens and content managers are refused there.
//
// The rows' publish-rule bodies name no approvers: a management token's
// refusal of rules with approvers is checked in publish_rules_test.go.
func init() {
	const (
		read   = "200 200 200 200 403 403 412 200 200 403 403 401 401 401 401 401"
		create = "201 201 201 403 403 403 412 201 403 403 403 401 401 401 401 401"
		write  = "200 200 200 403 403 403 412 200 403 403 403 401 401 401 401 401"
	)
	rule := map[string]any{"publishing_rule": map[string]any{"workflow": "{matrix_wf}", "workflow_stage": "review", "environment": "development"}}
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"GET /v3/workflows", "/v3/workflows", nil, nil, read},
		matrixRow{"POST /v3/workflows", "/v3/workflows", nil, workflowBody("New", []any{"page"}, twoStages()...), create},
		matrixRow{"GET /v3/workflows/{workflow_uid}", "/v3/workflows/{matrix_wf}", nil, nil, read},
		matrixRow{"PUT /v3/workflows/{workflow_uid}", "/v3/workflows/{matrix_wf}", nil, map[string]any{"workflow": map[string]any{"description": "d"}}, write},
		matrixRow{"DELETE /v3/workflows/{workflow_uid}", "/v3/workflows/{matrix_wf}", nil, nil, write},
		matrixRow{"GET /v3/workflows/{workflow_uid}/enable", "/v3/workflows/{matrix_wf_off}/enable", nil, nil, write},
		matrixRow{"GET /v3/workflows/{workflow_uid}/disable", "/v3/workflows/{matrix_wf}/disable", nil, nil, write},

		matrixRow{"GET /v3/workflows/publishing_rules", "/v3/workflows/publishing_rules", nil, nil, read},
		matrixRow{"POST /v3/workflows/publishing_rules", "/v3/workflows/publishing_rules", nil, rule, create},
		matrixRow{"GET /v3/workflows/publishing_rules/{rule_uid}", "/v3/workflows/publishing_rules/{matrix_rule}", nil, nil, read},
		matrixRow{"PUT /v3/workflows/publishing_rules/{rule_uid}", "/v3/workflows/publishing_rules/{matrix_rule}", nil,
			map[string]any{"publishing_rule": map[string]any{"locales": []any{"en-us"}}}, write},
		matrixRow{"DELETE /v3/workflows/publishing_rules/{rule_uid}", "/v3/workflows/publishing_rules/{matrix_rule}", nil, nil, write},
		matrixRow{"GET /v3/workflows/content_type/{content_type_uid}", "/v3/workflows/content_type/blog?action=publish", nil, nil, read},
	)
	moreMatrixSeeds = append(moreMatrixSeeds, seedWorkflowMatrix)
}

// seedWorkflowMatrix adds an enabled workflow for blog (matrix_wf), a
// disabled one for news (matrix_wf_off) and a rule without approvers
// (matrix_rule).
func seedWorkflowMatrix(t *testing.T, e *apitest.Env) {
	h := hdr("owner", "api_key")
	e.Vars["matrix_wf"] = mustCreate(t, e, "/v3/workflows", h, workflowBody("Matrix", []any{"blog"}, twoStages()...), "workflow")
	off := workflowBody("Matrix off", []any{"news"}, twoStages()...)
	off["workflow"].(map[string]any)["enabled"] = false
	e.Vars["matrix_wf_off"] = mustCreate(t, e, "/v3/workflows", h, off, "workflow")
	e.Vars["matrix_rule"] = mustCreate(t, e, "/v3/workflows/publishing_rules", h, map[string]any{"publishing_rule": map[string]any{
		"workflow": "{matrix_wf}", "workflow_stage": "review", "environment": "development", "locales": []any{"en-us", "fr-fr"}}}, "publishing_rule")
}
