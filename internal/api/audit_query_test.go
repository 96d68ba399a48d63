package api_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/apitest"
)

// TestAuditLogQuery: GET /v3/audit-logs filters with the one query
// language over module, event_type, actor_kind, created_by, token_uid and
// created_at, pages and counts the matches, sorts with asc/desc, and shows
// a token's actions as that token: a query for a person never matches them.
func TestAuditLogQuery(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e) // the owner's stack: its creation is the first audit item
		owner := hdr("owner", "api_key")
		_, me := e.Do("GET", "/v3/user", owner, nil)
		e.Vars["owner_uid"] = me["user"].(map[string]any)["uid"].(string)
		e.Clock.Advance(time.Minute)
		mustCreate(t, e, "/v3/environments", owner, map[string]any{"environment": map[string]any{"name": "development"}}, "environment")
		e.Clock.Advance(time.Minute)
		e.Vars["tok_uid"], e.Vars["tok"] = createToken(t, e, []any{rw("$all"), branches("main")}, nil)
		e.Clock.Advance(time.Hour)
		e.Vars["since"] = e.Clock.Now().UTC().Format(time.RFC3339)
		e.Clock.Advance(time.Minute)
		mustCreate(t, e, "/v3/environments", map[string]string{"authorization": "{tok}", "api_key": "{api_key}"},
			map[string]any{"environment": map[string]any{"name": "staging"}}, "environment")
		e.Clock.Advance(time.Minute)
		if st, _ := e.Do("DELETE", "/v3/environments/development", owner, nil); st != 200 {
			t.Fatalf("delete environment: %d", st)
		}
		// The log now holds, oldest first: stack create, environment create (owner),
		// management_token create (owner), environment create (token), environment delete (owner).
		cases := []struct {
			name, query string
			extra       string // more parameters
			want        []string
			wantCount   int
		}{
			{"all, newest first", ``, "", []string{"environment delete", "environment create", "management_token create", "environment create", "stack create"}, 5},
			{"by module", `{"module":"environment"}`, "", []string{"environment delete", "environment create", "environment create"}, 3},
			{"by action", `{"module":"environment","event_type":"create"}`, "", []string{"environment create", "environment create"}, 2},
			{"by a person", `{"created_by":"{owner_uid}"}`, "", []string{"environment delete", "management_token create", "environment create", "stack create"}, 4},
			{"by the token", `{"token_uid":"{tok_uid}"}`, "", []string{"environment create"}, 1},
			{"by actor kind", `{"actor_kind":"management_token"}`, "", []string{"environment create"}, 1},
			{"by date", `{"created_at":{"$gte":"{since}"}}`, "", []string{"environment delete", "environment create"}, 2},
			{"$or and $in", `{"$or":[{"event_type":"delete"},{"module":{"$in":["management_token"]}}]}`, "", []string{"environment delete", "management_token create"}, 2},
			{"paged", `{"module":"environment"}`, "&skip=1&limit=1", []string{"environment create"}, 3},
			{"oldest first", `{"module":"environment"}`, "&asc=created_at", []string{"environment create", "environment create", "environment delete"}, 3},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				status, body := e.Do("GET", "/v3/audit-logs?include_count=true&query="+url.QueryEscape(e.Expand(c.query))+c.extra, owner, nil)
				if status != 200 {
					t.Fatalf("%d %v", status, body)
				}
				var got []string
				for _, it := range body["logs"].([]any) {
					item := it.(map[string]any)
					got = append(got, item["module"].(string)+" "+item["event_type"].(string))
					checkActor(t, e, item)
				}
				if diff := cmp.Diff(c.want, got); diff != "" || int(body["count"].(float64)) != c.wantCount {
					t.Errorf("logs (-want +got):\n%s count %v, want %d", diff, body["count"], c.wantCount)
				}
			})
		}
		e.Run(t, []apitest.Scenario{
			{Name: "count only", Method: "GET", Path: "/v3/audit-logs?count=true&query=" + url.QueryEscape(`{"module":"environment"}`), Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"logs": 3.0}},
			{Name: "an unknown field", Method: "GET", Path: "/v3/audit-logs?query=" + url.QueryEscape(`{"password":"x"}`), Headers: owner, WantStatus: 422},
			{Name: "not JSON", Method: "GET", Path: "/v3/audit-logs?query=" + url.QueryEscape(`{module`), Headers: owner, WantStatus: 422},
			{Name: "a regex on a date", Method: "GET", Path: "/v3/audit-logs?query=" + url.QueryEscape(`{"created_at":{"$regex":"2026"}}`), Headers: owner, WantStatus: 422},
			{Name: "a token reads with a query too", Method: "GET", Path: "/v3/audit-logs?query=" + url.QueryEscape(`{"event_type":"delete"}`),
				Headers: map[string]string{"authorization": "{tok}", "api_key": "{api_key}"}, WantStatus: 200},
		})
	})
}

// checkActor: a token's item names the token and no person; a person's
// item names the person and no token.
func checkActor(t *testing.T, e *apitest.Env, item map[string]any) {
	t.Helper()
	switch item["actor_kind"] {
	case "management_token":
		tok, _ := item["management_token"].(map[string]any)
		if tok["uid"] != e.Vars["tok_uid"] || item["created_by"] != nil {
			t.Errorf("a token's item: %v", item)
		}
	case "user":
		if item["created_by"] != e.Vars["owner_uid"] || item["management_token"] != nil {
			t.Errorf("a person's item: %v", item)
		}
	default:
		t.Errorf("actor_kind %v", item["actor_kind"])
	}
}
