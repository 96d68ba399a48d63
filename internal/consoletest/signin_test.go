package consoletest

import (
	"testing"
)

// TestSignInWrongPassword: a wrong password shows the API's message on the
// sign-in form and signs nobody in.
func TestSignInWrongPassword(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	p.signIn(ownerEmail, "not-the-password")
	p.waitRole("alert", "")
	p.waitText("email or password is invalid")
	p.shot("signin-wrong-password")
	if got := p.path(); got != "/console/signin" {
		t.Errorf("after a wrong password the page is at %s", got)
	}
}
