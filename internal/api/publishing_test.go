package api_test

import (
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

func TestEntryPublishScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner, cm := hdr("owner", "api_key"), hdr("cm", "api_key")
		_, e.Vars["mt_entry"] = createToken(t, e, []any{rw("entry"), branches("main")}, nil)
		_, e.Vars["mt_asset"] = createToken(t, e, []any{rw("asset"), branches("main")}, nil)
		post := "/v3/content_types/blog/entries/{post}"
		dev := []any{"development"}
		performed := map[string]any{"notice": "The requested action has been performed."}
		runEach(t, e, []apitest.Scenario{
			{Name: "publish", Method: "POST", Path: post + "/publish", Headers: owner, Body: publishBody(dev, []any{"en-us"}),
				WantStatus: 200, WantJSON: performed},
			{Name: "publish details", Method: "GET", Path: post + "?include_publish_details=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"publish_details": []any{map[string]any{"environment": "{dev_env}",
					"locale": "en-us", "version": 1, "user": "{owner_uid}", "time": "2026-03-04T05:06:07.000Z"}}}}},
			{Name: "list shows publish details", Method: "GET", Path: "/v3/content_types/blog/entries?include_publish_details=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entries": []any{map[string]any{"uid": "{post}",
					"publish_details": []any{map[string]any{"environment": "{dev_env}", "version": 1}}}}}},
			{Name: "edit makes version 2", Method: "PUT", Path: post, Headers: owner, Body: `{"entry":{"title":"Post v2"}}`, WantStatus: 200},
			{Name: "publish details stay at version 1", Method: "GET", Path: post + "?include_publish_details=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"_version": 2, "publish_details": []any{map[string]any{"version": 1}}}}},
			{Name: "no locales is the master, version as a string", Method: "POST", Path: post + "/publish", Headers: cm,
				Body: `{"entry":{"environments":["production"]},"version":"1"}`, WantStatus: 200, WantJSON: performed},
			{Name: "two environments", Method: "GET", Path: post + "?include_publish_details=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"publish_details": []any{
					map[string]any{"environment": "{dev_env}", "version": 1}, map[string]any{"environment": "{prod_env}", "version": 1}}}}},
			{Name: "unlocalized locale publishes the fallback content", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: publishBody(dev, []any{"fr-fr"}), WantStatus: 200},
			{Name: "token with entry scope", Method: "POST", Path: post + "/publish", Headers: mt("{mt_entry}", "api_key"),
				Body: publishBody(dev, []any{"en-us"}), WantStatus: 200},
			{Name: "without publish details by default", Method: "GET", Path: post, Headers: owner, WantStatus: 200},

			{Name: "unknown environments are named", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: publishBody([]any{"development", "mars", "venus"}, nil), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"environments": []any{`["mars" "venus"] are not environments of this stack.`}}}},
			{Name: "unknown locales are named", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: publishBody(dev, []any{"xx-yy"}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"locales": []any{`["xx-yy"] are not languages of this stack.`}}}},
			{Name: "no environments", Method: "POST", Path: post + "/publish", Headers: owner, Body: publishBody([]any{}, nil), WantStatus: 422},
			{Name: "no entry object", Method: "POST", Path: post + "/publish", Headers: owner, Body: `{"locale":"en-us"}`, WantStatus: 422},
			{Name: "missing version", Method: "POST", Path: post + "/publish", Headers: owner, Body: `{"entry":{"environments":["development"]},"version":9}`,
				WantStatus: 422, WantCode: 141},
			{Name: "bad version", Method: "POST", Path: post + "/publish", Headers: owner, Body: `{"entry":{"environments":["development"]},"version":-1}`,
				WantStatus: 422},
			{Name: "bad scheduled_at", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: `{"entry":{"environments":["development"]},"scheduled_at":"tomorrow"}`, WantStatus: 422},
			{Name: "unknown entry", Method: "POST", Path: "/v3/content_types/blog/entries/bltnope/publish", Headers: owner,
				Body: publishBody(dev, nil), WantStatus: 422, WantCode: 141},
			{Name: "unknown content type", Method: "POST", Path: "/v3/content_types/nope/entries/{post}/publish", Headers: owner,
				Body: publishBody(dev, nil), WantStatus: 422, WantCode: 118},
			{Name: "member without a role", Method: "POST", Path: post + "/publish", Headers: hdr("norole", "api_key"),
				Body: publishBody(dev, nil), WantStatus: 403, WantCode: 162},
			{Name: "token without entry scope", Method: "POST", Path: post + "/publish", Headers: mt("{mt_asset}", "api_key"),
				Body: publishBody(dev, nil), WantStatus: 403, WantCode: 162},
			{Name: "malformed body", Method: "POST", Path: post + "/publish", Headers: owner, Body: `{"entry":`, WantStatus: 400},

			{Name: "unpublish", Method: "POST", Path: post + "/unpublish", Headers: owner, Body: publishBody(dev, []any{"en-us", "fr-fr"}),
				WantStatus: 200, WantJSON: performed},
			{Name: "only production remains", Method: "GET", Path: post + "?include_publish_details=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"publish_details": []any{map[string]any{"environment": "{prod_env}"}}}}},
			{Name: "unpublish what is not published", Method: "POST", Path: post + "/unpublish", Headers: owner, Body: publishBody(dev, nil),
				WantStatus: 200, WantJSON: performed},
			{Name: "the queue lists every action", Method: "GET", Path: "/v3/publish-queue?include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 6}},
		})
	})
}

func TestAssetPublishScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		status, body := e.Do("POST", "/v3/assets", owner, apitest.Form{apitest.Field("asset[title]", "Logo"),
			apitest.FilePart("logo.txt", "text/plain", []byte("logo bytes"))})
		if status != 201 {
			t.Fatalf("upload: %d %v", status, body)
		}
		e.Vars["logo"] = body["asset"].(map[string]any)["uid"].(string)
		e.Clock.Advance(time.Second)
		e.Vars["box"] = mustCreate(t, e, "/v3/assets/folders", owner, map[string]any{"asset": map[string]any{"name": "Box"}}, "asset")
		_, e.Vars["mt_asset"] = createToken(t, e, []any{rw("asset"), branches("main")}, nil)
		_, e.Vars["mt_entry"] = createToken(t, e, []any{rw("entry"), branches("main")}, nil)
		assetBody := func(envs ...any) map[string]any {
			return map[string]any{"asset": map[string]any{"environments": envs, "locales": []any{"en-us"}}}
		}
		runEach(t, e, []apitest.Scenario{
			{Name: "publish", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: owner, Body: assetBody("development"),
				WantStatus: 200, WantJSON: map[string]any{"notice": "Asset sent for publishing."}},
			{Name: "asset-scoped token publishes", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: mt("{mt_asset}", "api_key"),
				Body: assetBody("production"), WantStatus: 200},
			{Name: "entry-scoped token may not", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: mt("{mt_entry}", "api_key"),
				Body: assetBody("production"), WantStatus: 403},
			{Name: "unknown asset", Method: "POST", Path: "/v3/assets/bltnope/publish", Headers: owner, Body: assetBody("development"), WantStatus: 422},
			{Name: "unknown version", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: owner,
				Body: map[string]any{"asset": map[string]any{"environments": []any{"development"}}, "version": 4}, WantStatus: 422},
			{Name: "unknown environment", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: owner, Body: assetBody("mars"), WantStatus: 422},
			{Name: "no asset object", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: owner, Body: publishBody([]any{"development"}, nil),
				WantStatus: 422},
			{Name: "unpublish", Method: "POST", Path: "/v3/assets/{logo}/unpublish", Headers: owner, Body: assetBody("production"),
				WantStatus: 200, WantJSON: map[string]any{"notice": "Asset sent for unpublishing."}},
			{Name: "queue shows the asset", Method: "GET", Path: "/v3/publish-queue", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"queue": []any{
					map[string]any{"type": "asset", "action": "unpublish", "asset": map[string]any{"uid": "{logo}", "title": "Logo"},
						"environment": []any{"{prod_env}"}, "locale": []any{"en-us"}, "publish_details": map[string]any{"status": "success"}},
					map[string]any{"type": "asset", "action": "publish", "asset": map[string]any{"uid": "{logo}", "version": 1}},
					map[string]any{"type": "asset", "action": "publish", "environment": []any{"{dev_env}"}}}}},
			// csdx exports assets with include_publish_details=true; its import audit needs the list.
			{Name: "publish_details on the asset", Method: "GET", Path: "/v3/assets/{logo}?include_publish_details=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"asset": map[string]any{"publish_details": []any{
					map[string]any{"environment": "{dev_env}", "locale": "en-us", "version": 1, "user": "{owner_uid}"}}}}},
			{Name: "publish_details in the list, [] for a folder", Method: "GET",
				Path: "/v3/assets?include_folders=true&include_publish_details=true&asc=created_at", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"assets": []any{
					map[string]any{"uid": "{logo}", "publish_details": []any{map[string]any{"environment": "{dev_env}", "locale": "en-us"}}},
					map[string]any{"uid": "{box}", "publish_details": []any{}}}}},
		})
		if status, body := cdaGet(e, "dt_dev", "/v3/assets/{logo}"); status != 200 {
			t.Errorf("published asset on the CDA: %d %v", status, body)
		}
		if status, _ := cdaGet(e, "dt_prod", "/v3/assets/{logo}"); status != 422 {
			t.Errorf("unpublished asset on the CDA: %d", status)
		}
	})
}

// TestRefusedPublishesChangeNothing: a publish refused for any reason
// (rights, rules of the request, unknown things) leaves every row as it
// was, the publish queue and the audit log included.
func TestRefusedPublishesChangeNothing(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		e.Vars["reader_role"] = mustCreate(t, e, "/v3/roles", owner, map[string]any{"role": map[string]any{"name": "Writer", "rules": []any{
			branches("main"), map[string]any{"module": "content_type", "content_types": []any{"$all"},
				"acl": map[string]any{"read": true, "sub_acl": map[string]any{"read": true, "create": true, "update": true, "publish": true}}},
			map[string]any{"module": "locale", "locales": []any{"fr-fr"}, "restrict": true, "acl": map[string]any{"read": true, "sub_acl": map[string]any{"publish": true}}},
		}}}, "role")
		e.Run(t, []apitest.Scenario{{Name: "assign", Method: "POST", Path: "/v3/stacks/users/roles", Headers: owner,
			Body: map[string]any{"users": map[string]any{"{norole_uid}": []any{"{reader_role}"}}}, WantStatus: 200}})
		before := fingerprint(t, e)
		post := "/v3/content_types/blog/entries/{post}"
		dev := []any{"development"}
		for _, sc := range []apitest.Scenario{
			{Name: "locale the role may not publish", Method: "POST", Path: post + "/publish", Headers: hdr("norole", "api_key"),
				Body: publishBody(dev, []any{"en-us", "fr-fr"}), WantStatus: 403},
			{Name: "content manager, unknown environment", Method: "POST", Path: post + "/publish", Headers: hdr("cm", "api_key"),
				Body: publishBody([]any{"development", "mars"}, nil), WantStatus: 422},
			{Name: "unknown locale after a good one", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: publishBody(dev, []any{"en-us", "xx-yy"}), WantStatus: 422},
			{Name: "scheduled with a missing version", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: `{"entry":{"environments":["development"]},"version":3,"scheduled_at":"2030-01-01T00:00:00.000Z"}`, WantStatus: 422},
			{Name: "bulk with one unknown entry", Method: "POST", Path: "/v3/bulk/publish", Headers: owner,
				Body: map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog", "locale": "en-us"},
					map[string]any{"uid": "bltnope", "content_type": "blog", "locale": "en-us"}}, "locales": []any{"en-us"}, "environments": dev},
				WantStatus: 422},
			{Name: "bulk in a locale the role may not publish", Method: "POST", Path: "/v3/bulk/publish", Headers: hdr("norole", "api_key"),
				Body: map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog"}},
					"locales": []any{"fr-fr"}, "environments": dev}, WantStatus: 403},
			{Name: "bulk delete by a member without a role", Method: "POST", Path: "/v3/bulk/delete", Headers: hdr("outsider", "api_key"),
				Body: map[string]any{"entries": []any{map[string]any{"uid": "{post}", "content_type": "blog"}}}, WantStatus: 412},
		} {
			e.Run(t, []apitest.Scenario{sc})
		}
		if after := fingerprint(t, e); after != before {
			t.Error("a refused publish changed the database")
		}
		e.Run(t, []apitest.Scenario{{Name: "the role publishes where it may", Method: "POST", Path: post + "/publish",
			Headers: hdr("norole", "api_key"), Body: publishBody(dev, []any{"en-us"}), WantStatus: 200}})
	})
}
