package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/oidctest"
	"github.com/stackd/stackd/internal/store/storetest"
)

// ssoSetup starts a test identity provider on the test's clock and gives
// the bootstrap organization single sign-on through it (strict or not).
func ssoSetup(t *testing.T, e *apitest.Env, strict bool) *oidctest.Provider {
	t.Helper()
	p := oidctest.Start(t)
	p.Now = e.Clock.Now
	e.Vars["owner"] = e.Login("owner@example.com")
	status, body := e.Do("PUT", "/v3/organizations/{org}/sso", hdr("owner", ""), map[string]any{"sso": map[string]any{
		"issuer": p.Issuer(), "client_id": p.ClientID, "client_secret": p.ClientSecret, "strict": strict}})
	if status != 200 {
		t.Fatalf("configure sso: %d %v", status, body)
	}
	return p
}

// ssoResult is where a browser's sign-in ended.
type ssoResult struct {
	location string // the final redirect: the console, with ?sso_error= on failure
	secret   string // the console session cookie, when one was set
}

func (r ssoResult) failed() string {
	u, _ := url.Parse(r.location)
	return u.Query().Get("sso_error")
}

// ssoSignIn walks a browser through the flow: start on stackd, the
// provider's authorization endpoint over real HTTP, and the callback with
// the flow cookie the start set. tamper may change the callback's query.
func ssoSignIn(t *testing.T, e *apitest.Env, h http.Handler, org string, tamper func(url.Values)) ssoResult {
	t.Helper()
	start := e.Send(h, "GET", "/v3/sso/start?org="+org, nil, nil)
	loc := start.Header().Get("Location")
	if start.Code != 302 {
		t.Fatalf("start: %d %s", start.Code, start.Body.String())
	}
	if strings.Contains(loc, "/console/?sso_error=") {
		return ssoResult{location: loc}
	}
	flow := cookieValue(start.Result().Cookies(), "stackd_sso")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Path != "/v3/sso/callback" {
		t.Fatalf("provider redirected to %q (%d)", resp.Header.Get("Location"), resp.StatusCode)
	}
	q := back.Query()
	if tamper != nil {
		tamper(q)
	}
	headers := map[string]string{}
	if flow != "" {
		headers["Cookie"] = "stackd_sso=" + flow
	}
	cb := e.Send(h, "GET", "/v3/sso/callback?"+q.Encode(), headers, nil)
	if cb.Code != 302 {
		t.Fatalf("callback: %d %s", cb.Code, cb.Body.String())
	}
	return ssoResult{location: cb.Header().Get("Location"), secret: cookieValue(cb.Result().Cookies(), api.SessionCookie)}
}

func cookieValue(cookies []*http.Cookie, name string) string {
	for _, c := range cookies {
		if c.Name == name && c.MaxAge >= 0 {
			return c.Value
		}
	}
	return ""
}

// consoleUser reads GET /v3/user with a console session.
func consoleUser(t *testing.T, e *apitest.Env, secret string) map[string]any {
	t.Helper()
	status, body := e.Do("GET", "/v3/user", map[string]string{"Cookie": api.SessionCookie + "=" + secret}, nil)
	if status != 200 {
		t.Fatalf("GET /v3/user with the sso session: %d %v", status, body)
	}
	return body["user"].(map[string]any)
}

// TestSSOSignIn: a first sign-in provisions the user into the organization
// as a member, a second signs the same user in, an existing member with
// the verified email is linked, and the flow uses PKCE (S256), a state and
// a nonce.
func TestSSOSignIn(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		p := ssoSetup(t, e, false)
		p.SignIn(oidctest.Identity{Subject: "sub-ann", Email: "Ann@Example.com", EmailVerified: oidctest.Bool(true), GivenName: "Ann", FamilyName: "Lee"})
		first := ssoSignIn(t, e, e.Handler, e.OrgUID, nil)
		if first.location != "http://example.com/console/" || first.secret == "" {
			t.Fatalf("first sign-in: %+v (%s)", first, first.failed())
		}
		ann := consoleUser(t, e, first.secret)
		if ann["email"] != "ann@example.com" || ann["first_name"] != "Ann" || ann["last_name"] != "Lee" || ann["authtoken"] != nil {
			t.Errorf("provisioned user: %v", ann)
		}
		orgs := ann["organizations"].([]any)
		if len(orgs) != 1 || orgs[0].(map[string]any)["uid"] != e.OrgUID {
			t.Errorf("organizations: %v", orgs)
		}
		if m, err := e.Store.UserOrg(context.Background(), ann["uid"].(string), e.OrgUID); err != nil || m.Role != domain.OrgMember {
			t.Errorf("membership: %+v, %v", m, err)
		}
		auth := p.LastAuthorize()
		for k, want := range map[string]string{"code_challenge_method": "S256", "response_type": "code", "client_id": p.ClientID,
			"redirect_uri": "http://example.com/v3/sso/callback"} {
			if auth[k] != want {
				t.Errorf("authorization request %s = %q, want %q", k, auth[k], want)
			}
		}
		if auth["state"] == "" || auth["nonce"] == "" || len(auth["code_challenge"]) < 43 || !strings.Contains(auth["scope"], "openid") {
			t.Errorf("authorization request: %v", auth)
		}
		again := ssoSignIn(t, e, e.Handler, e.OrgUID, nil)
		if again.secret == "" || consoleUser(t, e, again.secret)["uid"] != ann["uid"] {
			t.Errorf("second sign-in did not sign the same user in: %+v", again)
		}
		devUID := e.AddUser("dev@example.com")
		p.SignIn(oidctest.Identity{Subject: "sub-dev", Email: "dev@example.com", EmailVerified: oidctest.Bool(true)})
		linked := ssoSignIn(t, e, e.Handler, e.OrgUID, nil)
		if linked.secret == "" || consoleUser(t, e, linked.secret)["uid"] != devUID {
			t.Errorf("existing member not linked: %+v (%s)", linked, linked.failed())
		}
	})
}

// TestSSONeverTakesOverAnotherOrgsAccount: a user who is not a member of
// the organization is never linked by email, and keeps their account.
func TestSSONeverTakesOverAnotherOrgsAccount(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	p := ssoSetup(t, e, false)
	ctx := context.Background()
	bossUID := e.AddUser("boss2@example.com")
	org2 := domain.Organization{UID: domain.NewUID(), Name: "Other Org", OwnerUID: bossUID, CreatedAt: e.Clock.Now(), UpdatedAt: e.Clock.Now()}
	if err := e.Store.CreateOrg(ctx, org2); err != nil {
		t.Fatal(err)
	}
	victim, err := e.Core.NewUser(ctx, "victim@example.com", apitest.Password, "Vic", "Tim", e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.CreateUser(ctx, victim, org2.UID, domain.OrgMember); err != nil {
		t.Fatal(err)
	}
	p.SignIn(oidctest.Identity{Subject: "evil", Email: "victim@example.com", EmailVerified: oidctest.Bool(true)})
	res := ssoSignIn(t, e, e.Handler, e.OrgUID, nil)
	if res.secret != "" || !strings.Contains(res.failed(), "cannot be linked") {
		t.Fatalf("sign-in as another organization's user: %+v", res)
	}
	if _, err := e.Store.UserOrg(ctx, victim.UID, e.OrgUID); err == nil {
		t.Error("the victim was added to the SSO organization")
	}
	if n, _ := e.Store.CountSessions(ctx, victim.UID); n != 0 {
		t.Errorf("the victim has %d sessions", n)
	}
	e.Login("victim@example.com") // the account still works with its own password
}

// TestSSORefusals: ID tokens with a wrong signature, audience, issuer or
// nonce, an expired one, one without (or with false) email_verified, a
// callback without the flow cookie or with another state, the provider's
// own refusal and an organization without SSO all end on the console with
// an error and no session.
func TestSSORefusals(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	p := ssoSetup(t, e, false)
	good := oidctest.Identity{Subject: "sub-1", Email: "new@example.com", EmailVerified: oidctest.Bool(true)}
	cases := []struct {
		name    string
		id      *oidctest.Identity
		fault   oidctest.Fault
		org     string
		tamper  func(url.Values)
		wantMsg string
	}{
		{"wrong signature", &good, oidctest.WrongSignature, "", nil, "could not be verified"},
		{"wrong audience", &good, oidctest.WrongAudience, "", nil, "could not be verified"},
		{"wrong issuer", &good, oidctest.WrongIssuer, "", nil, "could not be verified"},
		{"expired", &good, oidctest.Expired, "", nil, "could not be verified"},
		{"wrong nonce", &good, oidctest.WrongNonce, "", nil, "could not be verified"},
		{"email_verified missing", &oidctest.Identity{Subject: "s2", Email: "x@example.com"}, 0, "", nil, "email_verified"},
		{"email_verified false", &oidctest.Identity{Subject: "s3", Email: "y@example.com", EmailVerified: oidctest.Bool(false)}, 0, "", nil, "email_verified"},
		{"another state", &good, 0, "", func(q url.Values) { q.Set("state", "forged") }, "start again"},
		{"a replayed code", &good, 0, "", func(q url.Values) { q.Set("code", "unknown-code") }, "did not accept"},
		{"provider refuses", nil, 0, "", nil, "access_denied"},
		{"no SSO for the organization", &good, 0, domain.NewUID(), nil, "not configured"},
		{"no organization named", &good, 0, "%20", nil, "uid of your organization"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.id != nil {
				p.SignIn(*c.id)
			} else {
				p.SignOut()
			}
			p.SetFault(c.fault)
			defer p.SetFault(oidctest.NoFault)
			org := e.OrgUID
			if c.org != "" {
				org = c.org
			}
			res := ssoSignIn(t, e, e.Handler, org, c.tamper)
			if res.secret != "" || !strings.Contains(res.failed(), c.wantMsg) || !strings.HasPrefix(res.location, "http://example.com/console/?sso_error=") {
				t.Errorf("result %+v; want an error with %q", res, c.wantMsg)
			}
		})
	}
	if _, err := e.Store.UserByEmail(context.Background(), "new@example.com"); err == nil {
		t.Error("a refused sign-in provisioned a user")
	}
	// Without the flow cookie (another browser), even a valid code is refused.
	p.SignIn(good)
	start := e.Send(e.Handler, "GET", "/v3/sso/start?org="+e.OrgUID, nil, nil)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(start.Header().Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, _ := url.Parse(resp.Header.Get("Location"))
	cb := e.Send(e.Handler, "GET", "/v3/sso/callback?"+back.RawQuery, nil, nil)
	if cookieValue(cb.Result().Cookies(), api.SessionCookie) != "" || !strings.Contains(cb.Header().Get("Location"), "sso_error=") {
		t.Errorf("callback without the flow cookie: %d %v", cb.Code, cb.Header())
	}
}
