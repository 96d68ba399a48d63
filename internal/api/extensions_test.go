package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/apitest"
)

func extensionReq(fields map[string]any) map[string]any { return map[string]any{"extension": fields} }

func customField(title string) map[string]any {
	return extensionReq(map[string]any{"title": title, "type": "field", "data_type": "text", "src": "https://example.com/field.html",
		"multiple": false, "config": "{}", "tags": []any{"a", "b"}})
}

func TestExtensionScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		extrasEnv(t, e)
		extrasCreate(t, e, "/v3/extensions", "extension", "field", customField("Rating"))
		extrasCreate(t, e, "/v3/extensions", "extension", "widget", extensionReq(map[string]any{"title": "Helper", "type": "widget",
			"srcdoc": "<p>widget</p>"}))
		e.Run(t, []apitest.Scenario{
			{Name: "create a custom field as owner", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: customField("Color"), WantStatus: 201, WantJSON: map[string]any{"notice": "Extension created successfully.",
					"extension": map[string]any{"title": "Color", "type": "field", "data_type": "text", "src": "https://example.com/field.html",
						"multiple": false, "config": map[string]any{}, "tags": []any{"a", "b"}, "_version": 1, "ACL": map[string]any{},
						"created_by": "{owner_uid}"}}},
			{Name: "create a dashboard widget as admin", Method: "POST", Path: "/v3/extensions", Headers: hdr("admin", "api_key"),
				Body: extensionReq(map[string]any{"title": "Board", "type": "dashboard", "srcdoc": "<b>hi</b>", "config": `{"a":1}`,
					"enable": true, "default_width": "half"}), WantStatus: 201,
				WantJSON: map[string]any{"extension": map[string]any{"config": map[string]any{"a": 1}, "enable": true, "default_width": "half",
					"srcdoc": "<b>hi</b>"}}},
			{Name: "create an asset sidebar widget as developer", Method: "POST", Path: "/v3/extensions", Headers: hdr("dev", "api_key"),
				Body: extensionReq(map[string]any{"title": "Side", "type": "asset_sidebar_widget", "src": "https://example.com/s", "config": map[string]any{},
					"width": 500, "blur": true}), WantStatus: 201,
				WantJSON: map[string]any{"extension": map[string]any{"width": 500, "blur": true}}},
			{Name: "create a JSON RTE plugin with a token", Method: "POST", Path: "/v3/extensions", Headers: mtHdr("mt_rw"),
				Body: extensionReq(map[string]any{"title": "Plugin", "type": "rte_plugin", "src": "https://example.com/p"}), WantStatus: 201},
			{Name: "create as content manager", Method: "POST", Path: "/v3/extensions", Headers: hdr("cm", "api_key"),
				Body: customField("By cm"), WantStatus: 403, WantCode: 162},
			{Name: "create without a role", Method: "POST", Path: "/v3/extensions", Headers: hdr("norole", "api_key"),
				Body: customField("By norole"), WantStatus: 403},
			{Name: "create as outsider", Method: "POST", Path: "/v3/extensions", Headers: hdr("outsider", "api_key"),
				Body: customField("By outsider"), WantStatus: 412, WantCode: 109},
			{Name: "create with a read-only token", Method: "POST", Path: "/v3/extensions", Headers: mtHdr("mt_ro"),
				Body: customField("By ro"), WantStatus: 403},
			{Name: "create with another stack's token", Method: "POST", Path: "/v3/extensions", Headers: mtHdr("mt_foreign"),
				Body: customField("By foreigner"), WantStatus: 401, WantCode: 105},

			{Name: "create without anything", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{}), WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"title": []any{"is required."}}}},
			{Name: "create without the extension key", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"title": "Bare"}, WantStatus: 422},
			{Name: "create of an unknown type", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "gadget", "src": "https://example.com"}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"type": []any{"must be one of field, widget, dashboard, asset_sidebar_widget, rte_plugin."}}}},
			{Name: "create without src or srcdoc", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "widget"}), WantStatus: 422},
			{Name: "create a custom field without data type", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "field", "src": "https://example.com"}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"data_type": []any{"is required for a custom field."}}}},
			{Name: "create with a config that is no object", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "widget", "src": "https://example.com", "config": "[1]"}), WantStatus: 422},
			{Name: "create with tags of the wrong type", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "widget", "src": "https://example.com", "tags": 5}), WantStatus: 422},
			{Name: "create a dashboard of a bad width", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "dashboard", "src": "https://example.com", "default_width": "wide"}), WantStatus: 422},
			{Name: "create a sidebar too narrow", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "asset_sidebar_widget", "src": "https://example.com", "width": 100}), WantStatus: 422},
			{Name: "create with a bad scope", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "T", "type": "widget", "src": "https://example.com", "scope": []any{"blog"}}), WantStatus: 422},
			{Name: "create with a NUL in the code", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: `{"extension":{"title":"T","type":"widget","srcdoc":"a\u0000b"}}`, WantStatus: 422},
			{Name: "create with a taken title", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "Rating", "type": "widget", "src": "https://example.com"}), WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"title": []any{"is not unique."}}}},
			{Name: "refused creates left nothing", Method: "GET", Path: "/v3/extensions?count=true", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"extensions": 6}},

			{Name: "list custom fields as the CLI asks", Method: "GET", Path: `/v3/extensions?include_count=true&asc=title&query={"type":"field"}`,
				Headers: hdr("cm", "api_key"), WantStatus: 200, WantJSON: map[string]any{"count": 2,
					"extensions": []any{map[string]any{"title": "Color"}, map[string]any{"title": "Rating"}}}},
			{Name: "list by title", Method: "GET", Path: `/v3/extensions?query={"title":"Helper"}`, Headers: mtHdr("mt_ro"), WantStatus: 200,
				WantJSON: map[string]any{"extensions": []any{map[string]any{"uid": "{widget}", "type": "widget",
					"scope": map[string]any{"content_types": []any{"$all"}}}}}},
			{Name: "list by scope", Method: "GET", Path: `/v3/extensions?count=true&query={"scope.content_types":"$all"}`,
				Headers: hdr("owner", "api_key"), WantStatus: 200, WantJSON: map[string]any{"extensions": 1}},
			{Name: "list without a role", Method: "GET", Path: "/v3/extensions", Headers: hdr("norole", "api_key"), WantStatus: 403},
			{Name: "list with a token without extensions", Method: "GET", Path: "/v3/extensions", Headers: mtHdr("mt_entries"), WantStatus: 403},
			{Name: "list with a bad query", Method: "GET", Path: `/v3/extensions?query={"type":{"$regex":"f"}}`, Headers: hdr("owner", "api_key"),
				WantStatus: 422},

			{Name: "get as content manager", Method: "GET", Path: "/v3/extensions/{field}", Headers: hdr("cm", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"extension": map[string]any{"uid": "{field}", "title": "Rating", "multiple": false}}},
			{Name: "get a missing extension", Method: "GET", Path: "/v3/extensions/blt0000000000000000", Headers: hdr("owner", "api_key"),
				WantStatus: 422, WantCode: 347},
			{Name: "get through another stack", Method: "GET", Path: "/v3/extensions/{field}", Headers: hdr("outsider", "other_key"),
				WantStatus: 422, WantCode: 347},

			{Name: "update as content manager", Method: "PUT", Path: "/v3/extensions/{field}", Headers: hdr("cm", "api_key"),
				Body: extensionReq(map[string]any{"title": "Hijacked"}), WantStatus: 403, WantCode: 162},
			{Name: "update with a read-only token", Method: "PUT", Path: "/v3/extensions/{field}", Headers: mtHdr("mt_ro"),
				Body: extensionReq(map[string]any{"title": "Hijacked"}), WantStatus: 403},
			{Name: "update to a taken title", Method: "PUT", Path: "/v3/extensions/{field}", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "Helper"}), WantStatus: 422},
			{Name: "update to an unknown type", Method: "PUT", Path: "/v3/extensions/{field}", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"type": "gadget"}), WantStatus: 422},
			{Name: "update a missing extension", Method: "PUT", Path: "/v3/extensions/blt0000000000000000", Headers: hdr("owner", "api_key"),
				Body: extensionReq(map[string]any{"title": "Ghost"}), WantStatus: 422, WantCode: 347},
			{Name: "refused updates changed nothing", Method: "GET", Path: "/v3/extensions/{field}", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"extension": map[string]any{"title": "Rating", "type": "field", "_version": 1}}},
			{Name: "update as developer, as the SDK sends it", Method: "PUT", Path: "/v3/extensions/{field}", Headers: hdr("dev", "api_key"),
				Body: extensionReq(map[string]any{"title": "Stars", "type": "field", "data_type": "number", "src": "https://example.com/field.html",
					"multiple": true, "config": map[string]any{"max": 5}, "tags": []any{"a"}, "_version": 1, "ACL": map[string]any{}, "uid": "x"}),
				WantStatus: 200, WantJSON: map[string]any{"notice": "Extension updated successfully.", "extension": map[string]any{
					"uid": "{field}", "title": "Stars", "data_type": "number", "multiple": true, "config": map[string]any{"max": 5},
					"tags": []any{"a"}, "_version": 2, "updated_by": "{dev_uid}"}}},
			{Name: "update with a token, keeping what is left out", Method: "PUT", Path: "/v3/extensions/{field}", Headers: mtHdr("mt_rw"),
				Body: extensionReq(map[string]any{"scope": map[string]any{"content_types": []any{"blog"}}}), WantStatus: 200,
				WantJSON: map[string]any{"extension": map[string]any{"title": "Stars", "data_type": "number",
					"scope": map[string]any{"content_types": []any{"blog"}}, "_version": 3}}},

			{Name: "delete as content manager", Method: "DELETE", Path: "/v3/extensions/{field}", Headers: hdr("cm", "api_key"), WantStatus: 403},
			{Name: "delete with a read-only token", Method: "DELETE", Path: "/v3/extensions/{field}", Headers: mtHdr("mt_ro"), WantStatus: 403},
			{Name: "delete as developer", Method: "DELETE", Path: "/v3/extensions/{field}", Headers: hdr("dev", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"notice": "Extension deleted successfully."}},
			{Name: "deleted extension is gone", Method: "GET", Path: "/v3/extensions/{field}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "delete again", Method: "DELETE", Path: "/v3/extensions/{field}", Headers: hdr("owner", "api_key"), WantStatus: 422, WantCode: 347},
		})
		want := []string{"create:Rating", "create:Helper", "create:Color", "create:Board", "create:Side", "create:Plugin",
			"update:Stars", "update:Stars", "delete:Stars"}
		slices.Sort(want)
		if diff := cmp.Diff(want, extrasAuditEvents(t, e, "extension")); diff != "" {
			t.Errorf("extension audit items (-want +got):\n%s", diff)
		}
	})
}

func TestExtensionLimit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		extrasEnv(t, e)
		for i := 0; i < 50; i++ {
			extrasCreate(t, e, "/v3/extensions", "extension", "x", customField(fmt.Sprintf("F%d", i)))
		}
		e.Run(t, []apitest.Scenario{
			{Name: "one too many", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: customField("F50"), WantStatus: 422, WantCode: 344},
			{Name: "room after a delete", Method: "DELETE", Path: "/v3/extensions/{x}", Headers: hdr("owner", "api_key"), WantStatus: 200},
			{Name: "the 50th again", Method: "POST", Path: "/v3/extensions", Headers: hdr("owner", "api_key"),
				Body: customField("F50"), WantStatus: 201},
		})
	})
}

// extensionUploadForm builds the multipart body the SDK's extension().upload()
// sends; file is left out when empty.
func extensionUploadForm(t *testing.T, fields map[string]string, file string) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := mw.WriteField("extension["+k+"]", fields[k]); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		fw, err := mw.CreateFormFile("extension[upload]", "custom.html")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(file))
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestExtensionUpload(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		extrasEnv(t, e)
		upload := func(token string, fields map[string]string, file string) (int, map[string]any) {
			t.Helper()
			body, ctype := extensionUploadForm(t, fields, file)
			req := httptest.NewRequest("POST", "/v3/extensions", body)
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("authtoken", e.Vars[token])
			req.Header.Set("api_key", e.Vars["api_key"])
			rec := httptest.NewRecorder()
			e.Handler.ServeHTTP(rec, req)
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("upload answer is not JSON: %q", rec.Body.String())
			}
			return rec.Code, out
		}
		html := "<!DOCTYPE html><html><body><h1>Field</h1></body></html>"
		status, out := upload("dev", map[string]string{"title": "Uploaded", "type": "field", "data_type": "text", "tags": "upload, test",
			"multiple": "false", "scope": "[object Object]"}, html)
		if status != 201 {
			t.Fatalf("upload: %d %v", status, out)
		}
		want := map[string]any{"notice": "Extension created successfully.", "extension": map[string]any{"title": "Uploaded", "type": "field",
			"data_type": "text", "srcdoc": html, "tags": []any{"upload", "test"}, "multiple": false, "config": map[string]any{}}}
		if diff := apitest.Subset(want, out); diff != "" {
			t.Errorf("upload answer: %s\n%v", diff, out)
		}
		if _, hasScope := out["extension"].(map[string]any)["scope"]; hasScope {
			t.Errorf("a scope the SDK mangled was kept: %v", out)
		}
		status, out = upload("dev", map[string]string{"title": "Dash", "type": "dashboard", "enable": "true", "default_width": "full",
			"config": `{"k":"v"}`}, html)
		if status != 201 || apitest.Subset(map[string]any{"extension": map[string]any{"enable": true, "default_width": "full",
			"config": map[string]any{"k": "v"}}}, out) != "" {
			t.Errorf("dashboard upload: %d %v", status, out)
		}
		for _, c := range []struct {
			name   string
			token  string
			fields map[string]string
			file   string
			status int
		}{
			{"without a file", "dev", map[string]string{"title": "NoFile", "type": "widget"}, "", 422},
			{"with a bad boolean", "dev", map[string]string{"title": "B", "type": "field", "data_type": "text", "multiple": "maybe"}, html, 422},
			{"with a bad width", "dev", map[string]string{"title": "W", "type": "asset_sidebar_widget", "width": "wide"}, html, 422},
			{"of invalid UTF-8", "dev", map[string]string{"title": "U", "type": "widget"}, "\xff\xfe", 422},
			{"over the body limit", "dev", map[string]string{"title": "Big", "type": "widget"}, strings.Repeat("x", 70<<10), 413},
			{"as content manager", "cm", map[string]string{"title": "CM", "type": "widget"}, html, 403},
		} {
			if status, out := upload(c.token, c.fields, c.file); status != c.status {
				t.Errorf("upload %s: %d %v; want %d", c.name, status, out, c.status)
			}
		}
		status, out = e.Do("GET", "/v3/extensions?count=true", hdr("owner", "api_key"), nil)
		if status != 200 || out["extensions"] != float64(2) {
			t.Errorf("after uploads: %d %v; want the 2 accepted ones", status, out)
		}
	})
}
