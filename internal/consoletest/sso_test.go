package consoletest

import (
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/oidctest"
)

// TestSSOSignIn: the owner sets up the organization's identity provider in
// the console; a person the provider vouches for signs in with "Sign in
// with SSO" and the organization ID and lands in the console as a new
// member (just-in-time provisioning); an identity whose email is not
// verified is refused with a message on the sign-in page. The console is
// opened as localhost and the provider runs on 127.0.0.1, so the flow
// crosses sites as it does with a real provider.
func TestSSOSignIn(t *testing.T) {
	idp := oidctest.Start(t)
	s := startServer(t)
	p := newPage(t, strings.Replace(s.URL, "127.0.0.1", "localhost", 1))
	p.signIn(ownerEmail, ownerPassword)
	p.waitPath("/console/orgs/")
	org := strings.TrimPrefix(p.path(), "/console/orgs/")

	sso := p.in("form", "Single sign-on settings")
	sso.fill("Issuer URL", idp.Issuer())
	sso.fill("Client ID", idp.ClientID)
	sso.fill("Client secret", idp.ClientSecret)
	p.click("button", "Save SSO settings")
	p.waitText("Single sign-on is on.")
	p.shot("organization-sso-settings")
	p.click("button", "Sign out")
	p.waitPath("/console/signin")

	idp.SignIn(oidctest.Identity{Subject: "u-1", Email: "mallory@example.com", EmailVerified: oidctest.Bool(false)})
	p.fill("Organization ID", org)
	p.click("button", "Sign in with SSO")
	p.waitPath("/console/signin")
	p.waitText("Single sign-on failed:")
	p.shot("signin-sso-refused")

	idp.SignIn(oidctest.Identity{Subject: "u-2", Email: "alice@example.com", EmailVerified: oidctest.Bool(true), GivenName: "Alice", FamilyName: "Doe"})
	p.fill("Organization ID", org)
	p.click("button", "Sign in with SSO")
	p.waitPath("/console/orgs/" + org)
	p.waitRole("link", "Profile (alice@example.com)")
	p.shot("organization-after-sso")
	if got := idp.LastAuthorize()["code_challenge_method"]; got != "S256" {
		t.Errorf("the authorization request used code_challenge_method %q, want S256 (PKCE)", got)
	}
}
