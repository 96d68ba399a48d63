package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

// createEntryVar creates an entry of ct and stores its uid in e.Vars[name].
func createEntryVar(t *testing.T, e *apitest.Env, name, path, body string) {
	t.Helper()
	status, b := e.Do("POST", path, hdr("owner", "api_key"), body)
	if status != 201 {
		t.Fatalf("create entry %s: %d %v", name, status, b)
	}
	e.Vars[name] = b["entry"].(map[string]any)["uid"].(string)
}

func TestEntryScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		createType(t, e, blogType)
		owner, cm := hdr("owner", "api_key"), hdr("cm", "api_key")
		createEntryVar(t, e, "first", "/v3/content_types/blog/entries?locale=en-us", `{"entry":{"title":"First","url":"/first","pages":10}}`)
		_, me := e.Do("GET", "/v3/user", hdr("owner", ""), nil)
		e.Vars["owner_uid"] = me["user"].(map[string]any)["uid"].(string)
		e.Run(t, []apitest.Scenario{
			{Name: "create", Method: "POST", Path: "/v3/content_types/blog/entries", Headers: cm,
				Body: `{"entry":{"title":"Hello","url":"/hello","pages":3,"slug":"hello-world","author":{"name":"Ann","age":3},
					"related":[{"uid":"{first}","_content_type_uid":"blog"}],"tags":["a","b"],"unknown":"dropped","uid":"bltignored","_version":9}}`,
				WantStatus: 201, WantJSON: map[string]any{"notice": "Entry created successfully.", "entry": map[string]any{
					"title": "Hello", "url": "/hello", "pages": 3, "slug": "hello-world", "author": map[string]any{"name": "Ann"},
					"related": []any{map[string]any{"uid": "{first}", "_content_type_uid": "blog"}},
					"locale":  "en-us", "_version": 1, "tags": []any{"a", "b"}, "ACL": map[string]any{}, "_in_progress": false,
					"created_by": "{cm_uid}", "updated_by": "{cm_uid}", "created_at": "2026-03-04T05:06:07.000Z"}}},
			{Name: "duplicate title", Method: "POST", Path: "/v3/content_types/blog/entries", Headers: owner,
				Body: `{"entry":{"title":"First"}}`, WantStatus: 422, WantCode: 119,
				WantJSON: map[string]any{"errors": map[string]any{"title": []any{"is not unique."}}}},
			{Name: "validation names every field", Method: "POST", Path: "/v3/content_types/blog/entries", Headers: owner,
				Body:       `{"entry":{"url":5,"pages":"many","slug":"Not Valid","author":"Ann","related":[{"uid":"bltnope"}],"tags":"x"}}`,
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{
					"title": []any{"is required."}, "url": []any{"must be a string."}, "pages": []any{"must be a number."},
					"slug": []any{"lowercase words and dashes only"}, "author": []any{"must be an object."},
					"tags": []any{"must be an array of strings."}}}},
			{Name: "unknown content type", Method: "POST", Path: "/v3/content_types/nope/entries", Headers: owner,
				Body: `{"entry":{"title":"X"}}`, WantStatus: 422, WantCode: 118},
			{Name: "unknown locale", Method: "POST", Path: "/v3/content_types/blog/entries?locale=xx-yy", Headers: owner,
				Body: `{"entry":{"title":"X"}}`, WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"locale": []any{`"xx-yy" is not a language of this stack.`}}}},
			{Name: "no entry object", Method: "POST", Path: "/v3/content_types/blog/entries", Headers: owner,
				Body: `{"title":"X"}`, WantStatus: 422},
			{Name: "refused creates created nothing", Method: "GET", Path: "/v3/content_types/blog/entries?count=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entries": 2}},
			{Name: "get", Method: "GET", Path: "/v3/content_types/blog/entries/{first}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"uid": "{first}", "title": "First", "pages": 10, "_version": 1}}},
			{Name: "get with only", Method: "GET", Path: "/v3/content_types/blog/entries/{first}?only[BASE][]=url", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"uid": "{first}", "url": "/first"}}},
			{Name: "get in the wrong content type", Method: "GET", Path: "/v3/content_types/nope/entries/{first}", Headers: owner,
				WantStatus: 422, WantCode: 118},
			{Name: "missing entry", Method: "GET", Path: "/v3/content_types/blog/entries/bltnope", Headers: owner, WantStatus: 422, WantCode: 141},
			{Name: "update", Method: "PUT", Path: "/v3/content_types/blog/entries/{first}", Headers: owner,
				Body: `{"entry":{"pages":11}}`, WantStatus: 200, WantJSON: map[string]any{"notice": "Entry updated successfully.",
					"entry": map[string]any{"title": "First", "url": "/first", "pages": 11, "_version": 2}}},
			{Name: "update clears a field with null", Method: "PUT", Path: "/v3/content_types/blog/entries/{first}", Headers: owner,
				Body: `{"entry":{"url":null,"pages":12}}`, WantStatus: 200, WantJSON: map[string]any{"entry": map[string]any{"_version": 3}}},
			{Name: "invalid update", Method: "PUT", Path: "/v3/content_types/blog/entries/{first}", Headers: owner,
				Body: `{"entry":{"title":""}}`, WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"title": []any{"is required."}}}},
			{Name: "update of a missing entry", Method: "PUT", Path: "/v3/content_types/blog/entries/bltnope", Headers: owner,
				Body: `{"entry":{"pages":1}}`, WantStatus: 422, WantCode: 141},
			{Name: "refused updates made no version", Method: "GET", Path: "/v3/content_types/blog/entries/{first}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"_version": 3, "pages": 12, "title": "First"}}},
			{Name: "an old version", Method: "GET", Path: "/v3/content_types/blog/entries/{first}?version=1", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"_version": 1, "pages": 10, "url": "/first"}}},
			{Name: "a missing version", Method: "GET", Path: "/v3/content_types/blog/entries/{first}?version=9", Headers: owner,
				WantStatus: 422, WantCode: 141},
			{Name: "a bad version", Method: "GET", Path: "/v3/content_types/blog/entries/{first}?version=x", Headers: owner, WantStatus: 422},
			{Name: "name a version", Method: "POST", Path: "/v3/content_types/blog/entries/{first}/versions/1/name", Headers: owner,
				Body: `{"entry":{"_version_name":"Launch","locale":"en-us","force":true}}`, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Version name assigned successfully"}},
			{Name: "name a missing version", Method: "POST", Path: "/v3/content_types/blog/entries/{first}/versions/7/name", Headers: owner,
				Body: `{"entry":{"_version_name":"X"}}`, WantStatus: 422, WantCode: 141},
			{Name: "versions", Method: "GET", Path: "/v3/content_types/blog/entries/{first}/versions?include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 3, "versions": []any{
					map[string]any{"_version": 3, "locale": "en-us", "updated_by": "{owner_uid}"},
					map[string]any{"_version": 2},
					map[string]any{"_version": 1, "_version_name": map[string]any{"title": "Launch", "updated_by": "{owner_uid}"}}}}},
			{Name: "named versions", Method: "GET", Path: "/v3/content_types/blog/entries/{first}/versions?named=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"versions": []any{map[string]any{"_version": 1}}}},
			{Name: "a named version shows its name", Method: "GET", Path: "/v3/content_types/blog/entries/{first}?version=1", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entry": map[string]any{"_version_name": map[string]any{"title": "Launch"}}}},
			{Name: "unname", Method: "DELETE", Path: "/v3/content_types/blog/entries/{first}/versions/1/name", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Version name deleted successfully"}},
			{Name: "no named versions left", Method: "GET", Path: "/v3/content_types/blog/entries/{first}/versions?named=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"versions": []any{}}},
			{Name: "developer without entry rights on a custom role is refused", Method: "DELETE", Path: "/v3/content_types/blog/entries/{first}",
				Headers: hdr("norole", "api_key"), WantStatus: 403},
			{Name: "content type with entries is not deleted", Method: "DELETE", Path: "/v3/content_types/blog", Headers: owner, WantStatus: 422},
			{Name: "delete", Method: "DELETE", Path: "/v3/content_types/blog/entries/{first}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Entry deleted successfully."}},
			{Name: "deleted entry is gone", Method: "GET", Path: "/v3/content_types/blog/entries/{first}", Headers: owner, WantStatus: 422, WantCode: 141},
			{Name: "forced content type deletion", Method: "DELETE", Path: "/v3/content_types/blog?force=true", Headers: owner, WantStatus: 200},
		})
		wantAudit(t, e, "entry", "update", e.Vars["first"])
	})
}

// TestEntryListScenarios covers the list call: the query language end to
// end, sorting, paging, counting and projections.
func TestEntryListScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		createType(t, e, blogType)
		owner := hdr("owner", "api_key")
		for i, title := range []string{"Alpha", "Beta", "Gamma"} {
			e.Clock.Advance(time.Second)
			createEntryVar(t, e, title, "/v3/content_types/blog/entries",
				fmt.Sprintf(`{"entry":{"title":%q,"pages":%d,"author":{"name":"%c"}}}`, title, (i+1)*10, title[0]))
		}
		list := "/v3/content_types/blog/entries?"
		e.Run(t, []apitest.Scenario{
			{Name: "default order is newest update first", Method: "GET", Path: list + "include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 3, "entries": []any{map[string]any{"title": "Gamma"}, map[string]any{"title": "Beta"},
					map[string]any{"title": "Alpha"}}}},
			{Name: "query on a number", Method: "GET", Path: list + "include_count=true&query=" + q(`{"pages":{"$gte":20}}`) + "&asc=pages",
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"count": 2, "entries": []any{map[string]any{"title": "Beta"},
					map[string]any{"title": "Gamma"}}}},
			{Name: "query on a group field", Method: "GET", Path: list + "query=" + q(`{"author.name":{"$in":["A","G"]}}`) + "&asc=title",
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"entries": []any{map[string]any{"title": "Alpha"},
					map[string]any{"title": "Gamma"}}}},
			{Name: "regex", Method: "GET", Path: list + "count=true&query=" + q(`{"title":{"$regex":"^(alpha|beta)$","$options":"i"}}`),
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"entries": 2}},
			{Name: "page", Method: "GET", Path: list + "asc=pages&skip=1&limit=1&include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 3, "entries": []any{map[string]any{"title": "Beta"}}}},
			{Name: "only", Method: "GET", Path: list + "asc=pages&limit=1&only[BASE][]=title&only[BASE][]=author.name", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entries": []any{map[string]any{"uid": "{Alpha}", "title": "Alpha",
					"author": map[string]any{"name": "A"}}}}},
			{Name: "except", Method: "GET", Path: list + "asc=pages&limit=1&except[BASE][]=author&except[BASE][]=uid", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entries": []any{map[string]any{"uid": "{Alpha}", "pages": 10}}}},
			{Name: "empty and operand", Method: "GET", Path: list + "query=" + q(`{"$and":[{},{}]}`), Headers: owner, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{"$and.0 must be a non-empty query object."}}}},
			{Name: "unknown operator", Method: "GET", Path: list + "query=" + q(`{"title":{"$like":"x"}}`), Headers: owner, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{`"$like" is not a known operator (title).`}}}},
			{Name: "wrong operand type", Method: "GET", Path: list + "query=" + q(`{"pages":{"$gt":true}}`), Headers: owner, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{"pages.$gt must be a number or a string."}}}},
			{Name: "bad regex", Method: "GET", Path: list + "query=" + q(`{"title":{"$regex":"("}}`), Headers: owner, WantStatus: 422},
			{Name: "not JSON", Method: "GET", Path: list + "query=" + q(`{title:1}`), Headers: owner, WantStatus: 422},
			{Name: "unknown field", Method: "GET", Path: list + "query=" + q(`{"author.nme":"A"}`), Headers: owner, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{`"author.nme" is not a field of this content type.`}}}},
			{Name: "sort by an unknown field", Method: "GET", Path: list + "asc=nope", Headers: owner, WantStatus: 422},
			{Name: "NUL in a query value", Method: "GET", Path: list + "query=" + q(`{"title":"a\u0000"}`), Headers: owner, WantStatus: 422},
			{Name: "NUL in a parameter", Method: "GET", Path: list + "locale=en%00", Headers: owner, WantStatus: 400},
			{Name: "invalid UTF-8 in the path", Method: "GET", Path: "/v3/content_types/bl%FFog/entries", Headers: owner, WantStatus: 400},
			{Name: "NUL in an entry", Method: "POST", Path: "/v3/content_types/blog/entries", Headers: owner,
				Body: `{"entry":{"title":"X","author":{"name":"a\u0000"}}}`, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"entry.author.name": []any{"must not contain NUL characters or invalid UTF-8."}}}},
			{Name: "NUL in a content type title", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body: `{"content_type":{"title":"a\u0000","uid":"nul","schema":[]}}`, WantStatus: 422},
			{Name: "NUL in options", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body: `{"content_type":{"title":"Nul","uid":"nul","options":{"x":"\u0000"},"schema":[]}}`, WantStatus: 422},
		})
	})
}

// TestEntryReferenceScenarios: a reference may name an entry that does not
// exist (yet), as in Contentstack: the csdx import creates every entry with
// the source stack's uids in its references and rewrites them once all
// entries exist. A reference to an existing entry of another content type
// than it names is refused.
func TestEntryReferenceScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		createType(t, e, `{"content_type":{"title":"Page","uid":"page","schema":[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true}]}}`)
		createType(t, e, blogType)
		createEntryVar(t, e, "home", "/v3/content_types/page/entries", `{"entry":{"title":"Home"}}`)
		createEntryVar(t, e, "first", "/v3/content_types/blog/entries", `{"entry":{"title":"First"}}`)
		owner := hdr("owner", "api_key")
		e.Run(t, []apitest.Scenario{
			{Name: "a missing entry", Method: "POST", Path: "/v3/content_types/blog/entries", Headers: owner,
				Body: `{"entry":{"title":"Dangling","related":[{"uid":"bltnope","_content_type_uid":"blog"}]}}`, WantStatus: 201,
				WantJSON: map[string]any{"entry": map[string]any{"related": []any{map[string]any{"uid": "bltnope", "_content_type_uid": "blog"}}}}},
			{Name: "an entry of another content type", Method: "POST", Path: "/v3/content_types/blog/entries", Headers: owner,
				Body: `{"entry":{"title":"Wrong","related":[{"uid":"{first}","_content_type_uid":"blog"},{"uid":"{home}","_content_type_uid":"blog"}]}}`, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{
					"related.1": []any{`references the entry "{home}", which is an entry of the content type "page", not "blog".`}}}},
			{Name: "the refused entry was not made", Method: "GET", Path: "/v3/content_types/blog/entries?count=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entries": 2}},
		})
	})
}

func TestLocaleScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		createType(t, e, `{"content_type":{"title":"Product","uid":"product","schema":[
			{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
			{"display_name":"Price","uid":"price","data_type":"number","non_localizable":true},
			{"display_name":"Blurb","uid":"blurb","data_type":"text"}]}}`)
		createEntryVar(t, e, "chair", "/v3/content_types/product/entries", `{"entry":{"title":"Chair","price":10,"blurb":"A chair"}}`)
		owner := hdr("owner", "api_key")
		one := "/v3/content_types/product/entries/{chair}"
		e.Run(t, []apitest.Scenario{
			{Name: "the master locale exists from the start", Method: "GET", Path: "/v3/locales?include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 1, "locales": []any{map[string]any{"code": "en-us", "name": "English - United States",
					"fallback_locale": nil}}}},
			{Name: "add", Method: "POST", Path: "/v3/locales", Headers: owner,
				Body: `{"locale":{"code":"fr-fr","name":"French - France"}}`, WantStatus: 201,
				WantJSON: map[string]any{"notice": "Language added successfully.", "locale": map[string]any{"code": "fr-fr",
					"fallback_locale": "en-us", "_version": 1, "ACL": map[string]any{}}}},
			{Name: "add a duplicate", Method: "POST", Path: "/v3/locales", Headers: owner,
				Body: `{"locale":{"code":"fr-fr"}}`, WantStatus: 422, WantCode: 247},
			{Name: "add with a bad code", Method: "POST", Path: "/v3/locales", Headers: owner,
				Body: `{"locale":{"code":"French"}}`, WantStatus: 422},
			{Name: "add with an unknown fallback", Method: "POST", Path: "/v3/locales", Headers: owner,
				Body: `{"locale":{"code":"de-de","fallback_locale":"xx-xx"}}`, WantStatus: 422},
			{Name: "add with a fallback chain", Method: "POST", Path: "/v3/locales", Headers: owner,
				Body: `{"locale":{"code":"fr-ca","name":"French - Canada","fallback_locale":"fr-fr"}}`, WantStatus: 201},
			// csdx import finds the master locale this way.
			{Name: "the master is the locale without a fallback", Method: "GET", Path: "/v3/locales?&query=" + url.QueryEscape(`{"fallback_locale":null}`),
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"locales": []any{map[string]any{"code": "en-us", "fallback_locale": nil}}}},
			{Name: "the locales with a fallback", Method: "GET", Path: "/v3/locales?include_count=true&query=" + url.QueryEscape(`{"fallback_locale":{"$ne":null}}`),
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"count": 2}},
			{Name: "fallback_locale exists on every locale", Method: "GET", Path: "/v3/locales?count=true&query=" + url.QueryEscape(`{"fallback_locale":{"$exists":true}}`),
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"locales": 3}},
			{Name: "content manager cannot add", Method: "POST", Path: "/v3/locales", Headers: hdr("cm", "api_key"),
				Body: `{"locale":{"code":"it-it"}}`, WantStatus: 403},
			{Name: "get", Method: "GET", Path: "/v3/locales/fr-ca", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"locale": map[string]any{"code": "fr-ca", "fallback_locale": "fr-fr"}}},
			{Name: "not localized", Method: "GET", Path: one + "?locale=fr-ca", Headers: owner, WantStatus: 422, WantCode: 141},
			{Name: "fallback to the master", Method: "GET", Path: one + "?locale=fr-ca&include_fallback=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"locale": "en-us", "title": "Chair"}}},
			{Name: "localize", Method: "PUT", Path: one + "?locale=fr-fr", Headers: owner,
				Body: `{"entry":{"title":"Chaise","price":99}}`, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Entry localized successfully.", "entry": map[string]any{"locale": "fr-fr",
					"title": "Chaise", "blurb": "A chair", "price": 10, "_version": 1}}},
			{Name: "update the localized entry", Method: "PUT", Path: one + "?locale=fr-fr", Headers: owner,
				Body: `{"entry":{"blurb":"Une chaise"}}`, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Entry updated successfully.", "entry": map[string]any{"_version": 2, "title": "Chaise"}}},
			{Name: "the master is unchanged", Method: "GET", Path: one, Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"locale": "en-us", "title": "Chair", "blurb": "A chair", "_version": 1}}},
			{Name: "fallback to the nearest locale", Method: "GET", Path: one + "?locale=fr-ca&include_fallback=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"locale": "fr-fr", "title": "Chaise"}}},
			{Name: "list with fallback", Method: "GET", Path: "/v3/content_types/product/entries?locale=fr-ca&include_fallback=true&include_count=true",
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"count": 1, "entries": []any{map[string]any{"locale": "fr-fr"}}}},
			{Name: "list without fallback", Method: "GET", Path: "/v3/content_types/product/entries?locale=fr-ca&include_count=true",
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"count": 0}},
			{Name: "locales of the entry", Method: "GET", Path: one + "/locales", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"locales": []any{map[string]any{"code": "en-us", "localized": true},
					map[string]any{"code": "fr-ca", "localized": false}, map[string]any{"code": "fr-fr", "localized": true}}}},
			{Name: "versions of the localized entry", Method: "GET", Path: one + "/versions?locale=fr-fr&include_count=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"count": 2}},
			{Name: "a locale others fall back to", Method: "DELETE", Path: "/v3/locales/fr-fr", Headers: owner, WantStatus: 422},
			{Name: "the master locale", Method: "DELETE", Path: "/v3/locales/en-us", Headers: owner, WantStatus: 422},
			{Name: "fallback cycle", Method: "PUT", Path: "/v3/locales/fr-fr", Headers: owner,
				Body: `{"locale":{"fallback_locale":"fr-ca"}}`, WantStatus: 422},
			{Name: "rename", Method: "PUT", Path: "/v3/locales/fr-ca", Headers: owner,
				Body: `{"locale":{"name":"Québécois","fallback_locale":"en-us"}}`, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Language updated successfully.", "locale": map[string]any{"name": "Québécois",
					"fallback_locale": "en-us", "_version": 2}}},
			{Name: "unlocalize", Method: "POST", Path: one + "/unlocalize?locale=fr-fr", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Entry unlocalized successfully."}},
			{Name: "unlocalize again", Method: "POST", Path: one + "/unlocalize?locale=fr-fr", Headers: owner, WantStatus: 422, WantCode: 141},
			{Name: "unlocalize the master", Method: "POST", Path: one + "/unlocalize?locale=en-us", Headers: owner, WantStatus: 422},
			{Name: "fallback after unlocalizing", Method: "GET", Path: one + "?locale=fr-fr&include_fallback=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": map[string]any{"locale": "en-us"}}},
			{Name: "delete", Method: "DELETE", Path: "/v3/locales/fr-ca", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Language removed successfully."}},
			{Name: "deleted locale is unknown", Method: "GET", Path: "/v3/locales/fr-ca", Headers: owner, WantStatus: 422},
		})
	})
}
