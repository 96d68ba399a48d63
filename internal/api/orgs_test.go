package api_test

import (
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

func TestUserAndOrgScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		e.Vars["owner2"] = e.Login("owner@example.com")
		e.Run(t, []apitest.Scenario{
			{Name: "get user", Method: "GET", Path: "/v3/user", Headers: hdr("dev", ""), WantStatus: 200,
				WantJSON: map[string]any{"user": map[string]any{"uid": "{dev_uid}", "email": "dev@example.com", "authtoken": "{dev}",
					"organizations": []any{map[string]any{"uid": "{org}", "is_owner": false}}}}},
			{Name: "get user without token", Method: "GET", Path: "/v3/user", WantStatus: 401, WantCode: 105,
				WantJSON: map[string]any{"errors": map[string]any{"authtoken": []any{"is not valid."}}}},
			{Name: "update names", Method: "PUT", Path: "/v3/user", Headers: hdr("dev", ""),
				Body: map[string]any{"user": map[string]any{"first_name": "Grace", "last_name": "Hopper"}}, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Profile updated successfully.", "user": map[string]any{"first_name": "Grace", "last_name": "Hopper"}}},
			{Name: "update with too long name", Method: "PUT", Path: "/v3/user", Headers: hdr("dev", ""),
				Body: map[string]any{"user": map[string]any{"first_name": strings.Repeat("x", 101)}}, WantStatus: 422},
			{Name: "password without current", Method: "PUT", Path: "/v3/user", Headers: hdr("owner", ""),
				Body: map[string]any{"user": map[string]any{"password": "N3w-password"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"current_password": []any{"is required to change the password."}}}},
			{Name: "password with wrong current", Method: "PUT", Path: "/v3/user", Headers: hdr("owner", ""),
				Body: map[string]any{"user": map[string]any{"password": "N3w-password", "current_password": "wrong-one-1"}}, WantStatus: 422},
			{Name: "weak password", Method: "PUT", Path: "/v3/user", Headers: hdr("owner", ""),
				Body: map[string]any{"user": map[string]any{"password": "short", "current_password": apitest.Password}}, WantStatus: 422},
			{Name: "other session still valid after refusals", Method: "GET", Path: "/v3/user", Headers: hdr("owner2", ""), WantStatus: 200},
			{Name: "change password", Method: "PUT", Path: "/v3/user", Headers: hdr("owner", ""),
				Body: map[string]any{"user": map[string]any{"password": "N3w-password", "current_password": apitest.Password}}, WantStatus: 200},
			{Name: "this session survives", Method: "GET", Path: "/v3/user", Headers: hdr("owner", ""), WantStatus: 200},
			{Name: "other session revoked", Method: "GET", Path: "/v3/user", Headers: hdr("owner2", ""), WantStatus: 401, WantCode: 105},
			{Name: "old password refused", Method: "POST", Path: "/v3/user-session", Body: loginBody("owner@example.com", apitest.Password), WantStatus: 422, WantCode: 104},
			{Name: "new password works", Method: "POST", Path: "/v3/user-session", Body: loginBody("owner@example.com", "N3w-password"), WantStatus: 200},
			{Name: "list organizations", Method: "GET", Path: "/v3/organizations?include_count=true", Headers: hdr("dev", ""), WantStatus: 200,
				WantJSON: map[string]any{"count": 1, "organizations": []any{map[string]any{"uid": "{org}", "name": "Test Org"}}}},
			{Name: "get organization", Method: "GET", Path: "/v3/organizations/{org}", Headers: hdr("owner", ""), WantStatus: 200,
				WantJSON: map[string]any{"organization": map[string]any{"uid": "{org}", "is_owner": true}}},
			{Name: "get unknown organization", Method: "GET", Path: "/v3/organizations/bltffffffffffffffff", Headers: hdr("owner", ""), WantStatus: 422},
			{Name: "organization stacks", Method: "GET", Path: "/v3/organizations/{org}/stacks", Headers: hdr("outsider", ""), WantStatus: 200,
				WantJSON: map[string]any{"stacks": []any{map[string]any{"api_key": "{other_key}"}}}},
			{Name: "organizations without token", Method: "GET", Path: "/v3/organizations", WantStatus: 401, WantCode: 105},
		})
	})
}

func TestHTTPConventions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		big := `{"stack":{"name":"` + strings.Repeat("a", 70<<10) + `"}}`
		e.Run(t, []apitest.Scenario{
			{Name: "unknown path", Method: "GET", Path: "/v3/nothing-here", WantStatus: 404, WantCode: 404},
			{Name: "wrong method", Method: "PATCH", Path: "/v3/user", WantStatus: 405, WantCode: 405},
			{Name: "oversized body", Method: "PUT", Path: "/v3/stacks", Headers: hdr("owner", "api_key"), Body: big, WantStatus: 413, WantCode: 413},
			{Name: "management token before tokens exist", Method: "GET", Path: "/v3/stacks",
				Headers: map[string]string{"authorization": "csdeadbeef", "api_key": "{api_key}"}, WantStatus: 401, WantCode: 105},
			{Name: "list roles as developer", Method: "GET", Path: "/v3/roles?include_count=true&asc=name", Headers: hdr("dev", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"count": 3, "roles": []any{map[string]any{"name": "Admin"}, map[string]any{"name": "Content Manager"}, map[string]any{"name": "Developer"}}}},
			{Name: "list roles descending", Method: "GET", Path: "/v3/roles?desc=name&limit=1", Headers: hdr("dev", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"roles": []any{map[string]any{"name": "Developer"}}}},
		})
		status, _ := e.Do("GET", "/healthz", nil, nil)
		if status != 200 {
			t.Errorf("healthz = %d", status)
		}
	})
}

func TestInvalidCharactersAreRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		e.Run(t, []apitest.Scenario{
			{Name: "NUL in api_key", Method: "GET", Path: "/v3/environments", Headers: map[string]string{"authtoken": "{owner}", "api_key": "blt\x00x"}, WantStatus: 400, WantCode: 400},
			{Name: "NUL in a path parameter", Method: "GET", Path: "/v3/roles/blt%00x", Headers: hdr("owner", "api_key"), WantStatus: 400, WantCode: 400},
			{Name: "invalid UTF-8 in the query", Method: "GET", Path: "/v3/environments?asc=%ff", Headers: hdr("owner", "api_key"), WantStatus: 400, WantCode: 400},
			{Name: "invalid UTF-8 in a path parameter", Method: "GET", Path: "/v3/environments/%c3%28", Headers: hdr("owner", "api_key"), WantStatus: 400, WantCode: 400},
		})
	})
}
