package api_test

import (
	"database/sql"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

func webhookReq(fields map[string]any) map[string]any { return map[string]any{"webhook": fields} }

// secretHook is a webhook with a secret in every place a destination can
// hold one.
func secretHook(name string) map[string]any {
	return webhookReq(map[string]any{
		"name": name,
		"destinations": []any{
			map[string]any{"target_url": "https://example.com/hook", "http_basic_auth": "deployer", "http_basic_password": "pw-hunter2-basic",
				"authentication_type": "Basic", "custom_header": []any{map[string]any{"header_name": "X-Api-Key", "value": "hv-header-secret"}}},
			map[string]any{"target_url": "http://build.example.com/run", "authentication_type": "Bearer", "bearer_token": "bt-bearer-secret"},
			map[string]any{"target_url": "https://oauth.example.com/in", "authentication_type": "OAuth2", "client_id": "client-1",
				"client_secret": "cs-client-secret", "access_token_url": "https://oauth.example.com/token"},
		},
		"channels": []any{"assets.create", "content_types.entries.publish"}, "retry_policy": "manual", "disabled": false,
		"concise_payload": true, "notifiers": "ops@example.com",
	})
}

var hookSecrets = []string{"pw-hunter2-basic", "hv-header-secret", "bt-bearer-secret", "cs-client-secret"}

func basicHook(name string, dest map[string]any) map[string]any {
	return webhookReq(map[string]any{"name": name, "destinations": []any{dest}, "channels": []any{"assets.create"}})
}

func TestWebhookScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		extrasEnv(t, e)
		extrasCreate(t, e, "/v3/webhooks", "webhook", "hook", secretHook("Deploy"))
		url := map[string]any{"target_url": "https://example.com/x"}
		e.Run(t, []apitest.Scenario{
			{Name: "create as owner, secrets masked", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: secretHook("Rebuild"), WantStatus: 201, WantJSON: map[string]any{"notice": "The webhook was created successfully",
					"webhook": map[string]any{"name": "Rebuild", "destinations": []any{
						map[string]any{"target_url": "https://example.com/hook", "http_basic_auth": "deployer", "http_basic_password": "********",
							"custom_header": []any{map[string]any{"header_name": "X-Api-Key", "value": "********"}}},
						map[string]any{"bearer_token": "********", "custom_header": []any{}},
						map[string]any{"client_secret": "********", "client_id": "client-1"}},
						"channels": []any{"assets.create", "content_types.entries.publish"}, "branches": []any{"main"}, "notifiers": []any{"ops@example.com"},
						"retry_policy": "manual", "disabled": false, "concise_payload": true, "org_uid": "{org}", "created_by": "{owner_uid}"}}},
			{Name: "create as admin", Method: "POST", Path: "/v3/webhooks", Headers: hdr("admin", "api_key"),
				Body: basicHook("By admin", url), WantStatus: 201,
				WantJSON: map[string]any{"webhook": map[string]any{"retry_policy": "manual", "concise_payload": false, "notifiers": []any{}}}},
			{Name: "create as developer", Method: "POST", Path: "/v3/webhooks", Headers: hdr("dev", "api_key"),
				Body: basicHook("By dev", url), WantStatus: 201},
			{Name: "create with a token", Method: "POST", Path: "/v3/webhooks", Headers: mtHdr("mt_rw"),
				Body: basicHook("By token", url), WantStatus: 201},
			{Name: "create as content manager", Method: "POST", Path: "/v3/webhooks", Headers: hdr("cm", "api_key"),
				Body: basicHook("By cm", url), WantStatus: 403, WantCode: 162},
			{Name: "create without a role", Method: "POST", Path: "/v3/webhooks", Headers: hdr("norole", "api_key"),
				Body: basicHook("By norole", url), WantStatus: 403},
			{Name: "create as outsider", Method: "POST", Path: "/v3/webhooks", Headers: hdr("outsider", "api_key"),
				Body: basicHook("By outsider", url), WantStatus: 412},
			{Name: "create with a read-only token", Method: "POST", Path: "/v3/webhooks", Headers: mtHdr("mt_ro"),
				Body: basicHook("By ro", url), WantStatus: 403},
			{Name: "create with another stack's token", Method: "POST", Path: "/v3/webhooks", Headers: mtHdr("mt_foreign"),
				Body: basicHook("By foreigner", url), WantStatus: 401},

			{Name: "create without name", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: basicHook("", url), WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"name": []any{"is required."}}}},
			{Name: "create without destinations", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"name": "N", "channels": []any{"assets.create"}}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"destinations": []any{"must name at least one destination."}}}},
			{Name: "create with an invalid URL", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: basicHook("N", map[string]any{"target_url": "not-a-valid-url"}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"destinations.0.target_url": []any{"must be an http or https URL."}}}},
			{Name: "create with an ftp URL", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: basicHook("N", map[string]any{"target_url": "ftp://example.com/x"}), WantStatus: 422},
			{Name: "create with an unknown authentication type", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: basicHook("N", map[string]any{"target_url": "https://example.com", "authentication_type": "Magic"}), WantStatus: 422},
			{Name: "create with a header value but no name", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: basicHook("N", map[string]any{"target_url": "https://example.com",
					"custom_header": []any{map[string]any{"header_name": "", "value": "v"}}}), WantStatus: 422},
			{Name: "create with channels as a string", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"name": "N", "destinations": []any{url}, "channels": "assets.create"}), WantStatus: 422},
			{Name: "create with channels holding a number", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"name": "N", "destinations": []any{url}, "channels": []any{"assets.create", 3}}), WantStatus: 422},
			{Name: "create without channels", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"name": "N", "destinations": []any{url}, "channels": []any{}}), WantStatus: 422},
			{Name: "create with an unknown retry policy", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"name": "N", "destinations": []any{url}, "channels": []any{"a.b"}, "retry_policy": "never"}), WantStatus: 422},
			{Name: "create with a bad notifier", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"name": "N", "destinations": []any{url}, "channels": []any{"a.b"}, "notifiers": []any{"nobody"}}), WantStatus: 422},
			{Name: "create with a taken name", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: basicHook("Deploy", url), WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"name": []any{"is not unique."}}}},
			{Name: "create without the webhook key", Method: "POST", Path: "/v3/webhooks", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"name": "N"}, WantStatus: 422},
			{Name: "refused creates left nothing", Method: "GET", Path: "/v3/webhooks?include_count=true&limit=1", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"count": 5}},

			{Name: "list as the CLI export asks", Method: "GET", Path: "/v3/webhooks?include_count=true&asc=updated_at&skip=0", Headers: mtHdr("mt_ro"),
				WantStatus: 200, WantJSON: map[string]any{"count": 5}},
			{Name: "list by name", Method: "GET", Path: `/v3/webhooks?query={"name":"Deploy"}`, Headers: hdr("dev", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"webhooks": []any{map[string]any{"uid": "{hook}", "destinations": []any{
					map[string]any{"http_basic_password": "********"}, map[string]any{}, map[string]any{}}}}}},
			{Name: "list as content manager", Method: "GET", Path: "/v3/webhooks", Headers: hdr("cm", "api_key"), WantStatus: 403, WantCode: 162},
			{Name: "list with a token without webhooks", Method: "GET", Path: "/v3/webhooks", Headers: mtHdr("mt_entries"), WantStatus: 403},

			{Name: "get as developer", Method: "GET", Path: "/v3/webhooks/{hook}", Headers: hdr("dev", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"webhook": map[string]any{"uid": "{hook}", "name": "Deploy", "unhealthy": map[string]any{"state": false},
					"destinations": []any{map[string]any{"custom_header": []any{map[string]any{"value": "********"}}},
						map[string]any{"bearer_token": "********"}, map[string]any{"client_secret": "********"}}}}},
			{Name: "get as content manager", Method: "GET", Path: "/v3/webhooks/{hook}", Headers: hdr("cm", "api_key"), WantStatus: 403},
			{Name: "get a missing webhook", Method: "GET", Path: "/v3/webhooks/blt0000000000000000", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "get through another stack", Method: "GET", Path: "/v3/webhooks/{hook}", Headers: hdr("outsider", "other_key"), WantStatus: 422},
			{Name: "executions", Method: "GET", Path: "/v3/webhooks/{hook}/executions", Headers: mtHdr("mt_ro"), WantStatus: 200,
				WantJSON: map[string]any{"webhooks": []any{}}},
			{Name: "executions of a missing webhook", Method: "GET", Path: "/v3/webhooks/blt0000000000000000/executions", Headers: hdr("owner", "api_key"),
				WantStatus: 422},
			{Name: "executions as content manager", Method: "GET", Path: "/v3/webhooks/{hook}/executions", Headers: hdr("cm", "api_key"), WantStatus: 403},

			{Name: "update as content manager", Method: "PUT", Path: "/v3/webhooks/{hook}", Headers: hdr("cm", "api_key"),
				Body: webhookReq(map[string]any{"disabled": true}), WantStatus: 403},
			{Name: "update with a read-only token", Method: "PUT", Path: "/v3/webhooks/{hook}", Headers: mtHdr("mt_ro"),
				Body: webhookReq(map[string]any{"disabled": true}), WantStatus: 403},
			{Name: "update with a bad URL", Method: "PUT", Path: "/v3/webhooks/{hook}", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"destinations": []any{map[string]any{"target_url": "example.com"}}}), WantStatus: 422},
			{Name: "update to a taken name", Method: "PUT", Path: "/v3/webhooks/{hook}", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"name": "Rebuild"}), WantStatus: 422},
			{Name: "update a missing webhook", Method: "PUT", Path: "/v3/webhooks/blt0000000000000000", Headers: hdr("owner", "api_key"),
				Body: webhookReq(map[string]any{"disabled": true}), WantStatus: 422},
			{Name: "refused updates changed nothing", Method: "GET", Path: "/v3/webhooks/{hook}", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"webhook": map[string]any{"name": "Deploy", "disabled": false,
					"destinations": []any{map[string]any{"target_url": "https://example.com/hook"}, map[string]any{}, map[string]any{}}}}},
			{Name: "update as developer: disable, keep the rest", Method: "PUT", Path: "/v3/webhooks/{hook}", Headers: hdr("dev", "api_key"),
				Body: webhookReq(map[string]any{"disabled": true, "unhealthy": map[string]any{"state": false}, "uid": "ignored"}), WantStatus: 200,
				WantJSON: map[string]any{"notice": "The Webhook was updated successfully", "webhook": map[string]any{"disabled": true,
					"updated_by": "{dev_uid}", "destinations": []any{map[string]any{"http_basic_password": "********"},
						map[string]any{"bearer_token": "********"}, map[string]any{"client_secret": "********"}}}}},
			{Name: "masked secret for a moved target is refused", Method: "PUT", Path: "/v3/webhooks/{hook}", Headers: mtHdr("mt_rw"),
				Body: webhookReq(map[string]any{"destinations": []any{
					map[string]any{"target_url": "https://example.com/moved", "http_basic_auth": "deployer", "http_basic_password": "********"}}}),
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"destinations.0.http_basic_password": []any{
					"was sent masked, but the target_url changed: send the secret again for the new URL."}}}},
			{Name: "update with masked secrets keeps them", Method: "PUT", Path: "/v3/webhooks/{hook}", Headers: mtHdr("mt_rw"),
				Body: webhookReq(map[string]any{"destinations": []any{
					map[string]any{"target_url": "https://example.com/hook", "http_basic_auth": "deployer", "http_basic_password": "********",
						"custom_header": []any{map[string]any{"header_name": "X-Api-Key", "value": "********"}}},
					map[string]any{"target_url": "http://build.example.com/run", "bearer_token": "new-bearer"}}}),
				WantStatus: 200, WantJSON: map[string]any{"webhook": map[string]any{"destinations": []any{
					map[string]any{"target_url": "https://example.com/hook", "http_basic_password": "********",
						"custom_header": []any{map[string]any{"value": "********"}}},
					map[string]any{"bearer_token": "********"}}}}},
			{Name: "the update was stored", Method: "GET", Path: "/v3/webhooks/{hook}", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"webhook": map[string]any{"disabled": true, "destinations": []any{
					map[string]any{"target_url": "https://example.com/hook", "http_basic_password": "********"},
					map[string]any{"bearer_token": "********"}}}}},

			{Name: "delete as content manager", Method: "DELETE", Path: "/v3/webhooks/{hook}", Headers: hdr("cm", "api_key"), WantStatus: 403},
			{Name: "delete with a read-only token", Method: "DELETE", Path: "/v3/webhooks/{hook}", Headers: mtHdr("mt_ro"), WantStatus: 403},
			{Name: "delete as admin", Method: "DELETE", Path: "/v3/webhooks/{hook}", Headers: hdr("admin", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"notice": "The Webhook was deleted successfully"}},
			{Name: "deleted webhook is gone", Method: "GET", Path: "/v3/webhooks/{hook}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "delete again", Method: "DELETE", Path: "/v3/webhooks/{hook}", Headers: hdr("owner", "api_key"), WantStatus: 422},
		})
		want := []string{"create:Deploy", "create:Rebuild", "create:By admin", "create:By dev", "create:By token",
			"update:Deploy", "update:Deploy", "delete:Deploy"}
		slices.Sort(want)
		if diff := cmp.Diff(want, extrasAuditEvents(t, e, "webhook")); diff != "" {
			t.Errorf("webhook audit items (-want +got):\n%s", diff)
		}
		for _, s := range hookSecrets {
			if strings.Contains(e.Logs.String(), s) {
				t.Errorf("the log holds the secret %q", s)
			}
		}
	})
}

// TestWebhookSecretsSealed reads the webhook's row straight from the
// database: no secret may appear in any column, the API shows them masked,
// and the sealed column opens to all of them.
func TestWebhookSecretsSealed(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			var database, dataDir string
			spy := storetest.Engine{Name: eng.Name, Open: func(t testing.TB) (*store.Store, string, string) {
				s, db, dir := eng.Open(t)
				database, dataDir = db, dir
				return s, db, dir
			}}
			e := apitest.New(t, spy)
			extrasEnv(t, e)
			extrasCreate(t, e, "/v3/webhooks", "webhook", "hook", secretHook("Deploy"))
			status, out := e.Do("PUT", "/v3/webhooks/{hook}", hdr("owner", "api_key"), webhookReq(map[string]any{"name": "Deploy 2"}))
			if status != 200 {
				t.Fatalf("update: %d %v", status, out)
			}
			status, out = e.Do("GET", "/v3/webhooks/{hook}", hdr("owner", "api_key"), nil)
			if status != 200 {
				t.Fatalf("get: %d %v", status, out)
			}
			shown := fmt.Sprint(out)
			rows := extrasRawRows(t, database, dataDir, `SELECT * FROM webhooks`)
			if len(rows) != 1 {
				t.Fatalf("%d webhook rows; want 1", len(rows))
			}
			for _, s := range hookSecrets {
				if strings.Contains(shown, s) {
					t.Errorf("the API shows the secret %q", s)
				}
				for col, v := range rows[0] {
					if strings.Contains(v, s) {
						t.Errorf("column %s holds the secret %q in clear: %s", col, s, v)
					}
				}
			}
			if rows[0]["sealed"] == "" || !strings.Contains(rows[0]["destinations"], "deployer") {
				t.Errorf("row = %v; want sealed secrets and the clear destination fields", rows[0])
			}
			sealed, err := base64.StdEncoding.DecodeString(rows[0]["sealed"])
			if err != nil {
				t.Fatal(err)
			}
			opened, err := e.Core.Box.Open(sealed)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range hookSecrets {
				if !strings.Contains(string(opened), s) {
					t.Errorf("the sealed secrets lost %q", s)
				}
			}
		})
	}
}

// extrasRawRows runs query on the test database behind the store, bypassing it.
func extrasRawRows(t *testing.T, database, dataDir, query string) []map[string]string {
	t.Helper()
	driver, dsn := "pgx", database
	if database == "" {
		driver, dsn = "sqlite", "file:"+filepath.Join(dataDir, "stackd.db")+"?mode=ro"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []map[string]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := map[string]string{}
		for i, c := range cols {
			if b, ok := vals[i].([]byte); ok {
				row[c] = string(b)
			} else {
				row[c] = fmt.Sprint(vals[i])
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWebhookCreatedMasked: csdx exports webhooks with their secrets masked
// and imports them with a create; the create stores the text as sent (the
// rule about changed target URLs applies to updates only).
func TestWebhookCreatedMasked(t *testing.T) {
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	extrasEnv(t, e)
	status, body := e.Do("POST", "/v3/webhooks", hdr("owner", "api_key"), webhookReq(map[string]any{
		"name": "Imported", "channels": []any{"assets.create"},
		"destinations": []any{map[string]any{"target_url": "https://example.com/imported", "http_basic_auth": "u", "http_basic_password": "********"}}}))
	if status != 201 {
		t.Fatalf("create with a masked secret: %d %v", status, body)
	}
}
