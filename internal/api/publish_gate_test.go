package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/domain"
)

func requestBody(rule, action string, status int) map[string]any {
	return map[string]any{"workflow": map[string]any{"publishing_rule": map[string]any{
		"uid": "{" + rule + "}", "action": action, "status": status, "comment": "c", "notify": false}}}
}

// gate runs the publish-rule gate as the principal whose headers are h on
// one item of blog's entry in en-us, and checks its answer: allowed when
// field is "", otherwise a 422 naming field.
func gate(t *testing.T, e *apitest.Env, h map[string]string, env, action, field string) {
	t.Helper()
	headers := map[string]string{}
	for k, v := range h {
		headers[k] = e.Expand(v)
	}
	err := api.CheckPublishRules(apitest.Deps(e), headers, []api.GateItem{
		{ContentType: "blog", EntryUID: e.Vars["entry"], Locale: "en-us", Environment: env, Action: action},
		{ContentType: "page", EntryUID: e.Vars["page_entry"], Locale: "en-us", Environment: env, Action: action},
	})
	if field == "" {
		if err != nil {
			t.Fatalf("gate refused %s to %s: %v", action, env, err)
		}
		return
	}
	de, ok := domain.AsError(err)
	if !ok || de.Kind != domain.KindInvalid || de.Code != domain.CodeValidation || de.Fields[field] == nil {
		t.Fatalf("gate answered %v for %s to %s; want a 422 on %s", err, action, env, field)
	}
}

// TestPublishRequestFlow is the story of a content manager, an approver
// (the admin) and a management token: the token moves the entry through
// open stages but not into a restricted one, may not set approvers nor
// request, accept or reject publishing; the content manager requests, the
// admin accepts, and the publish gate lets the publish through, until the
// entry changes.
func TestPublishRequestFlow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		entryWorkflowEnv(t, e)
		cm, admin, owner, mt := hdr("cm", "api_key"), hdr("admin", "api_key"), hdr("owner", "api_key"), tokenHdr("mt")
		rule := func(env, stage string, actions []any, approvers map[string]any) map[string]any {
			return map[string]any{"publishing_rule": map[string]any{"workflow": "{wf}", "workflow_stage": stage, "environment": env,
				"actions": actions, "content_types": []any{"blog"}, "locales": []any{"en-us"}, "approvers": approvers}}
		}
		byAdmins := map[string]any{"users": []any{}, "roles": []any{"{admin_role}"}}
		e.Run(t, []apitest.Scenario{
			{Name: "token moves through an open stage", Method: "POST", Path: entryWF, Headers: mt, Body: moveTo("review", nil), WantStatus: 200},
		})
		runRefused(t, e, []apitest.Scenario{
			{Name: "token refused a restricted stage", Method: "POST", Path: entryWF, Headers: mt, Body: moveTo("legal", nil), WantStatus: 403, WantCode: 162},
			{Name: "token may not set approvers", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: mt,
				Body: rule("production", "review", []any{"publish"}, byAdmins), WantStatus: 403, WantCode: 162},
		})
		e.Vars["rule"] = mustCreate(t, e, "/v3/workflows/publishing_rules", owner, rule("production", "review", []any{"publish"}, byAdmins), "publishing_rule")
		e.Vars["open_rule"] = mustCreate(t, e, "/v3/workflows/publishing_rules", mt,
			rule("staging", "review", []any{"publish"}, map[string]any{"users": []any{}, "roles": []any{}}), "publishing_rule")

		gate(t, e, cm, "production", "publish", "publishing_rule")
		gate(t, e, mt, "production", "publish", "publishing_rule")
		gate(t, e, cm, "staging", "publish", "") // in the rule's stage, no approvers
		gate(t, e, cm, "production", "unpublish", "")
		runRefused(t, e, []apitest.Scenario{
			{Name: "token may not request", Method: "POST", Path: entryWF, Headers: mt, Body: requestBody("rule", "publish", 0), WantStatus: 403, WantCode: 162},
			{Name: "token may not accept", Method: "POST", Path: entryWF, Headers: mt, Body: requestBody("rule", "publish", 1), WantStatus: 403, WantCode: 162},
			{Name: "content manager may not accept", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 1), WantStatus: 403, WantCode: 162},
			{Name: "nothing to accept yet", Method: "POST", Path: entryWF, Headers: admin, Body: requestBody("rule", "publish", 1), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"publishing_rule.status": []any{"there is no pending request to publish this entry."}}}},
			{Name: "the rule does not govern unpublishing", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "unpublish", 0), WantStatus: 422},
			{Name: "the rule names no approvers", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("open_rule", "publish", 0), WantStatus: 422},
			{Name: "unknown rule", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("nope", "publish", 0), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"publishing_rule.uid": []any{"is not valid."}}}},
			{Name: "status 2", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 2), WantStatus: 422},
			{Name: "action both", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "both", 0), WantStatus: 422},
			{Name: "member without a role", Method: "POST", Path: entryWF, Headers: hdr("norole", "api_key"), Body: requestBody("rule", "publish", 0),
				WantStatus: 403, WantCode: 162},
		})
		e.Run(t, []apitest.Scenario{
			{Name: "content manager requests", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 0), WantStatus: 200,
				WantJSON: map[string]any{"notice": "You have sent an approval request to publish the entry on production environment."}},
		})
		gate(t, e, cm, "production", "publish", "publishing_rule") // requested, not accepted
		runRefused(t, e, []apitest.Scenario{
			{Name: "token may not reject", Method: "POST", Path: entryWF, Headers: mt, Body: requestBody("rule", "publish", -1), WantStatus: 403, WantCode: 162},
			{Name: "developer is no approver", Method: "POST", Path: entryWF, Headers: hdr("dev", "api_key"), Body: requestBody("rule", "publish", 1),
				WantStatus: 403, WantCode: 162},
		})
		e.Run(t, []apitest.Scenario{
			{Name: "admin accepts", Method: "POST", Path: entryWF, Headers: admin, Body: requestBody("rule", "publish", 1), WantStatus: 200,
				WantJSON: map[string]any{"notice": "You have accepted the request to publish entry on production environment."}},
			{Name: "nothing left to request", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 0), WantStatus: 422},
		})
		gate(t, e, cm, "production", "publish", "")
		gate(t, e, mt, "production", "publish", "") // the approval is the entry's, whoever publishes

		e.Run(t, []apitest.Scenario{
			{Name: "the entry changes", Method: "PUT", Path: "/v3/content_types/blog/entries/{entry}", Headers: cm,
				Body: map[string]any{"entry": map[string]any{"title": "Hello again"}}, WantStatus: 200},
		})
		gate(t, e, cm, "production", "publish", "publishing_rule") // accepted for version 1 only
		gate(t, e, admin, "production", "publish", "")             // an approver publishes without a request
		gate(t, e, owner, "production", "publish", "")             // so does the stack's owner
		e.Run(t, []apitest.Scenario{
			{Name: "approvers may no longer publish themselves", Method: "PUT", Path: "/v3/workflows/publishing_rules/{rule}", Headers: owner,
				Body: map[string]any{"publishing_rule": map[string]any{"disable_approver_publishing": true}}, WantStatus: 200},
		})
		gate(t, e, admin, "production", "publish", "publishing_rule")
		e.Run(t, []apitest.Scenario{
			{Name: "request again", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 0), WantStatus: 200},
			{Name: "admin rejects", Method: "POST", Path: entryWF, Headers: admin, Body: requestBody("rule", "publish", -1), WantStatus: 200,
				WantJSON: map[string]any{"notice": "You have rejected the request to publish entry on production environment."}},
		})
		gate(t, e, cm, "production", "publish", "publishing_rule")
		e.Run(t, []apitest.Scenario{
			{Name: "request a third time", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 0), WantStatus: 200},
			{Name: "the owner, not named, accepts", Method: "POST", Path: entryWF, Headers: owner, Body: requestBody("rule", "publish", 1), WantStatus: 200},
		})
		gate(t, e, cm, "production", "publish", "")

		e.Run(t, []apitest.Scenario{
			{Name: "back to draft", Method: "POST", Path: entryWF, Headers: owner, Body: moveTo("draft", nil), WantStatus: 200},
		})
		gate(t, e, cm, "production", "publish", "workflow_stage")
		gate(t, e, admin, "production", "publish", "workflow_stage")
		gate(t, e, cm, "staging", "publish", "workflow_stage")
		runRefused(t, e, []apitest.Scenario{
			{Name: "no request outside the rule's stage", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("rule", "publish", 0), WantStatus: 422},
		})

		e.Vars["unpublish_rule"] = mustCreate(t, e, "/v3/workflows/publishing_rules", owner,
			rule("production", "draft", []any{"unpublish"}, map[string]any{"users": []any{"{dev_uid}"}, "roles": []any{}}), "publishing_rule")
		gate(t, e, cm, "production", "unpublish", "publishing_rule")
		e.Run(t, []apitest.Scenario{
			{Name: "request unpublishing", Method: "POST", Path: entryWF, Headers: cm, Body: requestBody("unpublish_rule", "unpublish", 0), WantStatus: 200,
				WantJSON: map[string]any{"notice": "You have sent an approval request to unpublish the entry on production environment."}},
			{Name: "developer accepts", Method: "POST", Path: entryWF, Headers: hdr("dev", "api_key"), Body: requestBody("unpublish_rule", "unpublish", 1),
				WantStatus: 200, WantJSON: map[string]any{"notice": "You have accepted the request to unpublish entry on production environment."}},
		})
		gate(t, e, cm, "production", "unpublish", "")

		e.Run(t, []apitest.Scenario{
			{Name: "disable the workflow", Method: "GET", Path: "/v3/workflows/{wf}/disable", Headers: owner, WantStatus: 200},
		})
		gate(t, e, cm, "production", "publish", "") // rules of a disabled workflow bind nothing
	})
}
