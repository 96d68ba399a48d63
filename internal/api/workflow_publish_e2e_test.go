package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// TestApprovalToDeliveryEndToEnd is the whole story through the public
// routes: a management token moves an entry through an open stage and is
// refused a restricted one and the approver's part; the content manager's
// publish is refused until the admin accepts their request; then the
// entry is published and the CDA serves it.
func TestApprovalToDeliveryEndToEnd(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		entryWorkflowEnv(t, e)
		cm, admin, owner, mt := hdr("cm", "api_key"), hdr("admin", "api_key"), hdr("owner", "api_key"), tokenHdr("mt")
		status, body := e.Do("POST", "/v3/stacks/delivery_tokens", owner, map[string]any{"token": map[string]any{"name": "site", "scope": []any{
			map[string]any{"module": "environment", "environments": []any{"production"}, "acl": map[string]any{"read": true}}, branches("main")}}})
		if status != 201 {
			t.Fatalf("delivery token: %d %v", status, body)
		}
		e.Vars["site"] = body["token"].(map[string]any)["token"].(string)
		rule := map[string]any{"publishing_rule": map[string]any{"workflow": "{wf}", "workflow_stage": "review", "environment": "production",
			"actions": []any{"publish"}, "content_types": []any{"blog"}, "locales": []any{"en-us"},
			"approvers": map[string]any{"users": []any{}, "roles": []any{"{admin_role}"}}}}
		publish := map[string]any{"entry": map[string]any{"environments": []any{"production"}, "locales": []any{"en-us"}}, "locale": "en-us"}
		const publishPath = "/v3/content_types/blog/entries/{entry}/publish"

		e.Run(t, []apitest.Scenario{
			{Name: "token moves the entry into review", Method: "POST", Path: entryWF, Headers: mt, Body: moveTo("review", nil), WantStatus: 200,
				WantJSON: map[string]any{"notice": "Workflow stage updated successfully."}},
		})
		runRefused(t, e, []apitest.Scenario{
			{Name: "token refused the restricted stage", Method: "POST", Path: entryWF, Headers: mt, Body: moveTo("legal", nil), WantStatus: 403, WantCode: 162},
			{Name: "token may not set approvers", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: mt, Body: rule, WantStatus: 403, WantCode: 162},
		})
		e.Vars["rule"] = mustCreate(t, e, "/v3/workflows/publishing_rules", owner, rule, "publishing_rule")
		runRefused(t, e, []apitest.Scenario{
			{Name: "publish before approval", Method: "POST", Path: publishPath, Headers: cm, Body: publish, WantStatus: 422},
			{Name: "token may not request", Method: "POST", Path: entryWF, Headers: mt, Body: requestBody("rule", "publish", 0), WantStatus: 403, WantCode: 162},
		})
		if status, body := cdaGet(e, "site", "/v3/content_types/blog/entries?environment=production"); status != 200 || len(cdaTitles(t, body, "entries")) != 0 {
			t.Fatalf("before publishing the CDA shows: %d %v", status, body)
		}
		e.Run(t, []apitest.Scenario{
			{Name: "content manager requests publishing", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 0), WantStatus: 200},
		})
		runRefused(t, e, []apitest.Scenario{
			{Name: "token may not approve", Method: "POST", Path: entryWF, Headers: mt, Body: requestBody("rule", "publish", 1), WantStatus: 403, WantCode: 162},
			{Name: "still refused while pending", Method: "POST", Path: publishPath, Headers: cm, Body: publish, WantStatus: 422},
		})
		e.Run(t, []apitest.Scenario{
			{Name: "admin approves", Method: "POST", Path: entryWF, Headers: admin, Body: requestBody("rule", "publish", 1), WantStatus: 200},
			{Name: "content manager publishes", Method: "POST", Path: publishPath, Headers: cm, Body: publish, WantStatus: 200,
				WantJSON: map[string]any{"notice": "The requested action has been performed."}},
		})
		status, body = cdaGet(e, "site", "/v3/content_types/blog/entries?environment=production&include_count=true")
		if got := cdaTitles(t, body, "entries"); status != 200 || len(got) != 1 || got[0] != "Hello" {
			t.Fatalf("after approval and publishing the CDA shows: %d %v", status, body)
		}
	})
}
