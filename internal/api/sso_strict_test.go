package api_test

import (
	"context"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/oidctest"
)

// TestSSOStrictMode: with strict SSO, a member whose only organization is
// the strict one cannot sign in with a password (API or console: 422 +
// 104); the owner can; a user who also belongs to an organization without
// strict SSO signs in with a password, but that session gets 412 on the
// strict organization's stacks and works elsewhere; their SSO console
// session works there; management tokens are unaffected.
func TestSSOStrictMode(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		ctx := context.Background()
		e.Vars["owner"] = e.Login("owner@example.com")
		e.Vars["api_key"] = e.CreateStack(e.Vars["owner"], "Strict stack")
		devUID := e.AddUser("dev@example.com")
		multiUID := e.AddUser("multi@example.com")
		e.Share(e.Vars["api_key"], devUID, "Developer")
		e.Share(e.Vars["api_key"], multiUID, "Developer")
		org2 := domain.Organization{UID: domain.NewUID(), Name: "Multi's own", OwnerUID: multiUID, CreatedAt: e.Clock.Now(), UpdatedAt: e.Clock.Now()}
		if err := e.Store.CreateOrg(ctx, org2); err != nil {
			t.Fatal(err)
		}
		e.Vars["multi_before"] = e.Login("multi@example.com") // an authtoken from before strict mode
		e.Vars["org2"] = org2.UID
		e.Vars["other_key"] = createStackIn(t, e, "multi_before", org2.UID)
		_, e.Vars["mt"] = createToken(t, e, []any{rw("$all"), branches("main")}, nil)
		p := ssoSetup(t, e, true)

		e.Run(t, []apitest.Scenario{
			{Name: "member: no password login", Method: "POST", Path: "/v3/user-session", Body: loginBody("dev@example.com", apitest.Password),
				WantStatus: 422, WantCode: 104, WantJSON: map[string]any{"error_message": "This organization requires single sign-on. Sign in through your identity provider."}},
			{Name: "member: no console password login", Method: "POST", Path: "/v3/user-session?session=cookie", Body: loginBody("dev@example.com", apitest.Password),
				WantStatus: 422, WantCode: 104},
			{Name: "a wrong password is still a wrong password", Method: "POST", Path: "/v3/user-session", Body: loginBody("dev@example.com", "Wrong-passw0rd"),
				WantStatus: 422, WantCode: 104, WantJSON: map[string]any{"error_message": "Looks like your email or password is invalid. You have 4 login attempt(s) left."}},
			{Name: "owner: password login", Method: "POST", Path: "/v3/user-session", Body: loginBody("owner@example.com", apitest.Password), WantStatus: 200},
			{Name: "owner's authtoken on the stack", Method: "GET", Path: "/v3/stacks", Headers: hdr("owner", "api_key"), WantStatus: 200},
			{Name: "multi-org user: password login", Method: "POST", Path: "/v3/user-session", Body: loginBody("multi@example.com", apitest.Password), WantStatus: 200},
			{Name: "their password session on the strict org's stack", Method: "GET", Path: "/v3/stacks", Headers: hdr("multi_before", "api_key"),
				WantStatus: 412, WantCode: 109, WantJSON: map[string]any{"errors": map[string]any{"api_key": []any{"requires single sign-on."}}}},
			{Name: "their password session on entries there", Method: "GET", Path: "/v3/content_types", Headers: hdr("multi_before", "api_key"), WantStatus: 412},
			{Name: "their password session on their other org's stack", Method: "GET", Path: "/v3/stacks", Headers: hdr("multi_before", "other_key"), WantStatus: 200},
			{Name: "their password session on user routes", Method: "GET", Path: "/v3/user", Headers: hdr("multi_before", ""), WantStatus: 200},
			{Name: "a management token is unaffected", Method: "GET", Path: "/v3/content_types",
				Headers: map[string]string{"authorization": "{mt}", "api_key": "{api_key}"}, WantStatus: 200},
			{Name: "a management token writes", Method: "POST", Path: "/v3/environments",
				Headers: map[string]string{"authorization": "{mt}", "api_key": "{api_key}"}, Body: map[string]any{"environment": map[string]any{"name": "prod"}}, WantStatus: 201},
		})
		fresh := e.Login("multi@example.com")
		if st, _ := e.Do("GET", "/v3/stacks", map[string]string{"authtoken": fresh, "api_key": e.Vars["api_key"]}, nil); st != 412 {
			t.Errorf("a password authtoken made under strict mode: %d, want 412", st)
		}
		multiConsole := consoleLogin(t, e, e.Handler, "multi@example.com", "")
		if got := e.Send(e.Handler, "GET", "/v3/stacks", withKey(multiConsole.headers(false), e.Vars["api_key"]), nil).Code; got != 412 {
			t.Errorf("a password console session on the strict org's stack: %d, want 412", got)
		}
		p.SignIn(oidctest.Identity{Subject: "multi", Email: "multi@example.com", EmailVerified: oidctest.Bool(true)})
		res := ssoSignIn(t, e, e.Handler, e.OrgUID, nil)
		if res.secret == "" {
			t.Fatalf("sso sign-in: %s", res.failed())
		}
		sso := consoleSession{secret: res.secret}
		if rec := e.Send(e.Handler, "GET", "/v3/stacks", withKey(sso.headers(false), e.Vars["api_key"]), nil); rec.Code != 200 {
			t.Errorf("the SSO console session on the strict org's stack: %d %s", rec.Code, rec.Body.String())
		}
		p.SignIn(oidctest.Identity{Subject: "dev", Email: "dev@example.com", EmailVerified: oidctest.Bool(true)})
		if res := ssoSignIn(t, e, e.Handler, e.OrgUID, nil); res.secret == "" {
			t.Errorf("a strict member's SSO sign-in: %s", res.failed())
		}
		// Turning SSO off lifts strict mode at once.
		if st, body := e.Do("DELETE", "/v3/organizations/{org}/sso", hdr("owner", ""), nil); st != 200 {
			t.Fatalf("turn sso off: %d %v", st, body)
		}
		if st, _ := e.Do("GET", "/v3/stacks", hdr("multi_before", "api_key"), nil); st != 200 {
			t.Errorf("password session after SSO was turned off: %d", st)
		}
		e.Login("dev@example.com")
	})
}

func createStackIn(t *testing.T, e *apitest.Env, token, orgUID string) string {
	t.Helper()
	status, body := e.Do("POST", "/v3/stacks", map[string]string{"authtoken": "{" + token + "}", "organization_uid": orgUID},
		map[string]any{"stack": map[string]any{"name": "Another", "master_locale": "en-us"}})
	if status != 201 {
		t.Fatalf("create stack in %s: %d %v", orgUID, status, body)
	}
	return body["stack"].(map[string]any)["api_key"].(string)
}

func withKey(h map[string]string, apiKey string) map[string]string {
	h["api_key"] = apiKey
	return h
}

// TestSSOSettings: the owner reads, sets and removes the organization's
// SSO settings; the client secret is write-only (masked, kept when left
// out, stored sealed); bad settings are refused naming the field.
func TestSSOSettings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		e.Vars["owner"] = e.Login("owner@example.com")
		owner := hdr("owner", "")
		set := func(issuer, id, secret string, strict bool) map[string]any {
			s := map[string]any{"issuer": issuer, "client_id": id, "strict": strict}
			if secret != "" {
				s["client_secret"] = secret
			}
			return map[string]any{"sso": s}
		}
		const secret = "super-secret-client-value"
		e.Run(t, []apitest.Scenario{
			{Name: "none yet", Method: "GET", Path: "/v3/organizations/{org}/sso", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"sso": map[string]any{"enabled": false, "callback_url": "http://example.com/v3/sso/callback"}}},
			{Name: "a new setting needs the secret", Method: "PUT", Path: "/v3/organizations/{org}/sso", Headers: owner,
				Body: set("https://idp.example.com", "stackd", "", false), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"client_secret": []any{"is required."}}}},
			{Name: "http issuer elsewhere than loopback", Method: "PUT", Path: "/v3/organizations/{org}/sso", Headers: owner,
				Body: set("http://idp.example.com", "stackd", secret, false), WantStatus: 422},
			{Name: "no client id", Method: "PUT", Path: "/v3/organizations/{org}/sso", Headers: owner,
				Body: set("https://idp.example.com", "", secret, false), WantStatus: 422},
			{Name: "no body", Method: "PUT", Path: "/v3/organizations/{org}/sso", Headers: owner, Body: map[string]any{}, WantStatus: 422},
			{Name: "set", Method: "PUT", Path: "/v3/organizations/{org}/sso", Headers: owner,
				Body: set("https://idp.example.com", "stackd", secret, true), WantStatus: 200,
				WantJSON: map[string]any{"sso": map[string]any{"enabled": true, "issuer": "https://idp.example.com", "client_id": "stackd",
					"client_secret": "********", "strict": true}}},
			{Name: "change keeping the secret", Method: "PUT", Path: "/v3/organizations/{org}/sso", Headers: owner,
				Body: set("https://login.example.com/tenant", "stackd-2", "", false), WantStatus: 200,
				WantJSON: map[string]any{"sso": map[string]any{"issuer": "https://login.example.com/tenant", "client_id": "stackd-2", "strict": false}}},
			{Name: "read", Method: "GET", Path: "/v3/organizations/{org}/sso", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"sso": map[string]any{"enabled": true, "client_secret": "********"}}},
			{Name: "another organization's", Method: "GET", Path: "/v3/organizations/" + domain.NewUID() + "/sso", Headers: owner, WantStatus: 422},
			{Name: "remove", Method: "DELETE", Path: "/v3/organizations/{org}/sso", Headers: owner, WantStatus: 200},
			{Name: "remove again", Method: "DELETE", Path: "/v3/organizations/{org}/sso", Headers: owner, WantStatus: 422},
		})
		if e.Store.Engine() == "sqlite" && dbContains(t, e, secret) {
			t.Error("the client secret is stored in clear")
		}
	})
}
