package api_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

var secretShape = regexp.MustCompile(`^cs(mt|dt)[0-9a-f]{40}$`)

func tokenBody(name string, scope []any, expires any) map[string]any {
	return map[string]any{"token": map[string]any{"name": name, "description": "d", "scope": scope, "expires_on": expires}}
}

func rw(module string) map[string]any {
	return map[string]any{"module": module, "acl": map[string]any{"read": true, "write": true}}
}

func ro(module string) map[string]any {
	return map[string]any{"module": module, "acl": map[string]any{"read": true}}
}

func branches(b ...any) map[string]any {
	return map[string]any{"module": "branch", "branches": b, "acl": map[string]any{"read": true}}
}

// createToken creates a management token as the owner and returns its uid and secret.
func createToken(t *testing.T, e *apitest.Env, scope []any, expires any) (string, string) {
	t.Helper()
	status, body := e.Do("POST", "/v3/stacks/management_tokens", hdr("owner", "api_key"), tokenBody("t", scope, expires))
	if status != 201 {
		t.Fatalf("create token: %d %v", status, body)
	}
	tok := body["token"].(map[string]any)
	return tok["uid"].(string), tok["token"].(string)
}

func mt(secret, apiKey string) map[string]string {
	return map[string]string{"authorization": secret, "api_key": "{" + apiKey + "}"}
}

func TestManagementTokenScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		e.Run(t, []apitest.Scenario{
			{Name: "create", Method: "POST", Path: "/v3/stacks/management_tokens", Headers: hdr("admin", "api_key"),
				Body: tokenBody("ci", []any{rw("content_type"), branches("main")}, "2030-01-01"), WantStatus: 201,
				WantJSON: map[string]any{"notice": "Management Token created successfully.",
					"token": map[string]any{"name": "ci", "expires_on": "2030-01-01T00:00:00.000Z", "type": "management"}}},
			{Name: "developer may not create", Method: "POST", Path: "/v3/stacks/management_tokens", Headers: hdr("dev", "api_key"),
				Body: tokenBody("x", []any{rw("entry"), branches("main")}, nil), WantStatus: 403, WantCode: 162},
			{Name: "content manager may not list", Method: "GET", Path: "/v3/stacks/management_tokens", Headers: hdr("cm", "api_key"), WantStatus: 403},
			{Name: "no branch scope", Method: "POST", Path: "/v3/stacks/management_tokens", Headers: hdr("owner", "api_key"),
				Body: tokenBody("x", []any{rw("entry")}, nil), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"scope.branch_or_alias": []any{"is required: name the branches or branch aliases the token may use."}}}},
			{Name: "unknown module", Method: "POST", Path: "/v3/stacks/management_tokens", Headers: hdr("owner", "api_key"),
				Body: tokenBody("x", []any{rw("spaceship"), branches("main")}, nil), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"scope.0.module": []any{`"spaceship" is not a known module.`}}}},
			{Name: "expiry in the past", Method: "POST", Path: "/v3/stacks/management_tokens", Headers: hdr("owner", "api_key"),
				Body: tokenBody("x", []any{rw("entry"), branches("main")}, "2020-01-01"), WantStatus: 422},
			{Name: "expiry not a date", Method: "POST", Path: "/v3/stacks/management_tokens", Headers: hdr("owner", "api_key"),
				Body: tokenBody("x", []any{rw("entry"), branches("main")}, "soon"), WantStatus: 422},
			{Name: "missing name", Method: "POST", Path: "/v3/stacks/management_tokens", Headers: hdr("owner", "api_key"),
				Body: `{"token":{"scope":[{"module":"branch","branches":["main"]}]}}`, WantStatus: 422},
			{Name: "list has no secrets", Method: "GET", Path: "/v3/stacks/management_tokens", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"tokens": []any{map[string]any{"name": "ci"}}}},
		})
		_, body := e.Do("GET", "/v3/stacks/management_tokens", hdr("owner", "api_key"), nil)
		for _, tok := range body["tokens"].([]any) {
			if _, has := tok.(map[string]any)["token"]; has {
				t.Errorf("list shows a secret: %v", tok)
			}
		}
	})
}

func TestManagementTokenUse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		uid, secret := createToken(t, e, []any{rw("environment"), ro("role"), branches("main")}, "2026-03-05")
		if !secretShape.MatchString(secret) {
			t.Fatalf("secret %q does not have the documented shape", secret)
		}
		e.Vars["mt"], e.Vars["mt_uid"] = secret, uid
		h := mt("{mt}", "api_key")
		bearer := map[string]string{"authorization": "Bearer {mt}", "api_key": "{api_key}"}
		e.Run(t, []apitest.Scenario{
			{Name: "create environment", Method: "POST", Path: "/v3/environments", Headers: h,
				Body:       map[string]any{"environment": map[string]any{"name": "development", "urls": []any{map[string]any{"locale": "en-us", "url": "http://x.test/"}}}},
				WantStatus: 201, WantJSON: map[string]any{"environment": map[string]any{"name": "development", "created_by": "{mt_uid}"}}},
			{Name: "read with Bearer prefix", Method: "GET", Path: "/v3/environments?limit=1", Headers: bearer, WantStatus: 200},
			{Name: "read roles", Method: "GET", Path: "/v3/roles", Headers: h, WantStatus: 200},
			{Name: "write roles refused", Method: "POST", Path: "/v3/roles", Headers: h,
				Body: map[string]any{"role": map[string]any{"name": "r", "rules": []any{branches("main")}}}, WantStatus: 403, WantCode: 162},
			{Name: "stack fetch refused", Method: "GET", Path: "/v3/stacks", Headers: h, WantStatus: 403, WantCode: 162},
			{Name: "token management refused", Method: "GET", Path: "/v3/stacks/management_tokens", Headers: h, WantStatus: 403, WantCode: 162},
			{Name: "user refused", Method: "GET", Path: "/v3/user", Headers: map[string]string{"authorization": "{mt}"}, WantStatus: 403, WantCode: 162},
			{Name: "other stack's api_key", Method: "GET", Path: "/v3/environments", Headers: mt("{mt}", "other_key"), WantStatus: 401, WantCode: 105},
			{Name: "unknown api_key", Method: "GET", Path: "/v3/environments", Headers: map[string]string{"authorization": "{mt}", "api_key": "bltnope"}, WantStatus: 401, WantCode: 105},
			{Name: "other branch", Method: "GET", Path: "/v3/environments", Headers: map[string]string{"authorization": "{mt}", "api_key": "{api_key}", "branch": "dev"}, WantStatus: 422, WantCode: 905},
			{Name: "wrong secret", Method: "GET", Path: "/v3/environments", Headers: mt("csmt0000000000000000000000000000000000000000", "api_key"), WantStatus: 401, WantCode: 105},
			{Name: "delivery token on the CMA", Method: "GET", Path: "/v3/environments", Headers: map[string]string{"access_token": "{mt}", "api_key": "{api_key}"}, WantStatus: 401, WantCode: 105},
		})
		// The audit item of the token's write names the token and no person.
		_, logs := e.Do("GET", "/v3/audit-logs", hdr("owner", "api_key"), nil)
		var item map[string]any
		for _, it := range logs["logs"].([]any) {
			if m := it.(map[string]any); m["module"] == "environment" {
				item = m
			}
		}
		if item == nil || item["actor_kind"] != "management_token" {
			t.Fatalf("audit item of the token's environment create: %v", logs)
		}
		if _, has := item["created_by"]; has || item["management_token"].(map[string]any)["uid"] != uid {
			t.Errorf("audit item of a token write: %v", item)
		}
		for _, personal := range []string{"owner@example.com", e.Vars["owner"]} {
			if strings.Contains(toJSON(t, item), personal) {
				t.Errorf("audit item carries %q", personal)
			}
		}
		// The token expires at 00:00 UTC of its expires_on date.
		e.Clock.Advance(24 * time.Hour)
		status, body := e.Do("GET", "/v3/environments", h, nil)
		if status != 401 {
			t.Fatalf("expired token: %d %v", status, body)
		}
		apitest.CheckError(t, body, 105)
	})
}

func TestManagementTokenRotationAndRevocation(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	stackEnv(t, e)
	uid, old := createToken(t, e, []any{rw("$all"), branches("main")}, nil)
	e.Vars["uid"] = uid
	status, body := e.Do("POST", "/v3/stacks/management_tokens/{uid}/rotate", hdr("owner", "api_key"), map[string]any{"grace_period_seconds": 60})
	if status != 200 {
		t.Fatalf("rotate: %d %v", status, body)
	}
	fresh := body["token"].(map[string]any)["token"].(string)
	for _, s := range []string{old, fresh} {
		if status, _ := e.Do("GET", "/v3/environments", map[string]string{"authorization": s, "api_key": "{api_key}"}, nil); status != 200 {
			t.Fatalf("within the grace period a secret was refused: %d", status)
		}
	}
	e.Clock.Advance(61 * time.Second)
	if status, _ := e.Do("GET", "/v3/environments", map[string]string{"authorization": old, "api_key": "{api_key}"}, nil); status != 401 {
		t.Errorf("old secret works after the grace period: %d", status)
	}
	if status, _ := e.Do("GET", "/v3/environments", map[string]string{"authorization": fresh, "api_key": "{api_key}"}, nil); status != 200 {
		t.Errorf("new secret refused: %d", status)
	}
	status, _ = e.Do("POST", "/v3/stacks/management_tokens/{uid}/rotate", hdr("owner", "api_key"), nil)
	if status != 200 {
		t.Fatalf("rotate without grace: %d", status)
	}
	if status, _ := e.Do("GET", "/v3/environments", map[string]string{"authorization": fresh, "api_key": "{api_key}"}, nil); status != 401 {
		t.Errorf("a rotation without grace kept the previous secret: %d", status)
	}
	if status, _ := e.Do("DELETE", "/v3/stacks/management_tokens/{uid}", hdr("owner", "api_key"), nil); status != 200 {
		t.Fatal("delete failed")
	}
	if status, _ := e.Do("GET", "/v3/stacks/management_tokens/{uid}", hdr("owner", "api_key"), nil); status != 422 {
		t.Errorf("deleted token still listed: %d", status)
	}
	// Tokens are stored only as hashes.
	for _, secret := range []string{old, fresh} {
		if dbContains(t, e, secret) {
			t.Errorf("a token secret is stored in clear")
		}
	}
}

func TestManagementTokenLimit(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	stackEnv(t, e)
	for i := 0; i < 30; i++ {
		createToken(t, e, []any{ro("entry"), branches("main")}, nil)
	}
	status, body := e.Do("POST", "/v3/stacks/management_tokens", hdr("owner", "api_key"), tokenBody("31st", []any{ro("entry"), branches("main")}, nil))
	if status != 422 || !strings.Contains(body["error_message"].(string), "30") {
		t.Fatalf("31st token: %d %v", status, body)
	}
	tokens, _ := e.Store.ManagementTokens(context.Background(), e.Vars["api_key"])
	if len(tokens) != 30 {
		t.Errorf("%d tokens stored", len(tokens))
	}
}

func TestAuditLogReadOnly(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	stackEnv(t, e)
	e.Run(t, []apitest.Scenario{
		{Name: "developer reads", Method: "GET", Path: "/v3/audit-logs?include_count=true", Headers: hdr("dev", "api_key"), WantStatus: 200},
		{Name: "content manager may not", Method: "GET", Path: "/v3/audit-logs", Headers: hdr("cm", "api_key"), WantStatus: 403},
		{Name: "no writes", Method: "DELETE", Path: "/v3/audit-logs", Headers: hdr("owner", "api_key"), WantStatus: 405},
		{Name: "unknown item", Method: "GET", Path: "/v3/audit-logs/bltffffffffffffffff", Headers: hdr("owner", "api_key"), WantStatus: 422},
	})
	items, total, err := e.Store.AuditLog(context.Background(), store.AuditFilter{APIKey: e.Vars["api_key"], Limit: 100})
	if err != nil || total == 0 || items[len(items)-1].EventType != "create" || items[len(items)-1].UserUID == "" {
		t.Fatalf("audit log after stack creation and sharing: %d items, %v", total, err)
	}
}
