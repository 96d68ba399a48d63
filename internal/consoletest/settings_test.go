package consoletest

import (
	"testing"
)

// TestSettingsForms: a label, a webhook, a workflow and a publish rule
// made with the console's forms reach the API as chosen.
func TestSettingsForms(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	key := signInWithStack(t, p, "Settings")
	base := "/console/stacks/" + key + "/settings/"

	p.open(base + "environments")
	p.fill("Environment name", "staging")
	p.click("button", "Add environment")
	p.waitText("staging")

	p.open(base + "labels")
	p.fill("Label name", "Marketing")
	p.click("button", "Create label")
	p.waitRole("button", "Delete label Marketing")

	p.open(base + "webhooks")
	p.fill("Webhook name", "Deploy")
	p.fill("URL", "https://hooks.example.com/deploy")
	p.click("button", "Create webhook")
	p.waitText("must name at least one channel")
	p.check("content_types.entries.publish", true)
	p.click("button", "Create webhook")
	p.waitRole("button", "Disable Deploy")
	p.click("button", "Disable Deploy")
	p.waitRole("button", "Enable Deploy")

	p.open(base + "workflows")
	p.fill("Workflow name", "Review")
	p.check("All content types", true)
	p.in("group", "Stage 1").fill("Stage name", "Draft")
	p.in("group", "Stage 2").fill("Stage name", "Approved")
	p.click("button", "Create workflow")
	p.waitRole("button", "Disable Review")
	p.shot("workflows")

	p.open(base + "publish-rules")
	p.choose("Stage", "Approved")
	p.check(ownerEmail, true)
	p.click("button", "Create rule")
	p.waitRole("table", "Publish rules of this stack")
	p.shot("publish-rules")

	auth := apiLogin(t, s)
	h := map[string]string{"authtoken": auth, "api_key": key}
	for path, field := range map[string]string{"/v3/labels": "labels", "/v3/webhooks": "webhooks", "/v3/workflows": "workflows",
		"/v3/workflows/publishing_rules": "publishing_rules"} {
		code, body := s.get(t, path, h)
		if items, _ := body[field].([]any); code != 200 || len(items) != 1 {
			t.Errorf("GET %s = %d with %v, want one item", path, code, body[field])
		}
	}
	_, wh := s.get(t, "/v3/webhooks", h)
	if w := wh["webhooks"].([]any)[0].(map[string]any); w["disabled"] != true {
		t.Errorf("the webhook is %v, want disabled", w)
	}
	_, pr := s.get(t, "/v3/workflows/publishing_rules", h)
	rule := pr["publishing_rules"].([]any)[0].(map[string]any)
	if users := rule["approvers"].(map[string]any)["users"].([]any); len(users) != 1 {
		t.Errorf("the rule's approvers are %v, want the owner", rule["approvers"])
	}
}
