package consoletest

import (
	"strings"
	"testing"
)

// signInWithStack signs the owner in and creates a stack through the
// organization page; it returns the stack's api_key.
func signInWithStack(t *testing.T, p *page, name string) string {
	t.Helper()
	p.signIn(ownerEmail, ownerPassword)
	p.waitPath("/console/orgs/")
	p.fill("Stack name", name)
	p.click("button", "Create stack")
	p.waitPath("/console/stacks/")
	key := strings.Split(strings.TrimPrefix(p.path(), "/console/stacks/"), "/")[0]
	if key == "" {
		t.Fatalf("no api_key in %s", p.path())
	}
	return key
}

// TestManagementTokenLifecycle: create a management token with a scope
// picked per module, see its secret exactly once (a reload shows it no
// more), use it, rotate it with a grace period (both secrets work), revoke
// it, and watch the API refuse it with 401.
func TestManagementTokenLifecycle(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	key := signInWithStack(t, p, "Tokens")
	p.click("link", "Management tokens")
	p.waitRole("heading", "Management tokens")

	p.fill("Token name", "deploy bot")
	p.check("Content types: read", true)
	p.check("Entries: write", true)
	p.click("button", "Create token")
	p.waitRole("region", "Secret of deploy bot")
	secret := p.value("textbox", "Token secret")
	if !strings.HasPrefix(secret, "csmt") {
		t.Fatalf("the secret shown is %q", secret)
	}
	p.waitText("shown only once")
	p.shot("management-token-created")

	use := map[string]string{"authorization": secret, "api_key": key}
	if code, body := s.get(t, "/v3/content_types", use); code != 200 {
		t.Fatalf("GET /v3/content_types with the new token = %d %v", code, body)
	}
	if code, _ := s.get(t, "/v3/environments", use); code != 403 {
		t.Errorf("GET /v3/environments outside the token's scope = %d, want 403", code)
	}

	p.reload()
	p.waitRole("heading", "Management tokens")
	p.waitText("deploy bot")
	if strings.Contains(p.bodyText(), secret) || p.has("textbox", "Token secret") {
		t.Fatal("the secret is shown again after a reload")
	}
	html := eval[string](p, `document.documentElement.outerHTML`)
	if strings.Contains(html, secret) {
		t.Fatal("the secret is in the page after a reload")
	}
	p.shot("management-tokens-list")

	p.click("button", "Rotate deploy bot")
	p.choose("Grace period for deploy bot's old secret", "Old secret works 5 more minutes")
	p.click("button", "Rotate deploy bot now")
	p.waitRole("region", "New secret of deploy bot")
	rotated := p.value("textbox", "Token secret")
	if rotated == secret || !strings.HasPrefix(rotated, "csmt") {
		t.Fatalf("the rotated secret is %q", rotated)
	}
	p.waitText("The previous secret works until")
	for _, sec := range []string{secret, rotated} {
		if code, _ := s.get(t, "/v3/content_types", map[string]string{"authorization": sec, "api_key": key}); code != 200 {
			t.Errorf("during the grace period a secret of the rotated token gets %d, want 200", code)
		}
	}
	use["authorization"] = rotated

	p.click("button", "Revoke deploy bot")
	p.click("button", "Yes, revoke")
	p.waitText("This stack has no management tokens.")
	if code, _ := s.get(t, "/v3/content_types", use); code != 401 {
		t.Errorf("GET /v3/content_types with the revoked token = %d, want 401", code)
	}
}
