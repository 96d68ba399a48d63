package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

// uids is a list of {name} placeholders as the items a list answer must
// hold, in order.
func uids(names ...string) []any {
	out := make([]any, len(names))
	for i, n := range names {
		out[i] = map[string]any{"uid": "{" + n + "}"}
	}
	return out
}

// q escapes a query parameter, keeping {name} placeholders for Expand.
func assetQ(query string) string {
	return strings.NewReplacer("%7B", "{", "%7D", "}").Replace(url.QueryEscape(query))
}

func TestAssetListScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		step := func() { e.Clock.Advance(time.Minute) }
		folder(t, e, "f1", map[string]any{"name": "one"})
		step()
		folder(t, e, "f2", map[string]any{"name": "two", "parent_uid": "{f1}"})
		step()
		upload(t, e, "a1", apitest.Form{apitest.Field("asset[title]", "bravo"), apitest.FilePart("b.txt", "", []byte("bbb"))})
		step()
		upload(t, e, "a2", apitest.Form{apitest.Field("asset[title]", "alpha"), apitest.Field("asset[parent_uid]", "{f1}"),
			apitest.FilePart("a.png", "", pngBytes)})
		step()
		upload(t, e, "a3", apitest.Form{apitest.Field("asset[title]", "charlie"), apitest.Field("asset[parent_uid]", "{f2}"),
			apitest.Field("asset[tags]", "x,shared"), apitest.FilePart("c.txt", "", []byte("c"))})
		step()
		mustDo(t, e, "PUT", "/v3/assets/{a1}", hdr("owner", "api_key"), map[string]any{"asset": map[string]any{"tags": []any{"shared"}}}, 200)
		h := hdr("owner", "api_key")
		e.Run(t, []apitest.Scenario{
			{Name: "every file, oldest first, no folders", Method: "GET", Path: "/v3/assets?include_count=true", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"count": 3, "assets": uids("a1", "a2", "a3")}},
			{Name: "the SDK's leading ampersand", Method: "GET", Path: "/v3/assets?&query=" + assetQ(`{"filename":"b.txt"}`), Headers: mgmt("ro_token"),
				WantStatus: 200, WantJSON: map[string]any{"assets": uids("a1")}},
			{Name: "with folders", Method: "GET", Path: "/v3/assets?include_folders=true&include_count=true", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"count": 5, "assets": []any{
					map[string]any{"uid": "{f1}", "is_dir": true, "name": "one"}, map[string]any{"uid": "{f2}", "parent_uid": "{f1}"},
					map[string]any{"uid": "{a1}", "is_dir": false}, map[string]any{"uid": "{a2}"}, map[string]any{"uid": "{a3}"}}}},
			{Name: "count only", Method: "GET", Path: "/v3/assets?count=true", Headers: h, WantStatus: 200, WantJSON: map[string]any{"assets": 3}},
			{Name: "one folder's files", Method: "GET", Path: "/v3/assets?folder={f1}&include_count=true", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"count": 1, "assets": uids("a2")}},
			{Name: "one folder's contents", Method: "GET", Path: "/v3/assets?folder={f1}&include_folders=true", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("f2", "a2")}},
			{Name: "the top level", Method: "GET", Path: "/v3/assets?folder=cs_root&include_folders=true", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("f1", "a1")}},
			{Name: "unknown folder", Method: "GET", Path: "/v3/assets?folder=bltffffffffffffffff", Headers: h, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"folder": []any{"is not valid."}}}},
			{Name: "an asset is not a folder", Method: "GET", Path: "/v3/assets?folder={a1}", Headers: h, WantStatus: 422},
			{Name: "newest first", Method: "GET", Path: "/v3/assets?desc=created_at", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a3", "a2", "a1")}},
			{Name: "by title", Method: "GET", Path: "/v3/assets?asc=title", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a2", "a1", "a3")}},
			{Name: "by title with folders (folders sort by name)", Method: "GET", Path: "/v3/assets?asc_field_uid=title&include_folders=true",
				Headers: h, WantStatus: 200, WantJSON: map[string]any{"assets": uids("a2", "a1", "a3", "f1", "f2")}},
			{Name: "by file size, largest first", Method: "GET", Path: "/v3/assets?desc_field_uid=file_size", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a2", "a1", "a3")}},
			{Name: "by last update", Method: "GET", Path: "/v3/assets?desc=updated_at", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a1", "a3", "a2")}},
			{Name: "by an unknown field", Method: "GET", Path: "/v3/assets?asc=bogus", Headers: h, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"asc": []any{`names "bogus"; assets can be sorted by created_at, updated_at, title, name, filename, file_size, content_type, uid, parent_uid or _version.`}}}},
			{Name: "paged", Method: "GET", Path: "/v3/assets?skip=1&limit=1&include_count=true", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"count": 3, "assets": uids("a2")}},
			{Name: "past the end", Method: "GET", Path: "/v3/assets?skip=1e%2B100&include_count=true", Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"count": 3, "assets": []any{}}},
			{Name: "query: equality on title", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"title":"charlie"}`), Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a3")}},
			{Name: "query: a tag", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"tags":"x"}`), Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a3")}},
			{Name: "query: tags $in", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"tags":{"$in":["shared","nope"]}}`), Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a1", "a3")}},
			{Name: "query: tags $nin", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"tags":{"$nin":["x"]}}`), Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a1", "a2")}},
			{Name: "query: content type $in", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"content_type":{"$in":["image/png","image/gif"]}}`),
				Headers: h, WantStatus: 200, WantJSON: map[string]any{"assets": uids("a2")}},
			{Name: "query: uid $nin", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"uid":{"$nin":["{a1}"]}}`), Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a2", "a3")}},
			{Name: "query: uid $in and $ne", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"uid":{"$in":["{a1}","{a2}"],"$ne":"{a1}"}}`), Headers: h,
				WantStatus: 200, WantJSON: map[string]any{"assets": uids("a2")}},
			{Name: "query: at the top", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"parent_uid":null}`), Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"assets": uids("a1")}},
			{Name: "query: in a folder", Method: "GET", Path: "/v3/assets?include_count=true&query=" + assetQ(`{"parent_uid":{"$in":["{f1}","{f2}"]}}`),
				Headers: h, WantStatus: 200, WantJSON: map[string]any{"count": 2, "assets": uids("a2", "a3")}},
			{Name: "query: folders only, as csdx exports them", Method: "GET",
				Path: "/v3/assets?include_folders=true&include_count=true&query=" + assetQ(`{"is_dir":true}`), Headers: h, WantStatus: 200,
				WantJSON: map[string]any{"count": 2, "assets": uids("f1", "f2")}},
			// csdx 1.60.1 leaves include_folders out: a query on is_dir decides by itself.
			{Name: "query: folders without include_folders, as csdx 1.60 counts them", Method: "GET",
				Path: "/v3/assets?limit=1&skip=1e%2B100&asc=created_at&include_count=false&count=true&query=" + assetQ(`{"is_dir":true}`), Headers: h,
				WantStatus: 200, WantJSON: map[string]any{"assets": 2}},
			{Name: "query: folders without include_folders", Method: "GET", Path: "/v3/assets?skip=0&asc=created_at&query=" + assetQ(`{"is_dir":true}`),
				Headers: h, WantStatus: 200, WantJSON: map[string]any{"assets": uids("f1", "f2")}},
			{Name: "query: is_dir false keeps folders out", Method: "GET", Path: "/v3/assets?include_folders=true&query=" + assetQ(`{"is_dir":{"$ne":true}}`),
				Headers: h, WantStatus: 200, WantJSON: map[string]any{"assets": uids("a1", "a2", "a3")}},
			{Name: "query: two fields", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"tags":"shared","filename":"c.txt"}`), Headers: h,
				WantStatus: 200, WantJSON: map[string]any{"assets": uids("a3")}},
			{Name: "query: empty $in matches nothing", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"uid":{"$in":[]}}`), Headers: h,
				WantStatus: 200, WantJSON: map[string]any{"assets": []any{}}},
			{Name: "query: not JSON", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"title":`), Headers: h, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{"must be a JSON object."}}}},
			{Name: "query: unknown field", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"file_size":3}`), Headers: h, WantStatus: 422},
			{Name: "query: unsupported operator", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"title":{"$regex":"^a"}}`), Headers: h, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{`title uses the operator "$regex"; asset queries support $eq, $ne, $in and $nin.`}}}},
			{Name: "query: $and is not supported yet", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"$and":[{"title":"a"}]}`), Headers: h, WantStatus: 422},
			{Name: "query: wrong type", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"is_dir":"yes"}`), Headers: h, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"query": []any{"is_dir must be compared with a boolean."}}}},
			{Name: "query: $in needs an array", Method: "GET", Path: "/v3/assets?query=" + assetQ(`{"uid":{"$in":"x"}}`), Headers: h, WantStatus: 422},
			{Name: "another stack sees none of them", Method: "GET", Path: "/v3/assets?include_count=true&include_folders=true",
				Headers: hdr("outsider", "other_key"), WantStatus: 200, WantJSON: map[string]any{"count": 0, "assets": []any{}}},
			{Name: "negative limit", Method: "GET", Path: "/v3/assets?limit=-1", Headers: h, WantStatus: 422},
		})
		t.Run("relative url", func(t *testing.T) {
			body := mustDo(t, e, "GET", "/v3/assets?relative_urls=true&query="+assetQ(`{"uid":"{a1}"}`), h, nil, 200)
			u := body["assets"].([]any)[0].(map[string]any)["url"].(string)
			if len(u) == 0 || u[0] != '/' {
				t.Errorf("url %q is not relative", u)
			}
			if rec := fetch(t, e, u, nil); rec.Code != 200 || rec.Body.String() != "bbb" {
				t.Errorf("relative url answers %d %q", rec.Code, rec.Body.String())
			}
		})
	})
}
