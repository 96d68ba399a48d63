package consoletest

import (
	"testing"
)

// TestWorkflowStageAndApproval: move an entry to the next workflow stage,
// ask for approval to publish it under a publish rule, approve it as the
// rule's approver, then publish it.
func TestWorkflowStageAndApproval(t *testing.T) {
	s := startServer(t)
	sd := &seed{t: t, s: s, auth: apiLogin(t, s)}
	_, user := s.get(t, "/v3/user", map[string]string{"authtoken": sd.auth})
	u := user["user"].(map[string]any)
	org := u["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	st := sd.do("POST", "/v3/stacks", map[string]string{"organization_uid": org}, map[string]any{"stack": map[string]any{"name": "Flow"}}, 201)
	sd.key = st["stack"].(map[string]any)["api_key"].(string)
	sd.do("POST", "/v3/environments", nil, map[string]any{"environment": map[string]any{"name": "production"}}, 201)
	sd.do("POST", "/v3/content_types", nil, map[string]any{"content_type": map[string]any{"title": "News", "uid": "news", "schema": []any{
		map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true}}}}, 201)
	all := map[string]any{"users": map[string]any{"uids": []string{"$all"}}}
	wf := sd.do("POST", "/v3/workflows", nil, map[string]any{"workflow": map[string]any{"name": "Editorial", "content_types": []string{"news"},
		"workflow_stages": []any{map[string]any{"name": "Draft", "SYS_ACL": all, "next_available_stages": []string{"$all"}},
			map[string]any{"name": "Ready", "SYS_ACL": all, "next_available_stages": []string{"$all"}}}}}, 201)["workflow"].(map[string]any)
	ready := wf["workflow_stages"].([]any)[1].(map[string]any)["uid"].(string)
	sd.do("POST", "/v3/workflows/publishing_rules", nil, map[string]any{"publishing_rule": map[string]any{"workflow": wf["uid"],
		"workflow_stage": ready, "environment": "production", "actions": []string{"publish"},
		"approvers": map[string]any{"users": []string{u["uid"].(string)}, "roles": []string{}}, "disable_approver_publishing": true}}, 201)
	e := sd.do("POST", "/v3/content_types/news/entries", nil, map[string]any{"entry": map[string]any{"title": "Launch"}}, 201)
	uid := e["entry"].(map[string]any)["uid"].(string)

	p := newPage(t, s.URL)
	p.signIn(ownerEmail, ownerPassword)
	p.waitPath("/console/orgs/")
	p.open("/console/stacks/" + sd.key + "/entries/news/" + uid)
	p.waitText("Stage: Draft")
	p.choose("Next stage", "Ready")
	p.fill("Comment", "good to go")
	p.click("button", "Move")
	p.waitText("Stage: Ready")

	p.in("group", "Environments").check("production", true)
	p.click("button", "Publish")
	p.waitText("needs an approved publish request") // the API's message on the publish form
	p.shot("entry-publish-refused")
	p.click("button", "Request publish on production")
	p.waitText("You have sent an approval request")
	p.click("button", "Approve publish on production")
	p.waitText("You have accepted the request")
	p.shot("entry-workflow")
	p.in("group", "Environments").check("production", true)
	p.click("button", "Publish")
	p.waitText("production (en-us): version 1")
}
