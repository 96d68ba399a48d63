package api_test

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

// Sign out everywhere and 2FA enrolment: any signed-in user for themselves (authtoken or
// console session); never a token. Nobody in the template has a pending enrolment or 2FA on,
// so confirming and disabling are refused as invalid (422) after authorization passed.
func init() {
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"DELETE /v3/user-sessions", "/v3/user-sessions", nil, nil,
			"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
		matrixRow{"POST /v3/user/two_factor", "/v3/user/two_factor", nil, nil,
			"200 200 200 200 200 200 200 403 403 403 403 401 401 403 401 401"},
		matrixRow{"POST /v3/user/two_factor/confirm", "/v3/user/two_factor/confirm", nil, map[string]any{"tfa_token": "123456"},
			"422 422 422 422 422 422 422 403 403 403 403 401 401 403 401 401"},
		matrixRow{"DELETE /v3/user/two_factor", "/v3/user/two_factor", nil, map[string]any{"tfa_token": "123456"},
			"422 422 422 422 422 422 422 403 403 403 403 401 401 403 401 401"},
	)
	// Single sign-on settings: the organization's owner only (every other matrix user is a
	// member of the organization, not its owner); never a token. The template has settings
	// (seeded below) so that removing them succeeds.
	moreMatrixSeeds = append(moreMatrixSeeds, func(t *testing.T, e *apitest.Env) {
		status, body := e.Do("PUT", "/v3/organizations/{org}/sso", hdr("owner", ""), map[string]any{"sso": map[string]any{
			"issuer": "http://127.0.0.1:9", "client_id": "stackd", "client_secret": "matrix-secret"}})
		if status != 200 {
			t.Fatalf("seed sso: %d %v", status, body)
		}
	})
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"GET /v3/organizations/{org_uid}/sso", "/v3/organizations/{org}/sso", nil, nil,
			"200 403 403 403 403 403 403 403 403 403 403 401 401 403 401 401"},
		matrixRow{"PUT /v3/organizations/{org_uid}/sso", "/v3/organizations/{org}/sso", nil,
			map[string]any{"sso": map[string]any{"issuer": "https://idp.example.com", "client_id": "other", "strict": false}},
			"200 403 403 403 403 403 403 403 403 403 403 401 401 403 401 401"},
		matrixRow{"DELETE /v3/organizations/{org_uid}/sso", "/v3/organizations/{org}/sso", nil, nil,
			"200 403 403 403 403 403 403 403 403 403 403 401 401 403 401 401"},
		// The browser's sign-in takes no credential: every caller is sent back to the console
		// (here with an error: no organization named, no sign-in under way).
		matrixRow{"GET /v3/sso/start", "/v3/sso/start", nil, nil,
			"302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302"},
		matrixRow{"GET /v3/sso/callback", "/v3/sso/callback?code=x&state=y", nil, nil,
			"302 302 302 302 302 302 302 302 302 302 302 302 302 302 302 302"},
	)
}

// TestPermissionMatrixConsole: the console's session cookie is the "user"
// credential kind, so on every route that accepts an authtoken the owner's
// console session gets exactly the status the matrix row expects for the
// owner's authtoken (with the CSRF token on writes, as the console sends
// it). A refused cell must leave the database unchanged, as in the matrix.
func TestPermissionMatrixConsole(t *testing.T) {
	vars, open := sqliteMatrixTemplate(t)
	ownerCol := indexOf(matrixPrincipals, "owner")
	acceptsUser := map[string]bool{}
	for _, r := range api.Routes() {
		acceptsUser[r.Method+" "+r.Path] = r.Creds.Has(domain.CredUser)
	}
	cells := 0
	for _, row := range allMatrixRows() {
		if !acceptsUser[row.route] {
			continue
		}
		cells++
		want := strings.Fields(row.want)[ownerCol]
		t.Run(row.route, func(t *testing.T) {
			st, dir := open(t)
			defer st.Close()
			secret := auth.NewConsoleSecret()
			owner, err := st.UserByEmail(context.Background(), "owner@example.com")
			if err != nil {
				t.Fatal(err)
			}
			sess := domain.Session{TokenHash: auth.HashToken(secret), UserUID: owner.UID, Kind: domain.SessionConsole,
				CreatedAt: matrixAt, IdleUntil: matrixAt.Add(time.Hour), ExpiresAt: matrixAt.Add(time.Hour)}
			if err := st.StartSession(context.Background(), sess, 20); err != nil {
				t.Fatal(err)
			}
			before, err := st.Fingerprint(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			e := apitest.NewOn(t, st, dir, matrixAt)
			e.Vars = maps.Clone(vars)
			h := map[string]string{"Cookie": api.SessionCookie + "=" + secret, api.CSRFHeader: auth.CSRFToken(apitest.SecretKey, secret),
				"Sec-Fetch-Site": "same-origin", "api_key": "{api_key}"}
			maps.Copy(h, row.headers)
			rec := e.Send(e.Handler, strings.Fields(row.route)[0], row.path, h, row.body)
			if got := rec.Code; got != atoi(t, want) {
				t.Fatalf("%s with the owner's console session: %d, want %s (the owner's authtoken); body %s", row.route, got, want, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), `"authtoken"`) {
				t.Errorf("%s answered a console session with an authtoken: %s", row.route, rec.Body.String())
			}
			if rec.Code < 400 {
				return
			}
			if after, _ := st.Fingerprint(context.Background()); after != before {
				t.Errorf("%s was refused (%d) but changed the database", row.route, rec.Code)
			}
		})
	}
	t.Logf("console matrix: %d routes checked", cells)
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	panic("no " + s)
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("bad status %q", s)
	}
	return n
}
