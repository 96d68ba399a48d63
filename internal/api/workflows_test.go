package api_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// stageBody builds a workflow stage; users and roles nil leave SYS_ACL out
// (open to all users).
func stageBody(uid, name string, next []any, users, roles []any) map[string]any {
	s := map[string]any{"name": name, "color": "#2196f3", "entry_lock": "$none"}
	if uid != "" {
		s["uid"] = uid
	}
	if next != nil {
		s["next_available_stages"] = next
	}
	if users != nil || roles != nil {
		s["SYS_ACL"] = map[string]any{"users": map[string]any{"uids": users}, "roles": map[string]any{"uids": roles}, "others": map[string]any{}}
	}
	return s
}

func workflowBody(name string, cts []any, stages ...map[string]any) map[string]any {
	list := make([]any, len(stages))
	for i, s := range stages {
		list[i] = s
	}
	return map[string]any{"workflow": map[string]any{"name": name, "content_types": cts, "branches": []any{"main"},
		"admin_users": map[string]any{"users": []any{}, "roles": []any{}}, "workflow_stages": list}}
}

// twoStages is a valid pair of stages with uids chosen by the client.
func twoStages() []map[string]any {
	return []map[string]any{
		stageBody("draft", "Draft", []any{"review"}, []any{"$all"}, []any{}),
		stageBody("review", "Review", []any{"$all"}, []any{}, []any{"{dev_role}"}),
	}
}

// editWorkflow returns a valid workflow body for content type ct with
// edit applied to its inner object.
func editWorkflow(ct string, edit func(w map[string]any)) map[string]any {
	b := workflowBody("Edited", []any{ct}, twoStages()...)
	edit(b["workflow"].(map[string]any))
	return b
}

func stageAt(w map[string]any, i int) map[string]any {
	return w["workflow_stages"].([]any)[i].(map[string]any)
}

// workflowEnv seeds stackEnv, an environment "development" and a workflow
// "Blog review" for blog (Vars: wf, env_uid).
func workflowEnv(t *testing.T, e *apitest.Env) {
	t.Helper()
	stackEnv(t, e)
	owner, err := e.Store.UserByEmail(context.Background(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	e.Vars["owner_uid"] = owner.UID
	e.Vars["env_uid"] = mustCreate(t, e, "/v3/environments", hdr("owner", "api_key"),
		map[string]any{"environment": map[string]any{"name": "development"}}, "environment")
	e.Vars["wf"] = mustCreate(t, e, "/v3/workflows", hdr("owner", "api_key"), workflowBody("Blog review", []any{"blog"}, twoStages()...), "workflow")
}

func TestWorkflowScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		workflowEnv(t, e)
		dev := hdr("dev", "api_key")
		e.Run(t, []apitest.Scenario{
			{Name: "create as developer", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body:       workflowBody("Pages", []any{"page", "faq"}, stageBody("", "Draft", nil, nil, nil), stageBody("", "Done", []any{}, []any{"{cm_uid}"}, []any{})),
				WantStatus: 201, WantJSON: map[string]any{"notice": "Workflow created successfully.", "workflow": map[string]any{
					"name": "Pages", "enabled": true, "branches": []any{"main"}, "content_types": []any{"page", "faq"}, "created_by": "{dev_uid}",
					"admin_users": map[string]any{"users": []any{}, "roles": []any{}},
					"workflow_stages": []any{
						map[string]any{"name": "Draft", "next_available_stages": []any{"$all"}, "allStages": true, "specificStages": false,
							"allUsers": true, "specificUsers": false, "entry_lock": "$none",
							"SYS_ACL": map[string]any{"users": map[string]any{"uids": []any{"$all"}}, "roles": map[string]any{"uids": []any{}}, "others": map[string]any{}}},
						map[string]any{"name": "Done", "next_available_stages": []any{}, "allStages": false, "specificStages": true,
							"allUsers": false, "specificUsers": true},
					}}}},
			{Name: "content manager reads", Method: "GET", Path: "/v3/workflows/{wf}", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"workflow": map[string]any{"uid": "{wf}", "name": "Blog review", "workflow_stages": []any{
					map[string]any{"uid": "draft", "next_available_stages": []any{"review"}},
					map[string]any{"uid": "review", "SYS_ACL": map[string]any{"roles": map[string]any{"uids": []any{"{dev_role}"}}}},
				}}}},
			{Name: "content manager may not create", Method: "POST", Path: "/v3/workflows", Headers: hdr("cm", "api_key"),
				Body: workflowBody("X", []any{"x"}, twoStages()...), WantStatus: 403, WantCode: 162},
			{Name: "member without role may not read", Method: "GET", Path: "/v3/workflows", Headers: hdr("norole", "api_key"), WantStatus: 403, WantCode: 162},
			{Name: "outsider", Method: "GET", Path: "/v3/workflows", Headers: hdr("outsider", "api_key"), WantStatus: 412, WantCode: 109},
			{Name: "list with count", Method: "GET", Path: "/v3/workflows?include_count=true&asc=name", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"count": 2, "workflows": []any{map[string]any{"name": "Blog review"}, map[string]any{"name": "Pages"}}}},
			{Name: "count only", Method: "GET", Path: "/v3/workflows?count=true", Headers: dev, WantStatus: 200, WantJSON: map[string]any{"workflows": 2}},
			{Name: "unknown workflow", Method: "GET", Path: "/v3/workflows/bltffffffffffffffff", Headers: dev, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"uid": []any{"is not valid."}}}},

			{Name: "no name", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { delete(w, "name") }), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"name": []any{"is required."}}}},
			{Name: "one stage", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body:       editWorkflow("x", func(w map[string]any) { w["workflow_stages"] = w["workflow_stages"].([]any)[:1] }),
				WantStatus: 422, WantJSON: map[string]any{"error_message": "A workflow must have between 2 and 20 stages."}},
			{Name: "21 stages", Method: "POST", Path: "/v3/workflows", Headers: dev, Body: editWorkflow("x", func(w map[string]any) {
				var stages []any
				for i := 0; i < 21; i++ {
					stages = append(stages, stageBody("", fmt.Sprintf("S%d", i), nil, nil, nil))
				}
				w["workflow_stages"] = stages
			}), WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"workflow_stages": []any{"must have 2 to 20 stages."}}}},
			{Name: "no stages", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { delete(w, "workflow_stages") }), WantStatus: 422},
			{Name: "stage without name", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { stageAt(w, 1)["name"] = "" }), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stages.1.name": []any{"is required."}}}},
			{Name: "duplicate stage names", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { stageAt(w, 1)["name"] = "Draft" }), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stages.1.name": []any{`"Draft" is the name of another stage of this workflow.`}}}},
			{Name: "next stage of no stage", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { stageAt(w, 0)["next_available_stages"] = []any{"{wf}"} }), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stages.0.next_available_stages": []any{`"{wf}" is not a stage of this workflow.`}}}},
			{Name: "unknown role in SYS_ACL", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) {
					stageAt(w, 1)["SYS_ACL"].(map[string]any)["roles"] = map[string]any{"uids": []any{"bltffffffffffffffff"}}
				}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stages.1.SYS_ACL.roles.uids": []any{`"bltffffffffffffffff" is not a role of this stack.`}}}},
			{Name: "non-member in SYS_ACL", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) {
					stageAt(w, 0)["SYS_ACL"].(map[string]any)["users"] = map[string]any{"uids": []any{"{outsider_uid}"}}
				}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stages.0.SYS_ACL.users.uids": []any{`"{outsider_uid}" is not a member of this stack.`}}}},
			{Name: "non-member admin user", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) {
					w["admin_users"] = map[string]any{"users": []any{"{outsider_uid}"}}
				}), WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"admin_users.users": []any{`"{outsider_uid}" is not a member of this stack.`}}}},
			{Name: "bad content type uid", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("Blog-Posts", func(map[string]any) {}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"content_types": []any{`"Blog-Posts" is not a valid content type uid.`}}}},
			{Name: "bad branch", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { w["branches"] = []any{"no/such"} }), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"branches": []any{`"no/such" is not a valid branch uid.`}}}},
			{Name: "bad color", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { stageAt(w, 0)["color"] = "red" }), WantStatus: 422},
			{Name: "bad entry lock", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: editWorkflow("x", func(w map[string]any) { stageAt(w, 0)["entry_lock"] = "always" }), WantStatus: 422},
			{Name: "stages of the wrong type", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: `{"workflow":{"name":"X","workflow_stages":{"name":"Draft"}}}`, WantStatus: 422},
			{Name: "not JSON", Method: "POST", Path: "/v3/workflows", Headers: dev, Body: `{"workflow":`, WantStatus: 400},
			{Name: "content type already in an enabled workflow", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: workflowBody("Again", []any{"news", "blog"}, twoStages()...), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"content_types": []any{`"blog" is in the enabled workflow {wf}.`}}}},
			{Name: "$all against an enabled workflow", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: workflowBody("Everything", []any{"$all"}, twoStages()...), WantStatus: 422},
			{Name: "refused creates wrote nothing", Method: "GET", Path: "/v3/workflows?include_count=true", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"count": 2}},

			{Name: "update keeps stage uids by name", Method: "PUT", Path: "/v3/workflows/{wf}", Headers: dev,
				Body: map[string]any{"workflow": map[string]any{"name": "Blog review 2", "workflow_stages": []any{
					stageBody("", "Draft", []any{"review", "publishable"}, nil, nil),
					stageBody("", "Review", []any{"$all"}, nil, nil),
					stageBody("publishable", "Publishable", nil, nil, nil)}}},
				WantStatus: 200, WantJSON: map[string]any{"notice": "Workflow updated successfully.", "workflow": map[string]any{
					"name": "Blog review 2", "content_types": []any{"blog"}, "updated_by": "{dev_uid}", "created_by": "{owner_uid}",
					"workflow_stages": []any{map[string]any{"uid": "draft"}, map[string]any{"uid": "review"}, map[string]any{"uid": "publishable"}}}}},
			{Name: "update with a bad stage list changes nothing", Method: "PUT", Path: "/v3/workflows/{wf}", Headers: dev,
				Body: map[string]any{"workflow": map[string]any{"name": "Lost", "workflow_stages": []any{stageBody("", "Only", nil, nil, nil)}}}, WantStatus: 422},
			{Name: "still the earlier update", Method: "GET", Path: "/v3/workflows/{wf}", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"workflow": map[string]any{"name": "Blog review 2"}}},
			{Name: "update unknown", Method: "PUT", Path: "/v3/workflows/bltffffffffffffffff", Headers: dev,
				Body: map[string]any{"workflow": map[string]any{"name": "X"}}, WantStatus: 422},
			{Name: "content manager may not update", Method: "PUT", Path: "/v3/workflows/{wf}", Headers: hdr("cm", "api_key"),
				Body: map[string]any{"workflow": map[string]any{"name": "X"}}, WantStatus: 403, WantCode: 162},

			{Name: "disable", Method: "GET", Path: "/v3/workflows/{wf}/disable", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Workflow disabled successfully.", "workflow": map[string]any{"enabled": false}}},
			{Name: "a disabled workflow frees its content types", Method: "POST", Path: "/v3/workflows", Headers: dev,
				Body: workflowBody("Blog v2", []any{"blog"}, twoStages()...), WantStatus: 201},
			{Name: "enable conflicts with Blog v2", Method: "GET", Path: "/v3/workflows/{wf}/enable", Headers: dev, WantStatus: 422,
				WantJSON: map[string]any{"error_message": "The content type 'blog' is already part of the enabled workflow 'Blog v2'; a content type can belong to only one enabled workflow."}},
			{Name: "still disabled", Method: "GET", Path: "/v3/workflows/{wf}", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"workflow": map[string]any{"enabled": false}}},
			{Name: "content manager may not enable", Method: "GET", Path: "/v3/workflows/{wf}/enable", Headers: hdr("cm", "api_key"), WantStatus: 403},
			{Name: "enable unknown", Method: "GET", Path: "/v3/workflows/bltffffffffffffffff/enable", Headers: dev, WantStatus: 422},
			{Name: "delete", Method: "DELETE", Path: "/v3/workflows/{wf}", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Workflow deleted successfully."}},
			{Name: "deleted", Method: "GET", Path: "/v3/workflows/{wf}", Headers: dev, WantStatus: 422},
			{Name: "delete again", Method: "DELETE", Path: "/v3/workflows/{wf}", Headers: dev, WantStatus: 422},
		})
		_, logs := e.Do("GET", "/v3/audit-logs", hdr("owner", "api_key"), nil)
		var events []string
		for _, it := range logs["logs"].([]any) {
			if m := it.(map[string]any); m["module"] == "workflow" {
				events = append(events, m["event_type"].(string))
			}
		}
		slices.Sort(events)
		if got := strings.Join(events, " "); got != "create create create delete disable update" {
			t.Errorf("workflow audit events: %q; want one per successful write", got)
		}
	})
}

// TestWorkflowRouteOrdering checks that the static segments after
// /v3/workflows/ win over {workflow_uid}.
func TestWorkflowRouteOrdering(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		workflowEnv(t, e)
		dev := hdr("dev", "api_key")
		e.Run(t, []apitest.Scenario{
			{Name: "publishing_rules is the rule list", Method: "GET", Path: "/v3/workflows/publishing_rules", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": []any{}}},
			{Name: "content_type lists rules", Method: "GET", Path: "/v3/workflows/content_type/blog", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"publishing_rules": []any{}}},
			{Name: "a rule uid called enable", Method: "GET", Path: "/v3/workflows/publishing_rules/enable", Headers: dev, WantStatus: 422,
				WantJSON: map[string]any{"error_message": "The publish rule was not found. Please try again."}},
			{Name: "a content type called enable", Method: "GET", Path: "/v3/workflows/content_type/enable", Headers: dev, WantStatus: 200},
			{Name: "POST to publishing_rules creates a rule", Method: "POST", Path: "/v3/workflows/publishing_rules", Headers: dev,
				Body:       map[string]any{"publishing_rule": map[string]any{"workflow": "{wf}", "workflow_stage": "review", "environment": "development"}},
				WantStatus: 201, WantJSON: map[string]any{"notice": "Publish rule created successfully."}},
			// A method the static node lacks falls through to {workflow_uid},
			// which names no workflow (stackd's uids start with blt).
			{Name: "PUT on the list finds no workflow", Method: "PUT", Path: "/v3/workflows/publishing_rules", Headers: dev,
				Body: map[string]any{"workflow": map[string]any{"name": "X"}}, WantStatus: 422,
				WantJSON: map[string]any{"error_message": "The workflow was not found. Please try again."}},
			{Name: "nothing was renamed", Method: "GET", Path: "/v3/workflows?count=true", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"workflows": 1}},
			{Name: "a workflow still answers", Method: "GET", Path: "/v3/workflows/{wf}", Headers: dev, WantStatus: 200,
				WantJSON: map[string]any{"workflow": map[string]any{"uid": "{wf}"}}},
			{Name: "its enable still answers", Method: "GET", Path: "/v3/workflows/{wf}/enable", Headers: dev, WantStatus: 200},
		})
	})
}

func TestWorkflowLimit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		for i := 0; i < 10; i++ {
			mustCreate(t, e, "/v3/workflows", hdr("owner", "api_key"), workflowBody("W", []any{fmt.Sprintf("ct%d", i)}, twoStages()...), "workflow")
		}
		e.Run(t, []apitest.Scenario{
			{Name: "11th workflow", Method: "POST", Path: "/v3/workflows", Headers: hdr("owner", "api_key"),
				Body: workflowBody("W", []any{"ct10"}, twoStages()...), WantStatus: 422,
				WantJSON: map[string]any{"error_message": "A stack can have at most 10 workflows; delete one first.",
					"errors": map[string]any{"workflow": []any{"limit of 10 reached."}}}},
			{Name: "still ten", Method: "GET", Path: "/v3/workflows?count=true", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"workflows": 10}},
		})
	})
}

// TestWorkflowsWithManagementTokens: a read-write token manages workflows
// (SYS_ACL and admin users included); a read-only one only reads.
func TestWorkflowsWithManagementTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		workflowEnv(t, e)
		var uid string
		uid, e.Vars["rw"] = createToken(t, e, []any{rw("workflow"), branches("main")}, nil)
		e.Vars["rw_uid"] = uid
		_, e.Vars["ro"] = createToken(t, e, []any{ro("workflow"), ro("publishing_rule"), branches("main")}, nil)
		_, e.Vars["rules_only"] = createToken(t, e, []any{rw("publishing_rule"), branches("main")}, nil)
		body := workflowBody("By token", []any{"page"}, twoStages()...)
		body["workflow"].(map[string]any)["admin_users"] = map[string]any{"users": []any{"{dev_uid}"}, "roles": []any{"{admin_role}"}}
		e.Run(t, []apitest.Scenario{
			{Name: "rw token creates", Method: "POST", Path: "/v3/workflows", Headers: mt("{rw}", "api_key"), Body: body, WantStatus: 201,
				WantJSON: map[string]any{"workflow": map[string]any{"created_by": "{rw_uid}", "admin_users": map[string]any{"users": []any{"{dev_uid}"}}}}},
			{Name: "rw token disables", Method: "GET", Path: "/v3/workflows/{wf}/disable", Headers: mt("{rw}", "api_key"), WantStatus: 200},
			{Name: "ro token reads", Method: "GET", Path: "/v3/workflows", Headers: mt("{ro}", "api_key"), WantStatus: 200},
			{Name: "ro token may not create", Method: "POST", Path: "/v3/workflows", Headers: mt("{ro}", "api_key"), Body: body, WantStatus: 403, WantCode: 162},
			{Name: "ro token may not enable", Method: "GET", Path: "/v3/workflows/{wf}/enable", Headers: mt("{ro}", "api_key"), WantStatus: 403, WantCode: 162},
			{Name: "a rules-only token may not read workflows", Method: "GET", Path: "/v3/workflows", Headers: mt("{rules_only}", "api_key"), WantStatus: 403},
			{Name: "a workflow-only token may not read rules", Method: "GET", Path: "/v3/workflows/publishing_rules", Headers: mt("{rw}", "api_key"), WantStatus: 403},
		})
	})
}
