package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

func ruleBody(fields map[string]any) map[string]any {
	r := map[string]any{"workflow": "{wf}", "workflow_stage": "review", "environment": "development"}
	for k, v := range fields {
		if v == nil {
			delete(r, k)
			continue
		}
		r[k] = v
	}
	return map[string]any{"publishing_rule": r}
}

// ruleEnv adds to workflowEnv an environment "production" (Vars: prod_uid)
// and a rule for blog in en-us, publish only, to development, approved by
// the developer or the Developer role (Vars: rule).
func ruleEnv(t *testing.T, e *apitest.Env) {
	t.Helper()
	workflowEnv(t, e)
	e.Vars["prod_uid"] = mustCreate(t, e, "/v3/environments", hdr("owner", "api_key"),
		map[string]any{"environment": map[string]any{"name": "production"}}, "environment")
	e.Vars["rule"] = mustCreate(t, e, "/v3/workflows/publishing_rules", hdr("owner", "api_key"), ruleBody(map[string]any{
		"content_types": []any{"blog"}, "locales": []any{"en-us"}, "actions": []any{"publish"},
		"approvers": map[string]any{"users": []any{"{dev_uid}"}, "roles": []any{"{dev_role}"}}}), "publishing_rule")
	e.Clock.Advance(time.Second) // later rules list after the seeded one
}

func TestPublishRuleScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		ruleEnv(t, e)
		dev := hdr("dev", "api_key")
		post := func(name string, fields map[string]any, field, msg string) apitest.Scenario {
			return apitest.Scenario{Name: name, Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: dev, Body: ruleBody(fields),
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{field: []any{msg}}}}
		}
		e.Run(t, []apitest.Scenario{
			{Name: "get the seeded rule", Method: "GET", Path: "/v3/workflows/publishing_rules/{rule}", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"publishing_rule": map[string]any{"uid": "{rule}", "workflow": "{wf}", "workflow_stage": "review",
					"environment": "{env_uid}", "actions": []any{"publish"}, "branches": []any{"main"}, "content_types": []any{"blog"},
					"locales": []any{"en-us"}, "approvers": map[string]any{"users": []any{"{dev_uid}"}, "roles": []any{"{dev_role}"}},
					"disable_approver_publishing": false, "created_by": "{owner_uid}"}}},
			{Name: "create with defaults, environment by uid", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: dev,
				Body: ruleBody(map[string]any{"environment": "{prod_uid}", "disable_approver_publishing": true}), WantStatus: 201,
				WantJSON: map[string]any{"notice": "Publish rule created successfully.", "publishing_rule": map[string]any{
					"environment": "{prod_uid}", "actions": []any{"publish", "unpublish"}, "content_types": []any{"$all"}, "locales": []any{"$all"},
					"branches": []any{"main"}, "approvers": map[string]any{"users": []any{}, "roles": []any{}},
					"disable_approver_publishing": true, "created_by": "{dev_uid}"}}},
			{Name: "content manager may not create", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: hdr("cm", "api_key"),
				Body: ruleBody(nil), WantStatus: 403, WantCode: 162},
			post("unknown workflow", map[string]any{"workflow": "bltffffffffffffffff"}, "workflow", "is not valid."),
			post("no workflow", map[string]any{"workflow": nil}, "workflow", "is required."),
			post("stage of no workflow", map[string]any{"workflow_stage": "elsewhere"}, "workflow_stage", `"elsewhere" is not a stage of the workflow {wf}.`),
			post("no stage", map[string]any{"workflow_stage": nil}, "workflow_stage", "is required."),
			post("unknown environment", map[string]any{"environment": "staging"}, "environment", "is not valid."),
			post("approver not a member", map[string]any{"approvers": map[string]any{"users": []any{"{outsider_uid}"}}},
				"approvers.users", `"{outsider_uid}" is not a member of this stack.`),
			post("approver role unknown", map[string]any{"approvers": map[string]any{"roles": []any{"bltffffffffffffffff"}}},
				"approvers.roles", `"bltffffffffffffffff" is not a role of this stack.`),
			post("unknown action", map[string]any{"actions": []any{"publish", "delete"}}, "actions", `"delete" is not an action; use publish or unpublish.`),
			post("bad locale", map[string]any{"locales": []any{"English"}}, "locales", `"English" is not a valid locale code.`),
			post("bad content type", map[string]any{"content_types": []any{"Blog"}}, "content_types", `"Blog" is not a valid content type uid.`),
			post("bad branch", map[string]any{"branches": []any{"a/b"}}, "branches", `"a/b" is not a valid branch uid.`),
			{Name: "refused creates wrote nothing", Method: "GET", Path: "/v3/workflows/publishing_rules?include_count=true", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"count": 2}},
			{Name: "list for blog", Method: "GET", Path: "/v3/workflows/publishing_rules?content_types=blog", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": []any{map[string]any{"uid": "{rule}"}, map[string]any{"environment": "{prod_uid}"}}}},
			{Name: "list for page and faq", Method: "GET", Path: "/v3/workflows/publishing_rules?content_types=page,faq&include_count=true", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"count": 1, "publishing_rules": []any{map[string]any{"environment": "{prod_uid}"}}}},

			{Name: "rules for blog, en-us, publish to development", Method: "GET",
				Path: "/v3/workflows/content_type/blog?action=publish&locale=en-us&environment=development", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": []any{map[string]any{"uid": "{rule}"}}}},
			{Name: "rules for unpublishing blog", Method: "GET", Path: "/v3/workflows/content_type/blog?action=unpublish", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": []any{map[string]any{"environment": "{prod_uid}"}}}},
			{Name: "rules for blog in fr-fr to development", Method: "GET",
				Path: "/v3/workflows/content_type/blog?locale=fr-fr&environment={env_uid}&include_count=true", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": []any{}, "count": 0}},
			{Name: "unknown action", Method: "GET", Path: "/v3/workflows/content_type/blog?action=both", Headers: dev, WantStatus: 422},
			{Name: "unknown environment", Method: "GET", Path: "/v3/workflows/content_type/blog?environment=staging", Headers: dev, WantStatus: 422},
			{Name: "bad content type", Method: "GET", Path: "/v3/workflows/content_type/Blog", Headers: dev, WantStatus: 422},

			{Name: "update", Method: "PUT", Path: "/v3/workflows/publishing_rules/{rule}", Headers: dev,
				Body: map[string]any{"publishing_rule": map[string]any{"locales": []any{"en-us", "fr-fr"}, "environment": "production"}}, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Publish rule updated successfully.", "publishing_rule": map[string]any{
					"locales": []any{"en-us", "fr-fr"}, "environment": "{prod_uid}", "actions": []any{"publish"}, "updated_by": "{dev_uid}"}}},
			{Name: "update to a stage of no workflow", Method: "PUT", Path: "/v3/workflows/publishing_rules/{rule}", Headers: dev,
				Body: map[string]any{"publishing_rule": map[string]any{"workflow_stage": "nowhere", "locales": []any{"de-de"}}}, WantStatus: 422},
			{Name: "update unknown", Method: "PUT", Path: "/v3/workflows/publishing_rules/bltffffffffffffffff", Headers: dev,
				Body: ruleBody(nil), WantStatus: 422},
			{Name: "refused update changed nothing", Method: "GET", Path: "/v3/workflows/publishing_rules/{rule}", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rule": map[string]any{"workflow_stage": "review", "locales": []any{"en-us", "fr-fr"}}}},
			{Name: "the workflow may not drop a stage a rule uses", Method: "PUT", Path: "/v3/workflows/{wf}", Headers: dev,
				Body: map[string]any{"workflow": map[string]any{"workflow_stages": []any{
					stageBody("draft", "Draft", nil, nil, nil), stageBody("", "Approved", nil, nil, nil)}}},
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"workflow_stages": []any{
					"the stage review is used by the publish rule {rule}; change or delete the rule first."}}}},
			{Name: "disable the workflow", Method: "GET", Path: "/v3/workflows/{wf}/disable", Headers: dev, WantStatus: 200},
			{Name: "rules of a disabled workflow do not apply", Method: "GET", Path: "/v3/workflows/content_type/blog", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": []any{}}},
			{Name: "but are still listed", Method: "GET", Path: "/v3/workflows/publishing_rules?count=true", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": 2}},
			{Name: "content manager may not delete", Method: "DELETE", Path: "/v3/workflows/publishing_rules/{rule}", Headers: hdr("cm", "api_key"),
				WantStatus: 403, WantCode: 162},
			{Name: "delete", Method: "DELETE", Path: "/v3/workflows/publishing_rules/{rule}", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Publish rule deleted successfully."}},
			{Name: "deleted", Method: "GET", Path: "/v3/workflows/publishing_rules/{rule}", Headers: dev, WantStatus: 422},
			{Name: "delete the workflow with its last rule", Method: "DELETE", Path: "/v3/workflows/{wf}", Headers: dev, WantStatus: 200},
			{Name: "its rules went with it", Method: "GET", Path: "/v3/workflows/publishing_rules?count=true", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": 0}},
		})
	})
}

func TestPublishRuleLimit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		workflowEnv(t, e)
		for i := 0; i < 100; i++ {
			mustCreate(t, e, "/v3/workflows/publishing_rules", hdr("owner", "api_key"), ruleBody(nil), "publishing_rule")
		}
		e.Run(t, []apitest.Scenario{
			{Name: "101st rule", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: hdr("owner", "api_key"),
				Body: ruleBody(nil), WantStatus: 422,
				WantJSON: map[string]any{"error_message": "A stack can have at most 100 publish rules; delete one first."}},
			{Name: "still 100", Method: "GET", Path: "/v3/workflows/publishing_rules?count=true", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": 100}},
		})
	})
}

// refusedUnchanged sends a request that must be refused with status and
// error code 162 and checks that the database did not change.
func refusedUnchanged(t *testing.T, e *apitest.Env, name, method, path string, h map[string]string, body any) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		before, err := e.Store.Fingerprint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		status, out := e.Do(method, path, h, body)
		if status != 403 {
			t.Fatalf("%s %s: %d %v; want 403", method, path, status, out)
		}
		apitest.CheckError(t, out, 162)
		after, err := e.Store.Fingerprint(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("%s %s was refused but changed the database", method, path)
		}
	})
}

// TestPublishRuleTokenException: a management token manages publish rules,
// but not rules naming approvers (spec §3.5); authtoken users may, within
// their role.
func TestPublishRuleTokenException(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		ruleEnv(t, e)
		var tokUID string
		tokUID, e.Vars["rw"] = createToken(t, e, []any{rw("$all"), branches("main")}, nil)
		e.Vars["rw_uid"] = tokUID
		tok := mt("{rw}", "api_key")
		e.Vars["plain"] = mustCreate(t, e, "/v3/workflows/publishing_rules", tok, ruleBody(nil), "publishing_rule")
		e.Run(t, []apitest.Scenario{
			{Name: "token reads a rule with approvers", Method: "GET", Path: "/v3/workflows/publishing_rules/{rule}", Headers: tok, WantStatus: 200},
			{Name: "token's rule without approvers", Method: "GET", Path: "/v3/workflows/publishing_rules/{plain}", Headers: tok, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rule": map[string]any{"created_by": "{rw_uid}", "approvers": map[string]any{"users": []any{}, "roles": []any{}}}}},
			{Name: "token creates with empty approvers", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: tok,
				Body: ruleBody(map[string]any{"approvers": map[string]any{"users": []any{}, "roles": []any{}}}), WantStatus: 201},
			{Name: "token updates its rule without approvers", Method: "PUT", Path: "/v3/workflows/publishing_rules/{plain}", Headers: tok,
				Body: map[string]any{"publishing_rule": map[string]any{"locales": []any{"en-us"}}}, WantStatus: 200},
		})
		withUser := ruleBody(map[string]any{"approvers": map[string]any{"users": []any{"{dev_uid}"}}})
		withRole := ruleBody(map[string]any{"approvers": map[string]any{"users": []any{}, "roles": []any{"{dev_role}"}}})
		refusedUnchanged(t, e, "create naming a user", "POST", "/v3/workflows/publishing_rules", tok, withUser)
		refusedUnchanged(t, e, "create naming a role", "POST", "/v3/workflows/publishing_rules", tok, withRole)
		refusedUnchanged(t, e, "create naming an unknown user", "POST", "/v3/workflows/publishing_rules", tok,
			ruleBody(map[string]any{"approvers": map[string]any{"users": []any{"bltffffffffffffffff"}}}))
		refusedUnchanged(t, e, "add approvers to its own rule", "PUT", "/v3/workflows/publishing_rules/{plain}", tok, withRole)
		refusedUnchanged(t, e, "change a rule with approvers", "PUT", "/v3/workflows/publishing_rules/{rule}", tok,
			map[string]any{"publishing_rule": map[string]any{"locales": []any{"fr-fr"}}})
		refusedUnchanged(t, e, "clear a rule's approvers", "PUT", "/v3/workflows/publishing_rules/{rule}", tok,
			map[string]any{"publishing_rule": map[string]any{"approvers": map[string]any{"users": []any{}, "roles": []any{}}}})
		refusedUnchanged(t, e, "delete a rule with approvers", "DELETE", "/v3/workflows/publishing_rules/{rule}", tok, nil)
		e.Run(t, []apitest.Scenario{
			{Name: "the token's rule is unchanged", Method: "GET", Path: "/v3/workflows/publishing_rules/{plain}", Headers: tok, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rule": map[string]any{"locales": []any{"en-us"}, "approvers": map[string]any{"users": []any{}, "roles": []any{}}}}},
			{Name: "the approval rule is unchanged", Method: "GET", Path: "/v3/workflows/publishing_rules/{rule}", Headers: tok, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rule": map[string]any{"locales": []any{"en-us"},
					"approvers": map[string]any{"users": []any{"{dev_uid}"}, "roles": []any{"{dev_role}"}}}}},
			{Name: "developer adds approvers to the token's rule", Method: "PUT", Path: "/v3/workflows/publishing_rules/{plain}", Headers: hdr("dev", "api_key"),
				Body: withRole, WantStatus: 200, WantJSON: map[string]any{"publishing_rule": map[string]any{"approvers": map[string]any{"roles": []any{"{dev_role}"}}}}},
			{Name: "developer creates a rule naming a user", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: hdr("dev", "api_key"),
				Body: withUser, WantStatus: 201},
			{Name: "content manager may not, approvers or not", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: hdr("cm", "api_key"),
				Body: withUser, WantStatus: 403, WantCode: 162},
			{Name: "admin deletes the approval rule", Method: "DELETE", Path: "/v3/workflows/publishing_rules/{rule}", Headers: hdr("admin", "api_key"), WantStatus: 200},
		})
	})
}
