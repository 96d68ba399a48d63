package api_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
)

// q URL-encodes a JSON query for a path.
func q(json string) string { return url.QueryEscape(json) }

const blogType = `{"content_type":{"title":"Blog","uid":"blog",
	"options":{"is_page":true,"singleton":false,"title":"title","url_pattern":"/:title"},
	"schema":[
		{"display_name":"Title","uid":"title","data_type":"text","mandatory":true,"unique":true,"field_metadata":{"_default":true}},
		{"display_name":"URL","uid":"url","data_type":"text","field_metadata":{"_default":true}},
		{"display_name":"Pages","uid":"pages","data_type":"number"},
		{"display_name":"Slug","uid":"slug","data_type":"text","format":"^[a-z-]+$","error_messages":{"format":"lowercase words and dashes only"}},
		{"display_name":"Author","uid":"author","data_type":"group","schema":[{"display_name":"Name","uid":"name","data_type":"text"}]},
		{"display_name":"Related","uid":"related","data_type":"reference","reference_to":["blog"],"field_metadata":{"ref_multiple":true}}]}}`

// createType creates a content type from a JSON body, failing the test otherwise.
func createType(t *testing.T, e *apitest.Env, body string) {
	t.Helper()
	if status, b := e.Do("POST", "/v3/content_types", hdr("owner", "api_key"), body); status != 201 {
		t.Fatalf("create content type: %d %v", status, b)
	}
}

func TestContentTypeScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		owner := hdr("owner", "api_key")
		e.Run(t, []apitest.Scenario{
			{Name: "create", Method: "POST", Path: "/v3/content_types", Headers: owner, Body: blogType, WantStatus: 201,
				WantJSON: map[string]any{"notice": "Content Type created successfully.", "content_type": map[string]any{
					"uid": "blog", "title": "Blog", "_version": 1, "options": map[string]any{"is_page": true, "url_pattern": "/:title"},
					"schema": []any{map[string]any{"uid": "title", "mandatory": true, "unique": true, "multiple": false,
						"field_metadata": map[string]any{"_default": true}}, map[string]any{"uid": "url"}, map[string]any{"uid": "pages"},
						map[string]any{"uid": "slug", "format": "^[a-z-]+$"}, map[string]any{"uid": "author"},
						map[string]any{"uid": "related", "reference_to": []any{"blog"}}}}}},
			{Name: "duplicate uid", Method: "POST", Path: "/v3/content_types", Headers: owner, Body: blogType, WantStatus: 422, WantCode: 115,
				WantJSON: map[string]any{"errors": map[string]any{"uid": []any{"is not unique."}}}},
			{Name: "duplicate title", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body: `{"content_type":{"title":"Blog","uid":"blog2","schema":[]}}`, WantStatus: 422, WantCode: 115,
				WantJSON: map[string]any{"errors": map[string]any{"title": []any{"is not unique."}}}},
			{Name: "schema problems name their paths", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body: `{"content_type":{"title":"Bad","uid":"bad","schema":[
					{"display_name":"A","uid":"a","data_type":"text"},
					{"display_name":"A again","uid":"a","data_type":"text"},
					{"display_name":"B","uid":"B-1","data_type":"text"},
					{"display_name":"C","uid":"c","data_type":"colour"},
					{"display_name":"D","uid":"d","data_type":"reference","reference_to":["nope"]},
					{"display_name":"E","uid":"e","data_type":"group","schema":[{"display_name":"F","uid":"f","data_type":"text","format":"("}]},
					{"display_name":"G","uid":"g","data_type":"blocks","blocks":[{"title":"H","uid":"h","schema":[{"display_name":"I","uid":"i"}]}]}]}}`,
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{
					"schema.1.uid":                         []any{`is not unique: another field of this schema has the uid "a".`},
					"schema.2.uid":                         []any{"must start with a lowercase letter and contain only lowercase letters, digits and underscores (at most 100)."},
					"schema.3.data_type":                   []any{`"colour" is not a supported data type (supported: text, number, isodate, boolean, file, link, reference, group, blocks, global_field, json).`},
					"schema.5.schema.0.format":             []any{"is not a regular expression stackd can run (RE2 syntax)."},
					"schema.6.blocks.0.schema.0.data_type": []any{"is required."}}}},
			{Name: "reference to a missing content type", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body:       `{"content_type":{"title":"Bad","uid":"bad","schema":[{"display_name":"D","uid":"d","data_type":"reference","reference_to":["nope"]}]}}`,
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"schema.0.reference_to": []any{`the content type "nope" does not exist.`}}}},
			{Name: "reserved field uid", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body: `{"content_type":{"title":"Bad","uid":"bad","schema":[{"display_name":"Locale","uid":"locale","data_type":"text"}]}}`, WantStatus: 422},
			{Name: "bad uid", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body: `{"content_type":{"title":"Bad","uid":"Bad Uid","schema":[]}}`, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"uid": []any{"must start with a lowercase letter and contain only lowercase letters, digits and underscores (at most 100)."}}}},
			{Name: "refused creates created nothing", Method: "GET", Path: "/v3/content_types?include_count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"count": 1}},
			{Name: "unknown content type", Method: "GET", Path: "/v3/content_types/nope", Headers: owner, WantStatus: 422, WantCode: 118,
				WantJSON: map[string]any{"error_message": "The Content Type 'nope' was not found. Please try again.",
					"errors": map[string]any{"uid": []any{"is not valid."}}}},
			{Name: "get", Method: "GET", Path: "/v3/content_types/blog", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"content_type": map[string]any{"uid": "blog", "title": "Blog"}}},
			{Name: "content manager cannot create", Method: "POST", Path: "/v3/content_types", Headers: hdr("cm", "api_key"),
				Body: `{"content_type":{"title":"Nope","uid":"nope","schema":[]}}`, WantStatus: 403, WantCode: 162},
			{Name: "developer creates", Method: "POST", Path: "/v3/content_types", Headers: hdr("dev", "api_key"),
				Body:       `{"content_type":{"title":"Author","uid":"author","schema":[{"display_name":"Title","uid":"title","data_type":"text"}]}}`,
				WantStatus: 201},
			{Name: "list with query", Method: "GET", Path: "/v3/content_types?include_count=true&query=" + q(`{"title":"Blog"}`), Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"count": 1, "content_types": []any{map[string]any{"uid": "blog"}}}},
			{Name: "list sorted descending", Method: "GET", Path: "/v3/content_types?desc=title", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"content_types": []any{map[string]any{"uid": "blog"}, map[string]any{"uid": "author"}}}},
			{Name: "count only", Method: "GET", Path: "/v3/content_types?count=true", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"content_types": 2}},
			{Name: "invalid query", Method: "GET", Path: "/v3/content_types?query=" + q(`{"$and":[{},{}]}`), Headers: owner, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{"$and.0 must be a non-empty query object."}}}},
			{Name: "update", Method: "PUT", Path: "/v3/content_types/author", Headers: owner,
				Body:       `{"content_type":{"title":"Writer","schema":[{"display_name":"Title","uid":"title","data_type":"text"},{"display_name":"Bio","uid":"bio","data_type":"text"}]}}`,
				WantStatus: 200, WantJSON: map[string]any{"notice": "Content Type updated successfully.",
					"content_type": map[string]any{"uid": "author", "title": "Writer", "_version": 2}}},
			{Name: "update cannot change the uid", Method: "PUT", Path: "/v3/content_types/author", Headers: owner,
				Body: `{"content_type":{"uid":"other"}}`, WantStatus: 422},
			{Name: "update to a taken title", Method: "PUT", Path: "/v3/content_types/author", Headers: owner,
				Body: `{"content_type":{"title":"Blog"}}`, WantStatus: 422, WantCode: 115},
			{Name: "delete", Method: "DELETE", Path: "/v3/content_types/author", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Content Type deleted successfully."}},
			{Name: "deleted is unknown", Method: "GET", Path: "/v3/content_types/author", Headers: owner, WantStatus: 422, WantCode: 118},
		})
		wantAudit(t, e, "content_type", "create", "blog")
		wantAudit(t, e, "content_type", "delete", "author")
	})
}

// wantAudit fails unless the stack's audit log has an item of module and
// event about uid.
func wantAudit(t *testing.T, e *apitest.Env, module, event, uid string) {
	t.Helper()
	items, _, err := e.Store.AuditLog(context.Background(), store.AuditFilter{APIKey: e.Vars["api_key"], Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Module == module && it.EventType == event && it.MetaUID == uid {
			return
		}
	}
	t.Errorf("no audit item %s/%s for %s among %d items", module, event, uid, len(items))
}

func TestGlobalFieldScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		owner := hdr("owner", "api_key")
		sdk := map[string]string{"authtoken": "{owner}", "api_key": "{api_key}", "api_version": "3.0", "branch": "main"}
		e.Run(t, []apitest.Scenario{
			{Name: "create", Method: "POST", Path: "/v3/global_fields", Headers: sdk,
				Body:       `{"global_field":{"title":"SEO","uid":"seo","schema":[{"display_name":"Keywords","uid":"keywords","data_type":"text","mandatory":true}]}}`,
				WantStatus: 201, WantJSON: map[string]any{"notice": "Global Field created successfully.",
					"global_field": map[string]any{"uid": "seo", "title": "SEO", "_version": 1}}},
			{Name: "duplicate", Method: "POST", Path: "/v3/global_fields", Headers: sdk,
				Body: `{"global_field":{"title":"SEO","uid":"seo","schema":[]}}`, WantStatus: 422, WantCode: 115},
			{Name: "content type with a missing global field", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body:       `{"content_type":{"title":"Page","uid":"page","schema":[{"display_name":"SEO","uid":"seo","data_type":"global_field","reference_to":"nope"}]}}`,
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"schema.0.reference_to": []any{`the global field "nope" does not exist.`}}}},
			{Name: "content type embedding it", Method: "POST", Path: "/v3/content_types", Headers: owner,
				Body: `{"content_type":{"title":"Page","uid":"page","schema":[{"display_name":"Title","uid":"title","data_type":"text"},
					{"display_name":"SEO","uid":"seo","data_type":"global_field","reference_to":"seo"}]}}`, WantStatus: 201,
				WantJSON: map[string]any{"content_type": map[string]any{"schema": []any{map[string]any{"uid": "title"},
					map[string]any{"uid": "seo", "data_type": "global_field", "reference_to": "seo"}}}}},
			{Name: "content type with the global field's schema", Method: "GET", Path: "/v3/content_types/page?include_global_field_schema=true",
				Headers: owner, WantStatus: 200, WantJSON: map[string]any{"content_type": map[string]any{"schema": []any{map[string]any{},
					map[string]any{"uid": "seo", "schema": []any{map[string]any{"uid": "keywords"}}}}}}},
			{Name: "entries validate against the embedded schema", Method: "POST", Path: "/v3/content_types/page/entries", Headers: owner,
				Body: `{"entry":{"title":"Home","seo":{"keywords":7}}}`, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"seo.keywords": []any{"must be a string."}}}},
			{Name: "entry with the embedded field", Method: "POST", Path: "/v3/content_types/page/entries", Headers: owner,
				Body: `{"entry":{"title":"Home","seo":{"keywords":"home"}}}`, WantStatus: 201,
				WantJSON: map[string]any{"entry": map[string]any{"seo": map[string]any{"keywords": "home"}}}},
			{Name: "delete while used", Method: "DELETE", Path: "/v3/global_fields/seo", Headers: owner, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"uid": []any{"is used by content type page; remove it from them first."}}}},
			{Name: "update", Method: "PUT", Path: "/v3/global_fields/seo", Headers: sdk,
				Body:       `{"global_field":{"title":"Search","schema":[{"display_name":"Keywords","uid":"keywords","data_type":"text"}]}}`,
				WantStatus: 200, WantJSON: map[string]any{"notice": "Global Field updated successfully.", "global_field": map[string]any{"title": "Search", "_version": 2}}},
			{Name: "list", Method: "GET", Path: "/v3/global_fields?include_count=true", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"count": 1, "global_fields": []any{map[string]any{"uid": "seo"}}}},
			{Name: "content manager cannot update", Method: "PUT", Path: "/v3/global_fields/seo", Headers: hdr("cm", "api_key"),
				Body: `{"global_field":{"title":"X"}}`, WantStatus: 403},
			{Name: "unknown", Method: "GET", Path: "/v3/global_fields/nope", Headers: owner, WantStatus: 422},
			{Name: "content type no longer uses it", Method: "PUT", Path: "/v3/content_types/page", Headers: owner,
				Body: `{"content_type":{"schema":[{"display_name":"Title","uid":"title","data_type":"text"}]}}`, WantStatus: 200},
			{Name: "delete", Method: "DELETE", Path: "/v3/global_fields/seo", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Global Field deleted successfully."}},
		})
	})
}
