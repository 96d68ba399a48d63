package api_test

import (
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

// matrixPrincipals are the callers every route is tried with.
var matrixPrincipals = []string{
	"owner", "admin", "developer", "content_manager", "custom", "norole", "outsider",
	"mt_rw", "mt_ro", "mt_module", "mt_branch", "mt_expired", "mt_deleted", "mt_other_stack",
	"delivery", "none",
}

// matrixAt is when matrix cells run: two days after seeding, when the
// token seeded with a one-day expiry has expired.
var matrixAt = apitest.Start.Add(48 * time.Hour)

// seedMatrix builds the template every cell starts from, through the API:
// the stack with a member of each kind, the tokens, and one object of each
// kind the routes act on. Names of secrets and uids go to e.Vars.
func seedMatrix(t *testing.T, e *apitest.Env) {
	stackEnv(t, e) // owner, admin, dev, cm, norole, outsider (+ outsider's stack other_key)
	e.Vars["developer"], e.Vars["content_manager"] = e.Vars["dev"], e.Vars["cm"]
	customRole := map[string]any{"role": map[string]any{"name": "Custom", "rules": []any{
		branches("main"),
		map[string]any{"module": "content_type", "content_types": []any{"$all"}, "acl": map[string]any{"read": true,
			"sub_acl": map[string]any{"read": true, "create": true, "update": true}}},
		map[string]any{"module": "asset", "assets": []any{"$all"}, "acl": map[string]any{"read": true, "create": true, "update": true}},
		map[string]any{"module": "environment", "environments": []any{"$all"}, "acl": map[string]any{"read": true}},
		map[string]any{"module": "locale", "locales": []any{"$all"}, "acl": map[string]any{"read": true}},
	}}}
	e.Vars["custom_role"] = mustCreate(t, e, "/v3/roles", hdr("owner", "api_key"), customRole, "role")
	e.Vars["spare_role"] = mustCreate(t, e, "/v3/roles", hdr("owner", "api_key"),
		map[string]any{"role": map[string]any{"name": "Spare", "rules": []any{branches("main")}}}, "role")
	e.Vars["custom_uid"] = e.AddUser("custom@example.com")
	e.Vars["custom"] = e.Login("custom@example.com")
	e.Run(t, []apitest.Scenario{{Name: "share custom", Method: "POST", Path: "/v3/stacks/share", Headers: hdr("owner", "api_key"),
		Body: map[string]any{"emails": []any{"custom@example.com"}, "roles": map[string]any{"custom@example.com": []any{"{custom_role}"}}}, WantStatus: 200}})

	for _, env := range []string{"development", "staging"} {
		mustCreate(t, e, "/v3/environments", hdr("owner", "api_key"), map[string]any{"environment": map[string]any{"name": env}}, "environment")
	}
	for name, scope := range map[string][]any{
		"mt_rw":     {rw("$all"), branches("main")},
		"mt_ro":     {ro("$all"), branches("main")},
		"mt_module": {rw("asset"), branches("main")},
		"mt_branch": {rw("$all"), branches("dev")},
		"victim":    {ro("entry"), branches("main")},
	} {
		e.Vars[name+"_uid"], e.Vars[name] = createToken(t, e, scope, nil)
	}
	_, e.Vars["mt_expired"] = createToken(t, e, []any{rw("$all"), branches("main")}, apitest.Start.Add(24*time.Hour).Format("2006-01-02"))
	var deleted string
	deleted, e.Vars["mt_deleted"] = createToken(t, e, []any{rw("$all"), branches("main")}, nil)
	e.Vars["deleted_uid"] = deleted
	e.Run(t, []apitest.Scenario{{Name: "delete token", Method: "DELETE", Path: "/v3/stacks/management_tokens/{deleted_uid}", Headers: hdr("owner", "api_key"), WantStatus: 200}})
	status, body := e.Do("POST", "/v3/stacks/management_tokens", hdr("outsider", "other_key"), tokenBody("other", []any{rw("$all"), branches("main")}, nil))
	if status != 201 {
		t.Fatalf("other stack's token: %d %v", status, body)
	}
	e.Vars["mt_other_stack"] = body["token"].(map[string]any)["token"].(string)

	dt := map[string]any{"token": map[string]any{"name": "site", "scope": []any{
		map[string]any{"module": "environment", "environments": []any{"development"}, "acl": map[string]any{"read": true}}, branches("main")}}}
	status, body = e.Do("POST", "/v3/stacks/delivery_tokens", hdr("owner", "api_key"), dt)
	if status != 201 {
		t.Fatalf("delivery token: %d %v", status, body)
	}
	e.Vars["delivery"] = body["token"].(map[string]any)["token"].(string)
	e.Vars["dt_uid"] = body["token"].(map[string]any)["uid"].(string)

	_, logs := e.Do("GET", "/v3/audit-logs", hdr("owner", "api_key"), nil)
	e.Vars["audit_uid"] = logs["logs"].([]any)[0].(map[string]any)["uid"].(string)
	for _, seed := range moreMatrixSeeds {
		seed(t, e)
	}
}

// moreMatrixSeeds are seeding steps of later modules (content, assets, …).
var moreMatrixSeeds []func(t *testing.T, e *apitest.Env)

func mustCreate(t *testing.T, e *apitest.Env, path string, h map[string]string, body any, key string) string {
	t.Helper()
	status, out := e.Do("POST", path, h, body)
	if status != 201 && status != 200 {
		t.Fatalf("POST %s: %d %v", path, status, out)
	}
	obj, _ := out[key].(map[string]any)
	uid, _ := obj["uid"].(string)
	return uid
}

// principalHeaders are the credentials principal p sends.
func principalHeaders(p string) map[string]string {
	switch {
	case p == "none":
		return map[string]string{"api_key": "{api_key}"}
	case p == "delivery":
		return map[string]string{"access_token": "{delivery}", "api_key": "{api_key}"}
	case len(p) > 3 && p[:3] == "mt_":
		return map[string]string{"authorization": "{" + p + "}", "api_key": "{api_key}"}
	}
	return map[string]string{"authtoken": "{" + p + "}", "api_key": "{api_key}"}
}
