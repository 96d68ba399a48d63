package api_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
)

// extrasEnv seeds stackEnv and three management tokens of the owner's
// stack: mt_rw (read and write on labels, extensions and webhooks), mt_ro
// (read only on them) and mt_entries (entries only), and a token of the
// outsider's stack, mt_foreign.
func extrasEnv(t *testing.T, e *apitest.Env) {
	t.Helper()
	stackEnv(t, e)
	acl := func(read, write bool) []any {
		var out []any
		for _, m := range []string{"label", "extension", "webhook"} {
			out = append(out, map[string]any{"module": m, "acl": map[string]any{"read": read, "write": write}})
		}
		return out
	}
	status, me := e.Do("GET", "/v3/user", map[string]string{"authtoken": "{owner}"}, nil)
	if status != 200 {
		t.Fatalf("GET /v3/user: %d %v", status, me)
	}
	e.Vars["owner_uid"] = me["user"].(map[string]any)["uid"].(string)
	branch := map[string]any{"module": "branch", "branches": []any{"main"}, "acl": map[string]any{"read": true}}
	for _, tk := range []struct {
		name, owner, key string
		scope            []any
	}{
		{"mt_rw", "owner", "api_key", append(acl(true, true), branch)},
		{"mt_ro", "owner", "api_key", append(acl(true, false), branch)},
		{"mt_entries", "owner", "api_key", []any{map[string]any{"module": "entry", "acl": map[string]any{"read": true, "write": true}}, branch}},
		{"mt_foreign", "outsider", "other_key", append(acl(true, true), branch)},
	} {
		status, body := e.Do("POST", "/v3/stacks/management_tokens", hdr(tk.owner, tk.key),
			map[string]any{"token": map[string]any{"name": tk.name, "scope": tk.scope}})
		if status != 201 {
			t.Fatalf("create token %s: %d %v", tk.name, status, body)
		}
		e.Vars[tk.name] = body["token"].(map[string]any)["token"].(string)
	}
}

// mtHdr returns the headers of a management token call on the owner's stack.
func mtHdr(token string) map[string]string {
	return map[string]string{"authorization": "{" + token + "}", "api_key": "{api_key}"}
}

// extrasCreate sends a create request that must succeed and keeps the new
// object's uid in e.Vars[name].
func extrasCreate(t *testing.T, e *apitest.Env, path, key, name string, body any) {
	t.Helper()
	status, out := e.Do("POST", path, hdr("owner", "api_key"), body)
	if status != 201 {
		t.Fatalf("POST %s: %d %v", path, status, out)
	}
	e.Vars[name] = out[key].(map[string]any)["uid"].(string)
}

// extrasAuditEvents lists "event:title" for the stack's audit items of the
// given module, sorted (the test clock stands still, so the log's own
// order among them is not the order of the writes).
func extrasAuditEvents(t *testing.T, e *apitest.Env, module string) []string {
	t.Helper()
	items, _, err := e.Store.AuditLog(context.Background(), store.AuditFilter{APIKey: e.Vars["api_key"], Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, it := range items {
		if it.Module == module {
			out = append(out, it.EventType+":"+it.MetaTitle)
		}
	}
	slices.Sort(out)
	return out
}

func labelReq(fields map[string]any) map[string]any { return map[string]any{"label": fields} }

func TestLabelScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		extrasEnv(t, e)
		extrasCreate(t, e, "/v3/labels", "label", "top", labelReq(map[string]any{"name": "Top"}))
		extrasCreate(t, e, "/v3/labels", "label", "mid", labelReq(map[string]any{"name": "Mid", "parent": []any{"{top}"}}))
		e.Run(t, []apitest.Scenario{
			{Name: "create as owner", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body:       labelReq(map[string]any{"name": "Blog", "parent": []any{"{mid}"}, "content_types": []any{"blog", "post"}}),
				WantStatus: 201, WantJSON: map[string]any{"notice": "Label created successfully.", "label": map[string]any{
					"name": "Blog", "parent": []any{"{mid}"}, "content_types": []any{"blog", "post"}, "_version": 1,
					"created_by": "{owner_uid}", "updated_by": "{owner_uid}", "ACL": map[string]any{}}}},
			{Name: "create as admin", Method: "POST", Path: "/v3/labels", Headers: hdr("admin", "api_key"),
				Body: labelReq(map[string]any{"name": "By admin"}), WantStatus: 201,
				WantJSON: map[string]any{"label": map[string]any{"parent": []any{}, "content_types": []any{}, "created_by": "{admin_uid}"}}},
			{Name: "create as developer", Method: "POST", Path: "/v3/labels", Headers: hdr("dev", "api_key"),
				Body: labelReq(map[string]any{"name": "By dev"}), WantStatus: 201},
			{Name: "create with a read-write token", Method: "POST", Path: "/v3/labels", Headers: mtHdr("mt_rw"),
				Body: labelReq(map[string]any{"name": "By token"}), WantStatus: 201},
			{Name: "create as content manager", Method: "POST", Path: "/v3/labels", Headers: hdr("cm", "api_key"),
				Body: labelReq(map[string]any{"name": "By cm"}), WantStatus: 403, WantCode: 162},
			{Name: "create without a role", Method: "POST", Path: "/v3/labels", Headers: hdr("norole", "api_key"),
				Body: labelReq(map[string]any{"name": "By norole"}), WantStatus: 403, WantCode: 162},
			{Name: "create as outsider", Method: "POST", Path: "/v3/labels", Headers: hdr("outsider", "api_key"),
				Body: labelReq(map[string]any{"name": "By outsider"}), WantStatus: 412, WantCode: 109},
			{Name: "create without credentials", Method: "POST", Path: "/v3/labels", Headers: map[string]string{"api_key": "{api_key}"},
				Body: labelReq(map[string]any{"name": "Anonymous"}), WantStatus: 401, WantCode: 105},
			{Name: "create with a read-only token", Method: "POST", Path: "/v3/labels", Headers: mtHdr("mt_ro"),
				Body: labelReq(map[string]any{"name": "By ro"}), WantStatus: 403, WantCode: 162},
			{Name: "create with a token without labels", Method: "POST", Path: "/v3/labels", Headers: mtHdr("mt_entries"),
				Body: labelReq(map[string]any{"name": "By entries"}), WantStatus: 403, WantCode: 162},
			{Name: "create with another stack's token", Method: "POST", Path: "/v3/labels", Headers: mtHdr("mt_foreign"),
				Body: labelReq(map[string]any{"name": "By foreigner"}), WantStatus: 401, WantCode: 105},
			{Name: "refused creates left nothing", Method: "GET", Path: "/v3/labels?include_count=true&limit=1", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"count": 6}},

			{Name: "create without name", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"content_types": []any{}}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"name": []any{"is required."}}}},
			{Name: "create with a name of the wrong type", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body: `{"label":{"name":7}}`, WantStatus: 422},
			{Name: "create with parent not an array", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body: `{"label":{"name":"P","parent":"{top}"}}`, WantStatus: 422},
			{Name: "create without the label key", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"name": "Bare"}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"label": []any{"is required."}}}},
			{Name: "create with malformed JSON", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body: `{"label":`, WantStatus: 400},
			{Name: "create with a taken name", Method: "POST", Path: "/v3/labels", Headers: hdr("dev", "api_key"),
				Body: labelReq(map[string]any{"name": "Top"}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"name": []any{"is not unique."}}}},
			{Name: "create under an unknown parent", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"name": "Lost", "parent": []any{"blt0000000000000000"}}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"parent": []any{`names an unknown label "blt0000000000000000".`}}}},
			{Name: "create with a repeated content type", Method: "POST", Path: "/v3/labels", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"name": "Twice", "content_types": []any{"blog", "blog"}}), WantStatus: 422},
			{Name: "refused creates left nothing again", Method: "GET", Path: "/v3/labels?count=true", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"labels": 6}},

			{Name: "list as content manager", Method: "GET", Path: "/v3/labels?include_count=true", Headers: hdr("cm", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"count": 6}},
			{Name: "list with a read-only token", Method: "GET", Path: "/v3/labels", Headers: mtHdr("mt_ro"), WantStatus: 200},
			{Name: "list without a role", Method: "GET", Path: "/v3/labels", Headers: hdr("norole", "api_key"), WantStatus: 403, WantCode: 162},
			{Name: "list with a token without labels", Method: "GET", Path: "/v3/labels", Headers: mtHdr("mt_entries"), WantStatus: 403},
			{Name: "list as outsider", Method: "GET", Path: "/v3/labels", Headers: hdr("outsider", "api_key"), WantStatus: 412},
			{Name: "list filtered by name", Method: "GET", Path: `/v3/labels?include_count=true&query={"name":"Mid"}`, Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"count": 1, "labels": []any{map[string]any{"uid": "{mid}", "parent": []any{"{top}"}}}}},
			{Name: "list filtered by content type", Method: "GET", Path: `/v3/labels?query={"content_types":"post"}`, Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"labels": []any{map[string]any{"name": "Blog"}}}},
			{Name: "list filtered with $in", Method: "GET", Path: `/v3/labels?count=true&query={"name":{"$in":["Top","Mid","Nope"]}}`,
				Headers: hdr("owner", "api_key"), WantStatus: 200, WantJSON: map[string]any{"labels": 2}},
			{Name: "list with an unsupported operator", Method: "GET", Path: `/v3/labels?query={"$or":[{"name":"Top"}]}`,
				Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "list with a malformed query", Method: "GET", Path: `/v3/labels?query={"name"`, Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "list sorted and paged", Method: "GET", Path: "/v3/labels?asc=name&skip=1&limit=2", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"labels": []any{map[string]any{"name": "By admin"}, map[string]any{"name": "By dev"}}}},

			{Name: "get as content manager", Method: "GET", Path: "/v3/labels/{mid}", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"label": map[string]any{"uid": "{mid}", "name": "Mid", "parent": []any{"{top}"}}}},
			{Name: "get with a read-only token", Method: "GET", Path: "/v3/labels/{mid}", Headers: mtHdr("mt_ro"), WantStatus: 200},
			{Name: "get a missing label", Method: "GET", Path: "/v3/labels/blt0000000000000000", Headers: hdr("owner", "api_key"),
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"uid": []any{"is not valid."}}}},
			{Name: "get through another stack", Method: "GET", Path: "/v3/labels/{mid}", Headers: hdr("outsider", "other_key"), WantStatus: 422},

			{Name: "update as content manager", Method: "PUT", Path: "/v3/labels/{mid}", Headers: hdr("cm", "api_key"),
				Body: labelReq(map[string]any{"name": "Hijacked"}), WantStatus: 403, WantCode: 162},
			{Name: "update with a read-only token", Method: "PUT", Path: "/v3/labels/{mid}", Headers: mtHdr("mt_ro"),
				Body: labelReq(map[string]any{"name": "Hijacked"}), WantStatus: 403},
			{Name: "update into a cycle", Method: "PUT", Path: "/v3/labels/{top}", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"parent": []any{"{mid}"}}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"parent": []any{"would make the label its own ancestor."}}}},
			{Name: "update to be its own parent", Method: "PUT", Path: "/v3/labels/{top}", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"parent": []any{"{top}"}}), WantStatus: 422},
			{Name: "update to a taken name", Method: "PUT", Path: "/v3/labels/{mid}", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"name": "Top"}), WantStatus: 422},
			{Name: "update with an empty name", Method: "PUT", Path: "/v3/labels/{mid}", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"name": " "}), WantStatus: 422},
			{Name: "update a missing label", Method: "PUT", Path: "/v3/labels/blt0000000000000000", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"name": "Ghost"}), WantStatus: 422},
			{Name: "refused updates changed nothing", Method: "GET", Path: "/v3/labels/{mid}", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"label": map[string]any{"name": "Mid", "_version": 1, "parent": []any{"{top}"}}}},
			{Name: "update as developer, as the SDK sends it", Method: "PUT", Path: "/v3/labels/{mid}", Headers: hdr("dev", "api_key"),
				Body: labelReq(map[string]any{"name": "Middle", "parent": []any{"{top}"}, "content_types": []any{"page"}, "uid": "ignored",
					"_version": 1, "ACL": map[string]any{}, "created_at": "2020-01-01T00:00:00.000Z"}), WantStatus: 200,
				WantJSON: map[string]any{"notice": "Label updated successfully.", "label": map[string]any{"uid": "{mid}", "name": "Middle",
					"content_types": []any{"page"}, "_version": 2, "created_by": "{owner_uid}", "updated_by": "{dev_uid}"}}},
			{Name: "update with a token, keeping what is left out", Method: "PUT", Path: "/v3/labels/{mid}", Headers: mtHdr("mt_rw"),
				Body: labelReq(map[string]any{"parent": []any{}}), WantStatus: 200,
				WantJSON: map[string]any{"label": map[string]any{"name": "Middle", "parent": []any{}, "content_types": []any{"page"}, "_version": 3}}},

			{Name: "delete as content manager", Method: "DELETE", Path: "/v3/labels/{top}", Headers: hdr("cm", "api_key"), WantStatus: 403, WantCode: 162},
			{Name: "delete with a read-only token", Method: "DELETE", Path: "/v3/labels/{top}", Headers: mtHdr("mt_ro"), WantStatus: 403},
			{Name: "refused deletes changed nothing", Method: "GET", Path: "/v3/labels/{top}", Headers: hdr("owner", "api_key"), WantStatus: 200},
			{Name: "update back under top", Method: "PUT", Path: "/v3/labels/{mid}", Headers: hdr("owner", "api_key"),
				Body: labelReq(map[string]any{"parent": []any{"{top}"}}), WantStatus: 200},
			{Name: "delete as admin", Method: "DELETE", Path: "/v3/labels/{top}", Headers: hdr("admin", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"notice": "Label deleted successfully."}},
			{Name: "deleted label is gone", Method: "GET", Path: "/v3/labels/{top}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "its child moved up", Method: "GET", Path: "/v3/labels/{mid}", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"label": map[string]any{"parent": []any{}}}},
			{Name: "delete again", Method: "DELETE", Path: "/v3/labels/{top}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "delete with a token", Method: "DELETE", Path: "/v3/labels/{mid}", Headers: mtHdr("mt_rw"), WantStatus: 200},
		})
		want := []string{"create:Top", "create:Mid", "create:Blog", "create:By admin", "create:By dev", "create:By token",
			"update:Middle", "update:Middle", "update:Middle", "delete:Top", "delete:Middle"}
		slices.Sort(want)
		if diff := cmp.Diff(want, extrasAuditEvents(t, e, "label")); diff != "" {
			t.Errorf("label audit items (-want +got); one per successful write, none for refused ones:\n%s", diff)
		}
	})
}
