package api_test

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// TestCDAServesPublishedOnly: the CDA serves what is published to the
// delivery token's environment, at the published version. An entry
// never published, and an edit made after publishing, stay invisible,
// in lists, reads and queries alike.
func TestCDAServesPublishedOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		createEntryVar(t, e, "draft", "/v3/content_types/blog/entries", `{"entry":{"title":"Draft","url":"/draft"}}`)
		createType(t, e, `{"content_type":{"title":"Page","uid":"page","schema":[{"display_name":"Title","uid":"title","data_type":"text"}]}}`)
		e.Run(t, []apitest.Scenario{
			{Name: "publish post", Method: "POST", Path: "/v3/content_types/blog/entries/{post}/publish", Headers: owner,
				Body: publishBody([]any{"development"}, []any{"en-us"}), WantStatus: 200},
			{Name: "later edit", Method: "PUT", Path: "/v3/content_types/blog/entries/{post}", Headers: owner,
				Body: `{"entry":{"title":"Post edited","url":"/edited","pages":7}}`, WantStatus: 200},
		})
		entries := "/v3/content_types/blog/entries"
		q := func(query string) string { return entries + "?include_count=true&query=" + url.QueryEscape(query) }
		for _, c := range []struct {
			name, tok, path string
			status          int
			want            map[string]any
		}{
			{"list", "dt_dev", entries + "?include_count=true&environment=development&locale=en-us", 200, map[string]any{"count": 1,
				"entries": []any{map[string]any{"uid": "{post}", "title": "Post", "url": "/post", "_version": 1, "locale": "en-us",
					"publish_details": map[string]any{"environment": "{dev_env}", "locale": "en-us", "user": "{owner_uid}"}}}}},
			{"read", "dt_dev", entries + "/{post}", 200, map[string]any{"entry": map[string]any{"title": "Post", "_version": 1}}},
			{"the edit is not there", "dt_dev", entries + "/{post}", 200, map[string]any{"entry": map[string]any{"url": "/post"}}},
			{"query on the published content", "dt_dev", q(`{"title":"Post"}`), 200, map[string]any{"count": 1}},
			{"query on the edit finds nothing", "dt_dev", q(`{"title":"Post edited"}`), 200, map[string]any{"count": 0, "entries": []any{}}},
			{"query on a field only the edit has", "dt_dev", q(`{"pages":{"$exists":true}}`), 200, map[string]any{"count": 0}},
			{"draft not listed", "dt_dev", q(`{"title":"Draft"}`), 200, map[string]any{"count": 0}},
			{"draft not readable", "dt_dev", entries + "/{draft}", 422, map[string]any{"error_code": 141}},
			{"count only", "dt_dev", entries + "?count=true", 200, map[string]any{"entries": 1}},
			{"only", "dt_dev", entries + "/{post}?only[BASE][]=url", 200, map[string]any{"entry": map[string]any{"uid": "{post}", "url": "/post"}}},
			{"other environment", "dt_prod", entries + "?include_count=true", 200, map[string]any{"count": 0}},
			{"other locale", "dt_dev", entries + "?locale=fr-fr&include_count=true", 200, map[string]any{"count": 0}},
			{"fallback", "dt_dev", entries + "?locale=fr-fr&include_fallback=true", 200, map[string]any{"entries": []any{
				map[string]any{"title": "Post", "locale": "en-us", "publish_details": map[string]any{"locale": "en-us"}}}}},
			{"unknown locale", "dt_dev", entries + "?locale=xx-yy", 422, nil},
			{"bad query", "dt_dev", q(`{"nope":1}`), 422, nil},
			{"unknown content type", "dt_dev", "/v3/content_types/nope/entries", 422, map[string]any{"error_code": 118}},
			{"environment of another token", "dt_dev", entries + "?environment=production", 422, nil},
			{"every content type of the stack", "dt_prod", "/v3/content_types?include_count=true", 200, map[string]any{"count": 2}},
			{"one content type", "dt_prod", "/v3/content_types/page", 200, map[string]any{"content_type": map[string]any{"uid": "page", "title": "Page"}}},
		} {
			t.Run(c.name, func(t *testing.T) {
				status, body := cdaGet(e, c.tok, c.path)
				if status != c.status {
					t.Fatalf("%s: %d %v, want %d", c.path, status, body, c.status)
				}
				if c.want != nil {
					if d := apitest.Subset(expandJSON(t, e, c.want), body); d != "" {
						t.Errorf("%s: %s\nbody %v", c.path, d, body)
					}
				}
			})
		}

		e.Run(t, []apitest.Scenario{
			{Name: "publish in french without content there", Method: "POST", Path: "/v3/content_types/blog/entries/{post}/publish", Headers: owner,
				Body: publishBody([]any{"development"}, []any{"fr-fr"}), WantStatus: 200},
			{Name: "localize afterwards", Method: "PUT", Path: "/v3/content_types/blog/entries/{post}?locale=fr-fr", Headers: owner,
				Body: `{"entry":{"title":"Billet"}}`, WantStatus: 200},
		})
		status, body := cdaGet(e, "dt_dev", entries+"/{post}?locale=fr-fr")
		if status != 200 || body["entry"].(map[string]any)["title"] != "Post edited" {
			t.Errorf("french serves %d %v, want the master content as published (Post edited)", status, body)
		}
		e.Run(t, []apitest.Scenario{{Name: "unlocalize", Method: "POST", Path: "/v3/content_types/blog/entries/{post}/unlocalize?locale=fr-fr",
			Headers: owner, WantStatus: 200}})
		if status, _ := cdaGet(e, "dt_dev", entries+"/{post}?locale=fr-fr"); status != 200 {
			t.Errorf("removing the french content unpublished content that came from english: %d", status)
		}
		e.Run(t, []apitest.Scenario{{Name: "delete the locale", Method: "DELETE", Path: "/v3/locales/fr-fr", Headers: owner, WantStatus: 200}})
		if _, body := cdaGet(e, "dt_dev", entries+"?include_count=true"); body["count"] != float64(1) {
			t.Errorf("after deleting french, english should still be served: %v", body)
		}
		e.Run(t, []apitest.Scenario{{Name: "delete the entry", Method: "DELETE", Path: "/v3/content_types/blog/entries/{post}", Headers: owner, WantStatus: 200}})
		if _, body := cdaGet(e, "dt_dev", entries+"?include_count=true"); body["count"] != float64(0) {
			t.Errorf("a deleted entry is still served: %v", body)
		}
	})
}

// TestCDAAssets: assets are served at their published version, in the
// locales they are published in.
func TestCDAAssets(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		for _, name := range []string{"logo", "draft"} {
			status, body := e.Do("POST", "/v3/assets", owner, apitest.Form{apitest.Field("asset[title]", name), apitest.Field("asset[tags]", "brand"),
				apitest.FilePart(name+".txt", "text/plain", []byte(name+" bytes"))})
			if status != 201 {
				t.Fatalf("upload: %d %v", status, body)
			}
			e.Vars[name] = body["asset"].(map[string]any)["uid"].(string)
		}
		e.Run(t, []apitest.Scenario{
			{Name: "publish", Method: "POST", Path: "/v3/assets/{logo}/publish", Headers: owner,
				Body: map[string]any{"asset": map[string]any{"environments": []any{"development"}, "locales": []any{"en-us", "fr-fr"}}}, WantStatus: 200},
			{Name: "edit", Method: "PUT", Path: "/v3/assets/{logo}", Headers: owner,
				Body: map[string]any{"asset": map[string]any{"title": "logo v2", "tags": []any{"new"}}}, WantStatus: 200},
		})
		status, body := cdaGet(e, "dt_dev", "/v3/assets?include_count=true")
		if titles := cdaTitles(t, body, "assets"); status != 200 || !slices.Equal(titles, []string{"logo"}) || body["count"] != float64(1) {
			t.Errorf("assets on the CDA: %d %v", status, body)
		}
		for _, c := range []struct {
			path  string
			count int
		}{
			{`/v3/assets?include_count=true&query=` + url.QueryEscape(`{"tags":"brand"}`), 1},
			{`/v3/assets?include_count=true&query=` + url.QueryEscape(`{"tags":"new"}`), 0},
			{`/v3/assets?include_count=true&query=` + url.QueryEscape(`{"title":"logo v2"}`), 0},
			{`/v3/assets?include_count=true&locale=fr-fr`, 1},
		} {
			if _, body := cdaGet(e, "dt_dev", c.path); body["count"] != float64(c.count) {
				t.Errorf("%s: %v, want count %d", c.path, body, c.count)
			}
		}
		status, body = cdaGet(e, "dt_dev", "/v3/assets/{logo}")
		as, _ := body["asset"].(map[string]any)
		if status != 200 || as["title"] != "logo" || as["_version"] != float64(1) {
			t.Errorf("published asset: %d %v", status, body)
		}
		if status, _ := cdaGet(e, "dt_dev", "/v3/assets/{draft}"); status != 422 {
			t.Errorf("unpublished asset: %d", status)
		}
		u, err := url.Parse(as["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if rec := fetch(t, e, u.Path, nil); rec.Code != 200 || rec.Body.String() != "logo bytes" {
			t.Errorf("the delivered url serves %d %q", rec.Code, rec.Body.String())
		}
	})
}

// TestCDARouteCredentials: every CDA route refuses an unknown api_key
// (412 + 109), a missing or wrong delivery token (401 + 105), and an
// environment parameter naming another environment (422).
func TestCDARouteCredentials(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		status, body := e.Do("POST", "/v3/assets", hdr("owner", "api_key"), apitest.Form{apitest.FilePart("logo.txt", "text/plain", []byte("logo"))})
		if status != 201 {
			t.Fatalf("upload: %d %v", status, body)
		}
		e.Vars["logo"] = body["asset"].(map[string]any)["uid"].(string)
		e.Run(t, []apitest.Scenario{
			{Name: "publish", Method: "POST", Path: "/v3/content_types/blog/entries/{post}/publish",
				Headers: hdr("owner", "api_key"), Body: publishBody([]any{"development"}, nil), WantStatus: 200},
			{Name: "publish asset", Method: "POST", Path: "/v3/assets/{logo}/publish",
				Headers: hdr("owner", "api_key"), Body: map[string]any{"asset": map[string]any{"environments": []any{"development"}}}, WantStatus: 200},
		})
		good := map[string]string{"api_key": "{api_key}", "access_token": "{dt_dev}"}
		for _, path := range []string{"/v3/content_types", "/v3/content_types/blog", "/v3/content_types/blog/entries",
			"/v3/content_types/blog/entries/{post}", "/v3/assets", "/v3/assets/{logo}"} {
			for _, c := range []struct {
				name   string
				h      map[string]string
				query  string
				status int
				code   int
			}{
				{"delivery token", good, "?environment=development", 200, 0},
				{"unknown api_key", map[string]string{"api_key": "bltnope", "access_token": "{dt_dev}"}, "", 412, 109},
				{"no token", map[string]string{"api_key": "{api_key}"}, "", 401, 105},
				{"authtoken", map[string]string{"api_key": "{api_key}", "access_token": "{owner}"}, "", 401, 105},
				{"management token header", map[string]string{"api_key": "{api_key}", "authorization": "{dt_dev}"}, "", 401, 105},
				{"other stack", map[string]string{"api_key": "{other_key}", "access_token": "{dt_dev}"}, "", 401, 105},
				{"other environment", good, "?environment=production", 422, 0},
			} {
				status, body := e.DoOn(e.CDA, "GET", path+c.query, c.h, nil)
				if status != c.status {
					t.Errorf("%s as %s: %d %v, want %d", path, c.name, status, body, c.status)
				} else if c.code != 0 {
					apitest.CheckError(t, body, c.code)
				}
			}
		}
		if status, _ := e.DoOn(e.CDA, "POST", "/v3/content_types", good, nil); status != 405 {
			t.Errorf("CDA POST: %d, want 405", status)
		}
	})
}

// TestUnpublishOnRemoval: removing what a publication points to removes
// the publication, so that a version number written again later (a
// locale's content removed and localized anew starts at version 1) is
// never served unpublished; deleting an environment removes what was
// published to it.
func TestUnpublishOnRemoval(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		post := "/v3/content_types/blog/entries/{post}"
		e.Run(t, []apitest.Scenario{
			{Name: "localize", Method: "PUT", Path: post + "?locale=fr-fr", Headers: owner, Body: `{"entry":{"title":"Billet"}}`, WantStatus: 200},
			{Name: "publish french", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: publishBody([]any{"development", "production"}, []any{"fr-fr"}), WantStatus: 200},
			{Name: "unlocalize", Method: "POST", Path: post + "/unlocalize?locale=fr-fr", Headers: owner, WantStatus: 200},
			{Name: "localize anew", Method: "PUT", Path: post + "?locale=fr-fr", Headers: owner, Body: `{"entry":{"title":"Brouillon"}}`, WantStatus: 200},
			{Name: "version 1 again", Method: "GET", Path: post + "?locale=fr-fr&include_publish_details=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"_version": 1, "title": "Brouillon", "publish_details": []any{}}}},
		})
		if status, body := cdaGet(e, "dt_dev", post+"?locale=fr-fr"); status != 422 {
			t.Errorf("new, unpublished french content is served: %d %v", status, body)
		}

		e.Run(t, []apitest.Scenario{{Name: "publish english", Method: "POST", Path: post + "/publish", Headers: owner,
			Body: publishBody([]any{"production"}, nil), WantStatus: 200}})
		_, list := e.Do("GET", "/v3/stacks/delivery_tokens", owner, nil)
		for _, tok := range list["tokens"].([]any) {
			e.Vars["dt_uid"] = tok.(map[string]any)["uid"].(string)
			e.Run(t, []apitest.Scenario{{Name: "delete token", Method: "DELETE", Path: "/v3/stacks/delivery_tokens/{dt_uid}", Headers: owner, WantStatus: 200}})
		}
		e.Run(t, []apitest.Scenario{
			{Name: "delete production", Method: "DELETE", Path: "/v3/environments/production", Headers: owner, WantStatus: 200},
			{Name: "nothing published there any more", Method: "GET", Path: post + "?include_publish_details=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"publish_details": []any{}}}},
			{Name: "publish again", Method: "POST", Path: post + "/publish", Headers: owner,
				Body: publishBody([]any{"development"}, []any{"en-us", "fr-fr"}), WantStatus: 200},
		})
		publications := func() int {
			pubs, err := e.Store.EntryPublications(context.Background(), e.Vars["api_key"], []string{e.Vars["post"]})
			if err != nil {
				t.Fatal(err)
			}
			return len(pubs)
		}
		if n := publications(); n != 2 {
			t.Fatalf("%d publications, want 2", n)
		}
		e.Run(t, []apitest.Scenario{{Name: "delete french", Method: "DELETE", Path: "/v3/locales/fr-fr", Headers: owner, WantStatus: 200}})
		if n := publications(); n != 1 {
			t.Errorf("after deleting a locale: %d publications, want 1", n)
		}
		e.Run(t, []apitest.Scenario{{Name: "delete the content type", Method: "DELETE", Path: "/v3/content_types/blog?force=true", Headers: owner, WantStatus: 200}})
		if n := publications(); n != 0 {
			t.Errorf("after deleting the content type: %d publications, want 0", n)
		}
	})
}
