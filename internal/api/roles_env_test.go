package api_test

import (
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

func TestRoleScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		rules := []any{branches("main"), map[string]any{"module": "content_type", "content_types": []any{"$all"}, "acl": map[string]any{"read": true}}}
		e.Vars["custom"] = mustCreate(t, e, "/v3/roles", hdr("dev", "api_key"), map[string]any{"role": map[string]any{"name": "Reader", "rules": rules}}, "role")
		e.Run(t, []apitest.Scenario{
			{Name: "get with rules", Method: "GET", Path: "/v3/roles/{custom}", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"role": map[string]any{"name": "Reader", "rules": rules}}},
			{Name: "missing branch rule", Method: "POST", Path: "/v3/roles", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"role": map[string]any{"name": "NoBranch", "rules": []any{}}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"rules.branch": []any{"is required: a role must name the branches it applies to."}}}},
			{Name: "unknown rule module", Method: "POST", Path: "/v3/roles", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"role": map[string]any{"name": "X", "rules": []any{branches("main"), map[string]any{"module": "spaceship"}}}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"rules.1.module": []any{`"spaceship" is not a known module.`}}}},
			{Name: "duplicate name", Method: "POST", Path: "/v3/roles", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"role": map[string]any{"name": "Reader", "rules": rules}}, WantStatus: 422},
			{Name: "rules must be an array", Method: "POST", Path: "/v3/roles", Headers: hdr("owner", "api_key"),
				Body: `{"role":{"name":"Y","rules":"all"}}`, WantStatus: 422},
			{Name: "content manager may not create", Method: "POST", Path: "/v3/roles", Headers: hdr("cm", "api_key"),
				Body: map[string]any{"role": map[string]any{"name": "Z", "rules": rules}}, WantStatus: 403, WantCode: 162},
			{Name: "built-in roles are immutable", Method: "PUT", Path: "/v3/roles/{admin_role}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"role": map[string]any{"name": "Boss"}}, WantStatus: 422},
			{Name: "built-in roles cannot be deleted", Method: "DELETE", Path: "/v3/roles/{dev_role}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "rename custom", Method: "PUT", Path: "/v3/roles/{custom}", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"role": map[string]any{"name": "Readers"}}, WantStatus: 200,
				WantJSON: map[string]any{"role": map[string]any{"name": "Readers", "rules": rules}}},
			{Name: "assign custom", Method: "POST", Path: "/v3/stacks/users/roles", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"users": map[string]any{"{norole_uid}": []any{"{custom}"}}}, WantStatus: 200},
			{Name: "held role cannot be deleted", Method: "DELETE", Path: "/v3/roles/{custom}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "custom role reads environments? no rule", Method: "GET", Path: "/v3/environments", Headers: hdr("norole", "api_key"), WantStatus: 403},
			{Name: "unassign", Method: "POST", Path: "/v3/stacks/users/roles", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"users": map[string]any{"{norole_uid}": []any{}}}, WantStatus: 200},
			{Name: "delete custom", Method: "DELETE", Path: "/v3/roles/{custom}", Headers: hdr("owner", "api_key"), WantStatus: 200},
			{Name: "deleted role is gone", Method: "GET", Path: "/v3/roles/{custom}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "list with rules", Method: "GET", Path: "/v3/roles?include_rules=true&include_count=true", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"count": 3}},
		})
	})
}

func TestEnvironmentAndDeliveryTokenScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		dtBody := func(env string, withBranch bool) map[string]any {
			scope := []any{map[string]any{"module": "environment", "environments": []any{env}, "acl": map[string]any{"read": true}}}
			if withBranch {
				scope = append(scope, branches("main"))
			}
			return map[string]any{"token": map[string]any{"name": "site", "scope": scope}}
		}
		e.Run(t, []apitest.Scenario{
			{Name: "create environment", Method: "POST", Path: "/v3/environments", Headers: hdr("dev", "api_key"),
				Body:       map[string]any{"environment": map[string]any{"name": "production", "urls": []any{map[string]any{"locale": "en-us", "url": "https://example.com/"}}}},
				WantStatus: 201, WantJSON: map[string]any{"notice": "Environment created successfully.", "environment": map[string]any{"name": "production"}}},
			{Name: "duplicate environment", Method: "POST", Path: "/v3/environments", Headers: hdr("dev", "api_key"),
				Body: map[string]any{"environment": map[string]any{"name": "production"}}, WantStatus: 422},
			{Name: "bad environment name", Method: "POST", Path: "/v3/environments", Headers: hdr("dev", "api_key"),
				Body: map[string]any{"environment": map[string]any{"name": "../x"}}, WantStatus: 422},
			{Name: "bad urls", Method: "POST", Path: "/v3/environments", Headers: hdr("dev", "api_key"),
				Body: map[string]any{"environment": map[string]any{"name": "qa", "urls": "nope"}}, WantStatus: 422},
			{Name: "content manager reads", Method: "GET", Path: "/v3/environments/production", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"environment": map[string]any{"urls": []any{map[string]any{"locale": "en-us", "url": "https://example.com/"}}}}},
			{Name: "content manager may not write", Method: "DELETE", Path: "/v3/environments/production", Headers: hdr("cm", "api_key"), WantStatus: 403},
			{Name: "unknown environment", Method: "GET", Path: "/v3/environments/nowhere", Headers: hdr("cm", "api_key"), WantStatus: 422},
			{Name: "delivery token needs branch", Method: "POST", Path: "/v3/stacks/delivery_tokens", Headers: hdr("dev", "api_key"),
				Body: dtBody("production", false), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"scope.branch_or_alias": []any{"is required: name the branches or branch aliases the token may use."}}}},
			{Name: "delivery token unknown environment", Method: "POST", Path: "/v3/stacks/delivery_tokens", Headers: hdr("dev", "api_key"),
				Body: dtBody("nowhere", true), WantStatus: 422},
			{Name: "delivery token by content manager", Method: "POST", Path: "/v3/stacks/delivery_tokens", Headers: hdr("cm", "api_key"),
				Body: dtBody("production", true), WantStatus: 403},
			{Name: "delivery token", Method: "POST", Path: "/v3/stacks/delivery_tokens", Headers: hdr("dev", "api_key"),
				Body: dtBody("production", true), WantStatus: 201,
				WantJSON: map[string]any{"notice": "Delivery Token created successfully.", "token": map[string]any{"name": "site", "type": "delivery"}}},
			{Name: "environment in use", Method: "DELETE", Path: "/v3/environments/production", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "rename environment", Method: "PUT", Path: "/v3/environments/production", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"environment": map[string]any{"name": "live"}}, WantStatus: 200, WantJSON: map[string]any{"environment": map[string]any{"name": "live"}}},
		})
		_, list := e.Do("GET", "/v3/stacks/delivery_tokens", hdr("owner", "api_key"), nil)
		tok := list["tokens"].([]any)[0].(map[string]any)
		secret := tok["token"].(string)
		if !secretShape.MatchString(secret) || secret[:4] != "csdt" {
			t.Fatalf("delivery token secret %q", secret)
		}
		env := tok["scope"].([]any)[0].(map[string]any)["environments"].([]any)[0].(map[string]any)
		if env["name"] != "live" {
			t.Errorf("delivery token scope does not follow the renamed environment: %v", env)
		}
		e.Vars["dt"] = secret
		e.Vars["dt_uid"] = tok["uid"].(string)
		cda := func(h map[string]string, path string) (int, map[string]any) {
			return e.DoOn(e.CDA, "GET", path, h, nil)
		}
		for _, c := range []struct {
			name    string
			h       map[string]string
			path    string
			status  int
			errCode int
		}{
			{"delivery token reads", map[string]string{"api_key": "{api_key}", "access_token": "{dt}"}, "/v3/content_types?environment=live", 200, 0},
			{"wrong environment", map[string]string{"api_key": "{api_key}", "access_token": "{dt}"}, "/v3/content_types?environment=qa", 422, 422},
			{"unknown api_key", map[string]string{"api_key": "bltnope", "access_token": "{dt}"}, "/v3/content_types", 412, 109},
			{"other stack", map[string]string{"api_key": "{other_key}", "access_token": "{dt}"}, "/v3/content_types", 401, 105},
			{"authtoken is not a delivery token", map[string]string{"api_key": "{api_key}", "access_token": "{owner}"}, "/v3/content_types", 401, 105},
			{"no token", map[string]string{"api_key": "{api_key}"}, "/v3/content_types", 401, 105},
		} {
			status, body := cda(c.h, c.path)
			if status != c.status {
				t.Errorf("CDA %s: %d %v, want %d", c.name, status, body, c.status)
			} else if c.errCode != 0 {
				apitest.CheckError(t, body, c.errCode)
			}
		}
		if status, _ := e.Do("DELETE", "/v3/stacks/delivery_tokens/{dt_uid}", hdr("owner", "api_key"), nil); status != 200 {
			t.Fatal("delete delivery token")
		}
		if status, _ := cda(map[string]string{"api_key": "{api_key}", "access_token": "{dt}"}, "/v3/content_types"); status != 401 {
			t.Errorf("deleted delivery token still reads: %d", status)
		}
	})
}

// TestDeliveryTokenUpdateTakesItsShownScope: the SDK updates a token by
// sending back what a fetch showed, with the environment expanded into an
// object; stackd reads the environment from it and stores its name.
func TestDeliveryTokenUpdateTakesItsShownScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		owner := hdr("owner", "api_key")
		for _, name := range []string{"production", "staging"} {
			mustCreate(t, e, "/v3/environments", owner, map[string]any{"environment": map[string]any{"name": name}}, "environment")
		}
		scope := []any{map[string]any{"module": "environment", "environments": []any{"production"}, "acl": map[string]any{"read": true}}, branches("main")}
		e.Vars["dt_uid"] = mustCreate(t, e, "/v3/stacks/delivery_tokens", owner, map[string]any{"token": map[string]any{"name": "site", "scope": scope}}, "token")
		_, got := e.Do("GET", "/v3/stacks/delivery_tokens/{dt_uid}", owner, nil)
		shown := got["token"].(map[string]any)
		shown["description"] = "the public site"
		staging := map[string]any{"name": "staging", "uid": "bltnotauid"}
		e.Run(t, []apitest.Scenario{
			{Name: "update with the token as shown", Method: "PUT", Path: "/v3/stacks/delivery_tokens/{dt_uid}", Headers: owner,
				Body: map[string]any{"token": shown}, WantStatus: 200,
				WantJSON: map[string]any{"token": map[string]any{"description": "the public site", "scope": []any{
					map[string]any{"module": "environment", "environments": []any{map[string]any{"name": "production"}}}, branches("main")}}}},
			{Name: "an environment object names the environment by uid first, else by name", Method: "PUT", Path: "/v3/stacks/delivery_tokens/{dt_uid}", Headers: owner,
				Body: map[string]any{"token": map[string]any{"scope": []any{
					map[string]any{"module": "environment", "environments": []any{staging}, "acl": map[string]any{"read": true}}, branches("main")}}},
				WantStatus: 422},
			{Name: "an environment object by name", Method: "PUT", Path: "/v3/stacks/delivery_tokens/{dt_uid}", Headers: owner,
				Body: map[string]any{"token": map[string]any{"scope": []any{
					map[string]any{"module": "environment", "environments": []any{map[string]any{"name": "staging"}}, "acl": map[string]any{"read": true}}, branches("main")}}},
				WantStatus: 200, WantJSON: map[string]any{"token": map[string]any{"scope": []any{
					map[string]any{"module": "environment", "environments": []any{map[string]any{"name": "staging"}}}, branches("main")}}}},
			{Name: "an environment that is neither a string nor an object", Method: "PUT", Path: "/v3/stacks/delivery_tokens/{dt_uid}", Headers: owner,
				Body: map[string]any{"token": map[string]any{"scope": []any{
					map[string]any{"module": "environment", "environments": []any{42}, "acl": map[string]any{"read": true}}, branches("main")}}},
				WantStatus: 422},
		})
		stored, err := e.Store.DeliveryToken(t.Context(), e.Vars["api_key"], e.Vars["dt_uid"])
		if err != nil {
			t.Fatal(err)
		}
		if want := `"environments":["staging"]`; !strings.Contains(string(stored.Scope), want) {
			t.Errorf("stored scope %s, want the environment's name (%s)", stored.Scope, want)
		}
	})
}
