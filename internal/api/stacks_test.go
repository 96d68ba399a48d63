package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// stackEnv seeds: owner with stack S1, an admin, a developer, a content
// manager, a member with no role, an outsider (same organization, not on
// the stack), and a user of another organization's stack.
func stackEnv(t *testing.T, e *apitest.Env) {
	owner := e.Login("owner@example.com")
	e.Vars["owner"] = owner
	e.Vars["api_key"] = e.CreateStack(owner, "S1")
	for _, u := range []struct{ email, role, key string }{
		{"admin@example.com", "Admin", "admin"},
		{"dev@example.com", "Developer", "dev"},
		{"cm@example.com", "Content Manager", "cm"},
		{"norole@example.com", "", "norole"},
	} {
		uid := e.AddUser(u.email)
		e.Vars[u.key+"_uid"] = uid
		if u.role != "" {
			e.Share(e.Vars["api_key"], uid, u.role)
		} else {
			e.Share(e.Vars["api_key"], uid)
		}
		e.Vars[u.key] = e.Login(u.email)
	}
	e.Vars["outsider_uid"] = e.AddUser("outsider@example.com")
	e.Vars["outsider"] = e.Login("outsider@example.com")
	e.Vars["other_key"] = e.CreateStack(e.Vars["outsider"], "Outsider's stack")
	e.Vars["admin_role"] = e.RoleUID(e.Vars["api_key"], "Admin")
	e.Vars["dev_role"] = e.RoleUID(e.Vars["api_key"], "Developer")
}

func hdr(token string, apiKey string) map[string]string {
	h := map[string]string{"authtoken": "{" + token + "}"}
	if apiKey != "" {
		h["api_key"] = "{" + apiKey + "}"
	}
	return h
}

func TestStackScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		e.Run(t, []apitest.Scenario{
			{Name: "create needs organization_uid", Method: "POST", Path: "/v3/stacks", Headers: hdr("owner", ""),
				Body: map[string]any{"stack": map[string]any{"name": "X"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"organization_uid": []any{"header is required."}}}},
			{Name: "create in unknown organization", Method: "POST", Path: "/v3/stacks",
				Headers: map[string]string{"authtoken": "{owner}", "organization_uid": "bltffffffffffffffff"},
				Body:    map[string]any{"stack": map[string]any{"name": "X"}}, WantStatus: 422},
			{Name: "create without name", Method: "POST", Path: "/v3/stacks",
				Headers: map[string]string{"authtoken": "{owner}", "organization_uid": "{org}"},
				Body:    map[string]any{"stack": map[string]any{"description": "d"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"name": []any{"is required."}}}},
			{Name: "create with bad locale", Method: "POST", Path: "/v3/stacks",
				Headers: map[string]string{"authtoken": "{owner}", "organization_uid": "{org}"},
				Body:    map[string]any{"stack": map[string]any{"name": "X", "master_locale": "not a locale"}}, WantStatus: 422},
			{Name: "create with name of wrong type", Method: "POST", Path: "/v3/stacks",
				Headers: map[string]string{"authtoken": "{owner}", "organization_uid": "{org}"},
				Body:    `{"stack":{"name":7}}`, WantStatus: 422},
			{Name: "create without credentials", Method: "POST", Path: "/v3/stacks",
				Headers: map[string]string{"organization_uid": "{org}"}, Body: map[string]any{"stack": map[string]any{"name": "X"}},
				WantStatus: 401, WantCode: 105},
			{Name: "fetch as owner", Method: "GET", Path: "/v3/stacks", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"stack": map[string]any{"api_key": "{api_key}", "name": "S1", "master_locale": "en-us", "org_uid": "{org}"}}},
			{Name: "fetch with collaborators", Method: "GET", Path: "/v3/stacks?include_collaborators=true", Headers: hdr("cm", "api_key"), WantStatus: 200},
			{Name: "fetch as outsider", Method: "GET", Path: "/v3/stacks", Headers: hdr("outsider", "api_key"), WantStatus: 412, WantCode: 109},
			{Name: "fetch unknown api_key", Method: "GET", Path: "/v3/stacks", Headers: map[string]string{"authtoken": "{owner}", "api_key": "bltnope"}, WantStatus: 412, WantCode: 109},
			{Name: "fetch with bad token", Method: "GET", Path: "/v3/stacks", Headers: map[string]string{"authtoken": "bltbad", "api_key": "{api_key}"}, WantStatus: 401, WantCode: 105},
			{Name: "list as dev", Method: "GET", Path: "/v3/stacks?include_count=true", Headers: hdr("dev", ""), WantStatus: 200,
				WantJSON: map[string]any{"count": 1, "stacks": []any{map[string]any{"api_key": "{api_key}"}}}},
			{Name: "count only", Method: "GET", Path: "/v3/stacks?count=true&skip=1e%2B100&limit=1", Headers: hdr("owner", ""), WantStatus: 200,
				WantJSON: map[string]any{"stacks": 1}},
			{Name: "skip past the end", Method: "GET", Path: "/v3/stacks?&skip=1e%2B100&include_count=true", Headers: hdr("owner", ""), WantStatus: 200,
				WantJSON: map[string]any{"stacks": []any{}, "count": 1}},
			{Name: "negative limit", Method: "GET", Path: "/v3/stacks?limit=-1", Headers: hdr("owner", ""), WantStatus: 422},
			{Name: "other branch", Method: "GET", Path: "/v3/stacks", Headers: map[string]string{"authtoken": "{owner}", "api_key": "{api_key}", "branch": "dev"},
				WantStatus: 422, WantCode: 905},
			{Name: "main branch", Method: "GET", Path: "/v3/stacks?branch=main", Headers: hdr("owner", "api_key"), WantStatus: 200},
			{Name: "update as developer", Method: "PUT", Path: "/v3/stacks", Headers: hdr("dev", "api_key"),
				Body: map[string]any{"stack": map[string]any{"name": "Nope"}}, WantStatus: 403, WantCode: 162},
			{Name: "update as admin", Method: "PUT", Path: "/v3/stacks", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"stack": map[string]any{"name": "Renamed", "description": "new"}}, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Stack updated successfully.", "stack": map[string]any{"name": "Renamed", "description": "new"}}},
			{Name: "update with empty name", Method: "PUT", Path: "/v3/stacks", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"stack": map[string]any{"name": ""}}, WantStatus: 422},
			{Name: "rename kept after refused update", Method: "GET", Path: "/v3/stacks", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"stack": map[string]any{"name": "Renamed"}}},
			{Name: "users as content manager", Method: "GET", Path: "/v3/stacks/users", Headers: hdr("cm", "api_key"), WantStatus: 200},
			{Name: "share as content manager", Method: "POST", Path: "/v3/stacks/share", Headers: hdr("cm", "api_key"),
				Body: map[string]any{"emails": []any{"outsider@example.com"}}, WantStatus: 403, WantCode: 162},
			{Name: "developer shares with the Admin role", Method: "POST", Path: "/v3/stacks/share", Headers: hdr("dev", "api_key"),
				Body:       map[string]any{"emails": []any{"outsider@example.com"}, "roles": map[string]any{"outsider@example.com": []any{"{admin_role}"}}},
				WantStatus: 403, WantCode: 162},
			{Name: "share unknown email", Method: "POST", Path: "/v3/stacks/share", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"emails": []any{"outsider@example.com", "ghost@example.com"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"emails": []any{"has no stackd user for: ghost@example.com."}}}},
			{Name: "refused share changed nothing", Method: "GET", Path: "/v3/stacks", Headers: hdr("outsider", "api_key"), WantStatus: 412},
			{Name: "share with unknown role", Method: "POST", Path: "/v3/stacks/share", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"emails": []any{"outsider@example.com"}, "roles": map[string]any{"outsider@example.com": []any{"bltnorole"}}}, WantStatus: 422},
			{Name: "share as admin", Method: "POST", Path: "/v3/stacks/share", Headers: hdr("admin", "api_key"),
				Body:       map[string]any{"emails": []any{"Outsider@example.com"}, "roles": map[string]any{"outsider@example.com": []any{"{dev_role}"}}},
				WantStatus: 200, WantJSON: map[string]any{"notice": "The invitation has been sent successfully."}},
			{Name: "shared user reads", Method: "GET", Path: "/v3/stacks", Headers: hdr("outsider", "api_key"), WantStatus: 200},
			{Name: "assign roles as developer", Method: "POST", Path: "/v3/stacks/users/roles", Headers: hdr("dev", "api_key"),
				Body: map[string]any{"users": map[string]any{"{outsider_uid}": []any{"{admin_role}"}}}, WantStatus: 403},
			{Name: "assign roles as admin", Method: "POST", Path: "/v3/stacks/users/roles", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"users": map[string]any{"{outsider_uid}": []any{"{admin_role}"}}}, WantStatus: 200,
				WantJSON: map[string]any{"notice": "The roles were applied successfully.", "users": []any{map[string]any{"uid": "{outsider_uid}", "roles": []any{"{admin_role}"}}}}},
			{Name: "new admin updates", Method: "PUT", Path: "/v3/stacks", Headers: hdr("outsider", "api_key"),
				Body: map[string]any{"stack": map[string]any{"description": "by outsider"}}, WantStatus: 200},
			{Name: "assign roles to non-member", Method: "POST", Path: "/v3/stacks/users/roles", Headers: hdr("owner", "other_key"),
				Body: map[string]any{"users": map[string]any{"{dev_uid}": []any{}}}, WantStatus: 412},
			{Name: "unshare the owner", Method: "POST", Path: "/v3/stacks/unshare", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"email": "owner@example.com"}, WantStatus: 422},
			{Name: "unshare as admin", Method: "POST", Path: "/v3/stacks/unshare", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"email": "outsider@example.com"}, WantStatus: 200, WantJSON: map[string]any{"notice": "The stack has been successfully unshared."}},
			{Name: "unshared user is an outsider again", Method: "GET", Path: "/v3/stacks", Headers: hdr("outsider", "api_key"), WantStatus: 412, WantCode: 109},
			{Name: "transfer as admin", Method: "POST", Path: "/v3/stacks/transfer_ownership", Headers: hdr("admin", "api_key"),
				Body: map[string]any{"transfer_to": "dev@example.com"}, WantStatus: 403, WantCode: 162},
			{Name: "transfer to non-member", Method: "POST", Path: "/v3/stacks/transfer_ownership", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"transfer_to": "outsider@example.com"}, WantStatus: 422},
			{Name: "delete as admin", Method: "DELETE", Path: "/v3/stacks", Headers: hdr("admin", "api_key"), WantStatus: 403, WantCode: 162},
			{Name: "transfer to dev", Method: "POST", Path: "/v3/stacks/transfer_ownership", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"transfer_to": "dev@example.com"}, WantStatus: 200},
			{Name: "former owner cannot delete", Method: "DELETE", Path: "/v3/stacks", Headers: hdr("owner", "api_key"), WantStatus: 403},
			{Name: "former owner is admin", Method: "PUT", Path: "/v3/stacks", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"stack": map[string]any{"description": "still admin"}}, WantStatus: 200},
			{Name: "new owner deletes", Method: "DELETE", Path: "/v3/stacks", Headers: hdr("dev", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"notice": "Stack deleted successfully!"}},
			{Name: "deleted stack is unknown", Method: "GET", Path: "/v3/stacks", Headers: hdr("dev", "api_key"), WantStatus: 412, WantCode: 109},
		})
	})
}
