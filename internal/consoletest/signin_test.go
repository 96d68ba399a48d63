package consoletest

import (
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestSignInWrongPassword: a wrong password shows the API's message on the
// sign-in form and signs nobody in.
func TestSignInWrongPassword(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	p.open("/console/")
	p.waitPath("/console/signin")
	p.waitRole("button", "Sign in with SSO")
	// The first load: every file the browser fetched for the sign-in page,
	// as transferred (compressed, with headers).
	bytes := eval[float64](p, `performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
		.filter((e) => !e.name.includes('/v3/')).reduce((n, e) => n + e.transferSize, 0)`)
	files := eval[int](p, `performance.getEntriesByType('resource').filter((e) => !e.name.includes('/v3/')).length + 1`)
	t.Logf("first load of the sign-in page: %d files, %.1f KB transferred", files, bytes/1024)
	if bytes == 0 || bytes > 300*1024 {
		t.Errorf("the first load transfers %.0f bytes; want at most 300 KB (and more than nothing)", bytes)
	}
	p.shot("signin")
	p.fill("Email", ownerEmail)
	p.fill("Password", "not-the-password")
	p.click("button", "Sign in")
	p.waitRole("alert", "")
	p.waitText("email or password is invalid")
	p.shot("signin-wrong-password")
	if got := p.path(); !strings.HasPrefix(got, "/console/signin") {
		t.Errorf("after a wrong password the page is at %s", got)
	}
	if code, _ := s.get(t, "/v3/user", nil); code != 401 {
		t.Errorf("GET /v3/user without a session = %d, want 401", code)
	}
}

// TestSignInPasswordAndTwoFactor: a password sign-in, 2FA enrolment on the
// profile page with the QR code, sign out, then a sign-in that needs the
// code; a reload keeps the session (the CSRF token comes back from GET
// /v3/user) and nothing of it is in localStorage. "Sign out everywhere"
// then revokes the user's authtokens too.
func TestSignInPasswordAndTwoFactor(t *testing.T) {
	s := startServer(t)
	cli := apiLogin(t, s) // an authtoken, as the CLI holds one
	p := newPage(t, s.URL)
	p.signIn(ownerEmail, ownerPassword)
	p.waitPath("/console/orgs/")
	p.shot("organization")

	p.reload()
	p.waitRole("button", "Sign out")
	if n := eval[int](p, `localStorage.length + sessionStorage.length`); n != 0 {
		t.Errorf("the console stored %d items in web storage", n)
	}
	if c := eval[string](p, `document.cookie`); c != "" {
		t.Errorf("page scripts can read cookies: %q", c)
	}

	p.click("link", "Profile ("+ownerEmail+")")
	p.click("button", "Set up two-factor authentication")
	p.waitRole("image", "QR code to add stackd to an authenticator app")
	secret := strings.TrimSpace(p.textByName("Setup key"))
	if secret == "" {
		t.Fatal("no setup key shown")
	}
	p.shot("profile-2fa-enrol")
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p.fill("Code from the app", code)
	p.click("button", "Turn on")
	p.waitText("Two-factor authentication is on.")
	p.shot("profile-2fa-on")

	p.click("button", "Sign out")
	p.waitPath("/console/signin")
	p.fill("Email", ownerEmail)
	p.fill("Password", ownerPassword)
	p.click("button", "Sign in")
	p.fill("Authentication code", "000000")
	p.click("button", "Verify")
	p.waitRole("alert", "")
	p.shot("signin-2fa-wrong-code")
	code, _ = totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	p.fill("Authentication code", code)
	p.click("button", "Verify")
	p.waitPath("/console/orgs/")
	p.waitRole("button", "Sign out")

	p.click("link", "Profile ("+ownerEmail+")")
	p.click("button", "Sign out everywhere")
	p.waitPath("/console/signin")
	if code, _ := s.get(t, "/v3/user", map[string]string{"authtoken": cli}); code != 401 {
		t.Errorf("after signing out everywhere the CLI's authtoken gets %d, want 401", code)
	}
	p.open("/console/profile")
	p.waitPath("/console/signin")
}

// TestKeyboardOnlySignIn: the sign-in form works with the keyboard alone:
// focus starts in the email field, Tab moves to the password, Enter submits;
// after a page change the focus is on the new page's heading, so the next
// Tab reaches the page's first control (not the header again).
func TestKeyboardOnlySignIn(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	p.open("/console/signin")
	p.waitRole("textbox", "Email")
	if got := eval[string](p, `document.activeElement.name`); got != "email" {
		t.Fatalf("focus starts on %q, want the email field", got)
	}
	p.keys(ownerEmail + "\t" + ownerPassword + "\r")
	p.waitPath("/console/orgs/")
	p.open("/console/profile")
	if got := eval[string](p, `document.activeElement.tagName`); got != "H1" {
		t.Errorf("after navigating, the focus is on a %s, want the page's heading", got)
	}
	p.keys("\t")
	if got := eval[string](p, `document.activeElement.name`); got != "first_name" {
		t.Errorf("the first Tab stop after the heading is %q, want the First name field", got)
	}
}
