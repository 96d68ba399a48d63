package api_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

func TestAssetVersionsAndReplace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		v1 := upload(t, e, "a", apitest.Form{apitest.Field("asset[title]", "First"), apitest.FilePart("one.txt", "text/plain", []byte("one"))})
		e.Vars["url1"] = v1["url"].(string)
		e.Vars["other"] = upload(t, e, "b", helloForm)["uid"].(string)
		e.Vars["folder"] = mustDo(t, e, "POST", "/v3/assets/folders", hdr("owner", "api_key"),
			map[string]any{"asset": map[string]any{"name": "F"}}, 201)["asset"].(map[string]any)["uid"].(string)
		e.Clock.Advance(time.Minute)
		e.Run(t, []apitest.Scenario{
			{Name: "metadata update makes version 2", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("dev", "api_key"),
				Body:       map[string]any{"asset": map[string]any{"title": "Second", "description": "d2", "tags": []any{"x", "y"}}},
				WantStatus: 200, WantJSON: map[string]any{"notice": "Asset updated successfully.", "asset": map[string]any{
					"_version": 2, "title": "Second", "description": "d2", "tags": []any{"x", "y"}, "filename": "one.txt",
					"url": "{url1}", "updated_by": "{dev_uid}", "updated_at": "2026-03-04T05:07:07.000Z", "created_at": "2026-03-04T05:06:07.000Z"}}},
			{Name: "the SDK sends the whole object back", Method: "PUT", Path: "/v3/assets/{a}", Headers: mgmt("rw_token"),
				Body: map[string]any{"asset": map[string]any{"uid": "{a}", "url": "http://evil/", "filename": "x.exe", "file_size": "1",
					"title": "Third", "tags": "p, q", "parent_uid": nil, "_version": 99, "is_dir": true}},
				WantStatus: 200, WantJSON: map[string]any{"asset": map[string]any{"_version": 3, "title": "Third", "filename": "one.txt",
					"file_size": "3", "tags": []any{"p", "q"}, "is_dir": false, "url": "{url1}", "updated_by": "{rw_token_uid}"}}},
			{Name: "replace the file", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("cm", "api_key"),
				Body:       apitest.Form{apitest.Field("asset[description]", "new file"), apitest.FilePart("two.txt", "text/plain", []byte("second file"))},
				WantStatus: 200, WantJSON: map[string]any{"asset": map[string]any{"_version": 4, "title": "Third", "description": "new file",
					"filename": "two.txt", "file_size": "11", "tags": []any{"p", "q"}}}},
			{Name: "replace without a file", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: apitest.Form{apitest.Field("asset[title]", "t")}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"asset[upload]": []any{"is required: send the file as a multipart/form-data part named asset[upload]."}}}},
			{Name: "replace with an oversized file", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: apitest.Form{apitest.FilePart("big", "", make([]byte, apitest.MaxUpload+1))}, WantStatus: 413},
			{Name: "replace into an unknown folder", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: apitest.Form{apitest.Field("asset[parent_uid]", "bltffffffffffffffff"), apitest.FilePart("z", "", []byte("z"))}, WantStatus: 422},
			{Name: "update with tags of the wrong type", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"tags": 5}}, WantStatus: 422},
			{Name: "update with a parent of the wrong type", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": []any{}}}, WantStatus: 422},
			{Name: "update with an empty title", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"title": " "}}, WantStatus: 422},
			{Name: "update without the asset key", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"title": "x"}, WantStatus: 422},
			{Name: "update with a plain-text body", Method: "PUT", Path: "/v3/assets/{a}",
				Headers: map[string]string{"authtoken": "{owner}", "api_key": "{api_key}", "Content-Type": "text/plain"},
				Body:    `{"asset":{"title":"x"}}`, WantStatus: 400},
			{Name: "update an unknown asset", Method: "PUT", Path: "/v3/assets/bltffffffffffffffff", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"title": "x"}}, WantStatus: 422},
			{Name: "refused writes made no version", Method: "GET", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"_version": 4, "title": "Third", "filename": "two.txt", "parent_uid": nil}}},
			{Name: "versions newest first", Method: "GET", Path: "/v3/assets/{a}/versions?include_count=true", Headers: hdr("cm", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"count": 4, "versions": []any{
					map[string]any{"_version": 4, "updated_by": "{cm_uid}"}, map[string]any{"_version": 3, "updated_by": "{rw_token_uid}"},
					map[string]any{"_version": 2, "updated_by": "{dev_uid}"}, map[string]any{"_version": 1, "updated_by": "{owner_uid}",
						"updated_at": "2026-03-04T05:06:07.000Z"}}}},
			{Name: "versions paged", Method: "GET", Path: "/v3/assets/{a}/versions?skip=1&limit=2", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"versions": []any{map[string]any{"_version": 3}, map[string]any{"_version": 2}}}},
			{Name: "versions count only", Method: "GET", Path: "/v3/assets/{a}/versions?count=true", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"versions": 4}},
			{Name: "version 1 as it was", Method: "GET", Path: "/v3/assets/{a}?version=1", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"_version": 1, "title": "First", "filename": "one.txt", "file_size": "3",
					"tags": []any{}, "url": "{url1}", "updated_by": "{owner_uid}", "created_by": "{owner_uid}"}}},
			{Name: "version 3 as it was", Method: "GET", Path: "/v3/assets/{a}?version=3", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"_version": 3, "title": "Third", "filename": "one.txt", "tags": []any{"p", "q"}}}},
			{Name: "unknown version", Method: "GET", Path: "/v3/assets/{a}?version=9", Headers: hdr("owner", "api_key"), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"version": []any{"is not valid."}}}},
			{Name: "version not a number", Method: "GET", Path: "/v3/assets/{a}?version=abc", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "versions of a folder", Method: "GET", Path: "/v3/assets/{folder}/versions", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "versions of an unknown asset", Method: "GET", Path: "/v3/assets/bltffffffffffffffff/versions", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "replace a folder", Method: "PUT", Path: "/v3/assets/{folder}", Headers: hdr("owner", "api_key"),
				Body: apitest.Form{apitest.FilePart("z", "", []byte("z"))}, WantStatus: 422},
		})
		cur := mustDo(t, e, "GET", "/v3/assets/{a}", hdr("owner", "api_key"), nil, 200)["asset"].(map[string]any)
		t.Run("each version keeps its bytes", func(t *testing.T) {
			for _, c := range []struct{ path, want string }{
				{"/v3/assets/{a}/download", "second file"}, {"/v3/assets/{a}/download?version=4", "second file"},
				{"/v3/assets/{a}/download?version=1", "one"}, {"/v3/assets/{a}/download?version=3", "one"},
			} {
				if rec := fetch(t, e, c.path, hdr("owner", "api_key")); rec.Code != 200 || rec.Body.String() != c.want {
					t.Errorf("%s: %d %q, want %q", c.path, rec.Code, rec.Body.String(), c.want)
				}
			}
			if rec := fetch(t, e, "/v3/assets/{a}/download?version=7", hdr("owner", "api_key")); rec.Code != 422 {
				t.Errorf("unknown version download: %d", rec.Code)
			}
		})
		t.Run("public urls need no credentials and only the right secret", func(t *testing.T) {
			u1, _ := url.Parse(e.Vars["url1"])
			u4, _ := url.Parse(cur["url"].(string))
			if u1.Path == u4.Path {
				t.Fatalf("replacing the file kept the url %s", u1.Path)
			}
			if rec := fetch(t, e, u1.Path, nil); rec.Code != 200 || rec.Body.String() != "one" {
				t.Errorf("version 1 url: %d %q", rec.Code, rec.Body.String())
			}
			if rec := fetch(t, e, u4.Path, nil); rec.Code != 200 || rec.Body.String() != "second file" {
				t.Errorf("current url: %d %q", rec.Code, rec.Body.String())
			}
			other := mustDo(t, e, "GET", "/v3/assets/{b}", hdr("owner", "api_key"), nil, 200)["asset"].(map[string]any)["url"].(string)
			ou, _ := url.Parse(other)
			secretOf := func(p string) string { return strings.Split(p, "/")[4] }
			for name, p := range map[string]string{
				"wrong secret":            "/assets/{api_key}/{a}/0123456789abcdef0123456789abcdef/two.txt",
				"secret of another asset": "/assets/{api_key}/{a}/" + secretOf(ou.Path) + "/two.txt",
				"other stack":             "/assets/{other_key}/{a}/" + secretOf(u4.Path) + "/two.txt",
				"malformed secret":        "/assets/{api_key}/{a}/nothex/two.txt",
				"malformed uid":           "/assets/{api_key}/..%2F..%2Fetc/" + secretOf(u4.Path) + "/two.txt",
			} {
				rec := fetch(t, e, p, nil)
				if rec.Code != 404 {
					t.Errorf("%s: %d %q, want 404", name, rec.Code, rec.Body.String())
					continue
				}
				apitest.CheckError(t, decode(t, rec), 404)
			}
			// The file name segment is decoration; the secret decides.
			if rec := fetch(t, e, "/assets/{api_key}/{a}/"+secretOf(u4.Path)+"/anything", nil); rec.Code != 200 {
				t.Errorf("renamed url: %d", rec.Code)
			}
		})
		t.Run("delete removes rows and files", func(t *testing.T) {
			files, audits := e.CountFiles(t), auditCount(t, e)
			mustDo(t, e, "DELETE", "/v3/assets/{folder}", hdr("owner", "api_key"), nil, 422)
			mustDo(t, e, "DELETE", "/v3/assets/{a}", hdr("norole", "api_key"), nil, 403)
			body := mustDo(t, e, "DELETE", "/v3/assets/{a}", hdr("cm", "api_key"), nil, 200)
			if body["notice"] != "Asset deleted successfully." {
				t.Errorf("notice = %v", body["notice"])
			}
			if got := e.CountFiles(t); got != files-2 {
				t.Errorf("files after delete: %d, want %d (both files of the asset gone)", got, files-2)
			}
			if got := auditCount(t, e); got != audits+1 {
				t.Errorf("audit items: %d, want %d", got, audits+1)
			}
			mustDo(t, e, "GET", "/v3/assets/{a}", hdr("owner", "api_key"), nil, 422)
			mustDo(t, e, "GET", "/v3/assets/{a}/versions", hdr("owner", "api_key"), nil, 422)
			mustDo(t, e, "DELETE", "/v3/assets/{a}", hdr("owner", "api_key"), nil, 422)
			u1, _ := url.Parse(e.Vars["url1"])
			if rec := fetch(t, e, u1.Path, nil); rec.Code != 404 {
				t.Errorf("url of a deleted asset: %d", rec.Code)
			}
			mustDo(t, e, "GET", "/v3/assets/{b}", hdr("owner", "api_key"), nil, 200)
		})
	})
}

func TestAssetAuditTrail(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		step := func() { e.Clock.Advance(time.Second) }
		upload(t, e, "a", helloForm)
		step()
		mustDo(t, e, "PUT", "/v3/assets/{a}", hdr("owner", "api_key"), map[string]any{"asset": map[string]any{"title": "T"}}, 200)
		step()
		mustDo(t, e, "PUT", "/v3/assets/{a}", hdr("owner", "api_key"), apitest.Form{apitest.FilePart("n.txt", "", []byte("n"))}, 200)
		step()
		f := mustDo(t, e, "POST", "/v3/assets/folders", hdr("owner", "api_key"), map[string]any{"asset": map[string]any{"name": "F"}}, 201)
		e.Vars["f"] = f["asset"].(map[string]any)["uid"].(string)
		step()
		mustDo(t, e, "PUT", "/v3/assets/folders/{f}", hdr("owner", "api_key"), map[string]any{"asset": map[string]any{"name": "G"}}, 200)
		step()
		mustDo(t, e, "DELETE", "/v3/assets/folders/{f}", hdr("owner", "api_key"), nil, 200)
		step()
		mustDo(t, e, "DELETE", "/v3/assets/{a}", hdr("owner", "api_key"), nil, 200)
		body := mustDo(t, e, "GET", "/v3/audit-logs", hdr("owner", "api_key"), nil, 200)
		var got []string
		for _, it := range body["logs"].([]any) {
			m := it.(map[string]any)
			if m["module"] == "asset" {
				got = append(got, m["event_type"].(string))
			}
		}
		want := []string{"delete", "delete", "update", "create", "update", "update", "create"}
		if len(got) != len(want) {
			t.Fatalf("asset audit events %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("asset audit events %v, want %v", got, want)
				break
			}
		}
	})
}
