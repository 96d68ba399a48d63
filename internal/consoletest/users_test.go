package consoletest

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/cli"
)

// addUser runs `stackd user add` on the server's data directory, as an
// operator would.
func (s *stackd) addUser(t *testing.T, email, password string) {
	t.Helper()
	var stderr strings.Builder
	env := cli.Env{Args: []string{"user", "add", "--data", s.dataDir, "--email", email, "--password", password},
		Getenv: func(k string) string {
			if k == "STACKD_SECRET_KEY" {
				return testSecretKey
			}
			return ""
		}, Stdout: io.Discard, Stderr: &stderr}
	if code := cli.Main(context.Background(), env); code != 0 {
		t.Fatalf("stackd user add: %s", stderr.String())
	}
}

// TestShareChangeRolesUnshare: share the stack with a user and a role,
// refuse an email with no user (the message on the email field), change
// the user's roles, and remove the user.
func TestShareChangeRolesUnshare(t *testing.T) {
	s := startServer(t)
	s.addUser(t, "dev@example.com", "Dev-passw0rd")
	p := newPage(t, s.URL)
	key := signInWithStack(t, p, "Team")
	p.open("/console/stacks/" + key + "/settings/users")

	share := p.in("form", "Share this stack")
	share.fill("Email", "nobody@example.com")
	share.click("button", "Share")
	if share.textByName("has no stackd user for: nobody@example.com.") == "" {
		t.Error("no message on the email field")
	}
	share.fill("Email", "dev@example.com")
	share.check("Developer", true)
	share.click("button", "Share")
	p.waitRole("group", "Roles of dev@example.com")
	p.shot("users")

	roles := p.in("group", "Roles of dev@example.com")
	roles.check("Developer", false)
	roles.check("Content Manager", true)
	roles.click("button", "Save roles of dev@example.com")
	p.waitText("Roles of dev@example.com saved.")
	auth := apiLogin(t, s)
	_, body := s.get(t, "/v3/stacks/users", map[string]string{"authtoken": auth, "api_key": key})
	_, rl := s.get(t, "/v3/roles", map[string]string{"authtoken": auth, "api_key": key})
	cm := ""
	for _, r := range rl["roles"].([]any) {
		if m := r.(map[string]any); m["name"] == "Content Manager" {
			cm = m["uid"].(string)
		}
	}
	for _, u := range body["users"].([]any) {
		if m := u.(map[string]any); m["email"] == "dev@example.com" {
			if got := m["roles"].([]any); len(got) != 1 || got[0] != cm {
				t.Errorf("dev's roles are %v, want [%s] (Content Manager)", got, cm)
			}
		}
	}

	p.waitRole("group", "Roles of dev@example.com")
	p.click("button", "Remove dev@example.com")
	p.click("button", "Yes, remove")
	p.waitGone("group", "Roles of dev@example.com")
}
