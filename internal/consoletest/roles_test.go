package consoletest

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCustomRoleWithRules: a custom role made in the console with the rules
// editor reaches the API as the rules chosen, and an API refusal (a rule
// without a branch) shows its message on the form.
func TestCustomRoleWithRules(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	key := signInWithStack(t, p, "Roles")
	p.open("/console/stacks/" + key + "/settings/roles")
	p.waitText("Content Manager")

	p.fill("Role name", "Reviewer")
	p.in("group", "Branches").check("main", false)
	p.click("button", "Create role")
	if msg := p.in("group", "Branches").textByName("is required: a role must name the branches it applies to."); msg == "" {
		t.Error("the error is not on the branches")
	}
	p.shot("role-error")

	p.in("group", "Branches").check("main", true)
	p.in("group", "On their entries").check("update", true)
	p.in("group", "On their entries").check("publish", true)
	p.in("group", "On all assets").check("read", true)
	p.click("button", "Create role")
	p.waitRole("button", "Edit role Reviewer")
	p.shot("roles")

	auth := apiLogin(t, s)
	_, body := s.get(t, "/v3/roles?include_rules=true", map[string]string{"authtoken": auth, "api_key": key})
	var rules []map[string]any
	for _, r := range body["roles"].([]any) {
		if m := r.(map[string]any); m["name"] == "Reviewer" {
			raw, _ := json.Marshal(m["rules"])
			_ = json.Unmarshal(raw, &rules)
		}
	}
	found := map[string]string{}
	for _, r := range rules {
		raw, _ := json.Marshal(r)
		found[r["module"].(string)] = string(raw)
	}
	if !strings.Contains(found["branch"], `"main"`) || !strings.Contains(found["content_type"], `"sub_acl":{`) ||
		!strings.Contains(found["content_type"], `"update":true`) || !strings.Contains(found["content_type"], `"publish":true`) ||
		!strings.Contains(found["asset"], `"read":true`) {
		t.Errorf("the role's rules are %v", found)
	}
}
