package api_test

import (
	"context"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// entryWorkflowEnv seeds stackEnv, management tokens (Vars mt: read-write,
// mt_ro: read-only), a content type blog with an entry (entry), a content
// type page no workflow governs with an entry (page_entry), a locale
// fr-fr, environments production and staging, and a workflow for blog
// (wf) with stages draft and review open to all users and legal open to
// the Admin role only; every stage may move to any other.
func entryWorkflowEnv(t *testing.T, e *apitest.Env) {
	t.Helper()
	stackEnv(t, e)
	owner, err := e.Store.UserByEmail(context.Background(), "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	e.Vars["owner_uid"] = owner.UID
	_, e.Vars["mt"] = createToken(t, e, []any{rw("$all"), branches("main")}, nil)
	_, e.Vars["mt_ro"] = createToken(t, e, []any{ro("$all"), branches("main")}, nil)
	h := hdr("owner", "api_key")
	for _, ct := range []string{"blog", "page"} {
		mustCreate(t, e, "/v3/content_types", h, map[string]any{"content_type": map[string]any{"title": ct, "uid": ct,
			"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true}}}}, "content_type")
	}
	mustCreate(t, e, "/v3/locales", h, map[string]any{"locale": map[string]any{"code": "fr-fr", "name": "French"}}, "locale")
	e.Vars["entry"] = mustCreate(t, e, "/v3/content_types/blog/entries", h, map[string]any{"entry": map[string]any{"title": "Hello"}}, "entry")
	e.Vars["page_entry"] = mustCreate(t, e, "/v3/content_types/page/entries", h, map[string]any{"entry": map[string]any{"title": "About"}}, "entry")
	for _, env := range []string{"production", "staging"} {
		e.Vars[env+"_uid"] = mustCreate(t, e, "/v3/environments", h, map[string]any{"environment": map[string]any{"name": env}}, "environment")
	}
	e.Vars["wf"] = mustCreate(t, e, "/v3/workflows", h, workflowBody("Review", []any{"blog"},
		stageBody("draft", "Draft", nil, nil, nil),
		stageBody("review", "Review", nil, nil, nil),
		stageBody("legal", "Legal", nil, []any{}, []any{"{admin_role}"})), "workflow")
}

const entryWF = "/v3/content_types/blog/entries/{entry}/workflow"

func moveTo(stage string, extra map[string]any) map[string]any {
	s := map[string]any{"uid": stage}
	for k, v := range extra {
		s[k] = v
	}
	return map[string]any{"workflow": map[string]any{"workflow_stage": s}}
}

func tokenHdr(name string) map[string]string {
	return map[string]string{"authorization": "{" + name + "}", "api_key": "{api_key}"}
}

// runRefused runs scenarios that must be refused and fails when one of
// them changes the database.
func runRefused(t *testing.T, e *apitest.Env, scenarios []apitest.Scenario) {
	t.Helper()
	before, err := e.Store.Fingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	e.Run(t, scenarios)
	after, err := e.Store.Fingerprint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("refused requests changed the database")
	}
}

func TestEntryStageMoves(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		entryWorkflowEnv(t, e)
		cm, ok := hdr("cm", "api_key"), "Workflow stage updated successfully."
		e.Run(t, []apitest.Scenario{
			{Name: "never moved: in the first stage", Method: "GET", Path: "/v3/content_types/blog/entries/{entry}?include_workflow=true", Headers: cm,
				WantStatus: 200, WantJSON: map[string]any{"entry": map[string]any{"_workflow": map[string]any{
					"uid": "{wf}", "version": 1, "updated_by": "{owner_uid}", "updated_at": "2026-03-04T05:06:07.000Z",
					"stage": map[string]any{"uid": "draft", "title": "Draft", "color": "#2196f3", "assigned_to": []any{}}}}}},
			{Name: "content manager moves and assigns", Method: "POST", Path: entryWF, Headers: cm,
				Body: moveTo("review", map[string]any{"comment": "please check", "due_date": "2026-03-10", "notify": true,
					"assigned_to":       []any{map[string]any{"uid": "{dev_uid}", "name": "Someone", "email": "x@example.com"}},
					"assigned_by_roles": []any{map[string]any{"uid": "{admin_role}"}}}),
				WantStatus: 200, WantJSON: map[string]any{"notice": ok}},
			{Name: "the entry shows its stage", Method: "GET", Path: "/v3/content_types/blog/entries/{entry}?include_workflow=true", Headers: cm,
				WantStatus: 200, WantJSON: map[string]any{"entry": map[string]any{"_workflow": map[string]any{
					"uid": "{wf}", "version": 1, "updated_by": "{cm_uid}", "updated_at": "2026-03-04T05:06:07.000Z",
					"stage": map[string]any{"uid": "review", "title": "Review", "comment": "please check", "due_date": "2026-03-10",
						"updated_by":        "{cm_uid}",
						"assigned_to":       []any{map[string]any{"uid": "{dev_uid}", "email": "dev@example.com"}},
						"assigned_by_roles": []any{map[string]any{"uid": "{admin_role}", "name": "Admin"}}}}}}},
			{Name: "the list shows it", Method: "GET", Path: "/v3/content_types/blog/entries?include_workflow=true", Headers: cm,
				WantStatus: 200, WantJSON: map[string]any{"entries": []any{map[string]any{"uid": "{entry}",
					"_workflow": map[string]any{"stage": map[string]any{"uid": "review"}}}}}},
			{Name: "the developer's assignments", Method: "GET", Path: "/v3/user/assignments?include_count=true", Headers: hdr("dev", ""),
				WantStatus: 200, WantJSON: map[string]any{"count": 1, "assignments": []any{map[string]any{
					"api_key": "{api_key}", "content_type": "blog", "entry_uid": "{entry}", "entry_title": "Hello", "locale": "en-us", "version": 1,
					"workflow": map[string]any{"uid": "{wf}", "name": "Review"}, "stage": map[string]any{"uid": "review", "title": "Review"},
					"assigned_at": "2026-03-04T05:06:07.000Z", "assigned_by": "{cm_uid}", "due_date": "2026-03-10", "comment": "please check"}}}},
			{Name: "the admin's, through the Admin role", Method: "GET", Path: "/v3/user/assignments", Headers: hdr("admin", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"assignments": []any{map[string]any{"entry_uid": "{entry}"}}}},
			{Name: "none for the content manager", Method: "GET", Path: "/v3/user/assignments", Headers: cm,
				WantStatus: 200, WantJSON: map[string]any{"assignments": []any{}}},
			{Name: "none in another stack", Method: "GET", Path: "/v3/user/assignments",
				Headers: map[string]string{"authtoken": "{dev}", "api_key": "{other_key}"}, WantStatus: 200, WantJSON: map[string]any{"assignments": []any{}}},

			{Name: "token between open stages", Method: "POST", Path: entryWF, Headers: tokenHdr("mt"), Body: moveTo("draft", nil),
				WantStatus: 200, WantJSON: map[string]any{"notice": ok}},
			{Name: "moving clears the assignment", Method: "GET", Path: "/v3/user/assignments", Headers: hdr("dev", ""),
				WantStatus: 200, WantJSON: map[string]any{"assignments": []any{}}},
		})
		runRefused(t, e, []apitest.Scenario{
			{Name: "token into a restricted stage", Method: "POST", Path: entryWF, Headers: tokenHdr("mt"), Body: moveTo("legal", nil),
				WantStatus: 403, WantCode: 162},
			{Name: "content manager into a restricted stage", Method: "POST", Path: entryWF, Headers: cm, Body: moveTo("legal", nil),
				WantStatus: 403, WantCode: 162},
			{Name: "read-only token", Method: "POST", Path: entryWF, Headers: tokenHdr("mt_ro"), Body: moveTo("review", nil), WantStatus: 403, WantCode: 162},
			{Name: "member without a role", Method: "POST", Path: entryWF, Headers: hdr("norole", "api_key"), Body: moveTo("review", nil),
				WantStatus: 403, WantCode: 162},
			{Name: "outsider", Method: "POST", Path: entryWF, Headers: hdr("outsider", "api_key"), Body: moveTo("review", nil), WantStatus: 412, WantCode: 109},
			{Name: "tokens have no assignments", Method: "GET", Path: "/v3/user/assignments", Headers: tokenHdr("mt"), WantStatus: 403, WantCode: 162},
			{Name: "unknown stage", Method: "POST", Path: entryWF, Headers: cm, Body: moveTo("nope", nil), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stage.uid": []any{`"nope" is not a stage of the workflow.`}}}},
			{Name: "no stage", Method: "POST", Path: entryWF, Headers: cm, Body: moveTo("", nil), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stage.uid": []any{"is required."}}}},
			{Name: "bad due date", Method: "POST", Path: entryWF, Headers: cm, Body: moveTo("review", map[string]any{"due_date": "soon"}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stage.due_date": []any{"must be a date such as 2026-03-04 or 2026-03-04T12:00:00Z."}}}},
			{Name: "assignee not a member", Method: "POST", Path: entryWF, Headers: cm,
				Body: moveTo("review", map[string]any{"assigned_to": []any{map[string]any{"uid": "{outsider_uid}"}}}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"workflow_stage.assigned_to.0.uid": []any{`"{outsider_uid}" is not a member of this stack.`}}}},
			{Name: "assignee of the wrong type", Method: "POST", Path: entryWF, Headers: cm,
				Body: `{"workflow":{"workflow_stage":{"uid":"review","assigned_to":"{dev_uid}"}}}`, WantStatus: 422},
			{Name: "NUL in the comment", Method: "POST", Path: entryWF, Headers: cm, Body: `{"workflow":{"workflow_stage":{"uid":"review","comment":"a\u0000"}}}`,
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"workflow.workflow_stage.comment": []any{"must not contain NUL characters or invalid UTF-8."}}}},
			{Name: "both a stage and a rule", Method: "POST", Path: entryWF, Headers: cm,
				Body:       map[string]any{"workflow": map[string]any{"workflow_stage": map[string]any{"uid": "review"}, "publishing_rule": map[string]any{"uid": "x"}}},
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"workflow": []any{"must hold either workflow_stage or publishing_rule, not both."}}}},
			{Name: "neither", Method: "POST", Path: entryWF, Headers: cm, Body: map[string]any{"workflow": map[string]any{}}, WantStatus: 422},
			{Name: "malformed", Method: "POST", Path: entryWF, Headers: cm, Body: `{"workflow":`, WantStatus: 400},
			{Name: "unknown entry", Method: "POST", Path: "/v3/content_types/blog/entries/bltffffffffffffffff/workflow", Headers: cm,
				Body: moveTo("review", nil), WantStatus: 422, WantCode: 141},
			{Name: "locale without content", Method: "POST", Path: entryWF + "?locale=fr-fr", Headers: cm, Body: moveTo("review", nil), WantStatus: 422, WantCode: 141},
			{Name: "unknown content type", Method: "POST", Path: "/v3/content_types/nope/entries/{entry}/workflow", Headers: cm,
				Body: moveTo("review", nil), WantStatus: 422, WantCode: 118},
			{Name: "content type in no workflow", Method: "POST", Path: "/v3/content_types/page/entries/{page_entry}/workflow", Headers: cm,
				Body: moveTo("review", nil), WantStatus: 422, WantJSON: map[string]any{"error_message": "The content type 'page' is not part of an enabled workflow."}},
			{Name: "NUL in the locale", Method: "POST", Path: entryWF + "?locale=%00", Headers: cm, Body: moveTo("review", nil), WantStatus: 400},
		})
		e.Run(t, []apitest.Scenario{
			{Name: "admin into the restricted stage", Method: "POST", Path: entryWF, Headers: hdr("admin", "api_key"), Body: moveTo("legal", nil),
				WantStatus: 200, WantJSON: map[string]any{"notice": ok}},
		})
		runRefused(t, e, []apitest.Scenario{
			{Name: "token out of the restricted stage", Method: "POST", Path: entryWF, Headers: tokenHdr("mt"), Body: moveTo("draft", nil),
				WantStatus: 403, WantCode: 162},
		})
		for _, path := range []string{"/v3/content_types/blog/entries/{entry}", "/v3/content_types/page/entries/{page_entry}?include_workflow=true"} {
			if _, body := e.Do("GET", path, cm, nil); body["entry"].(map[string]any)["_workflow"] != nil {
				t.Errorf("GET %s shows _workflow: %v", path, body)
			}
		}
	})
}
