package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/store"
)

// assetEnv is stackEnv plus the owner's uid and a management token with
// read-only asset rights ({ro_token}) and one with read and write ({rw_token}).
func assetEnv(t *testing.T, e *apitest.Env) {
	t.Helper()
	stackEnv(t, e)
	_, u := e.Do("GET", "/v3/user", hdr("owner", ""), nil)
	e.Vars["owner_uid"] = u["user"].(map[string]any)["uid"].(string)
	for name, write := range map[string]bool{"ro_token": false, "rw_token": true} {
		status, body := e.Do("POST", "/v3/stacks/management_tokens", hdr("owner", "api_key"), map[string]any{"token": map[string]any{
			"name": name, "scope": []any{
				map[string]any{"module": "asset", "acl": map[string]any{"read": true, "write": write}},
				map[string]any{"module": "branch", "branches": []any{"main"}, "acl": map[string]any{"read": true}},
			}}})
		if status != 201 {
			t.Fatalf("create %s: %d %v", name, status, body)
		}
		tok := body["token"].(map[string]any)
		e.Vars[name] = tok["token"].(string)
		e.Vars[name+"_uid"] = tok["uid"].(string)
	}
}

func mgmt(token string) map[string]string {
	return map[string]string{"authorization": "{" + token + "}", "api_key": "{api_key}"}
}

// mustDo sends a request and fails the test unless the status is want.
func mustDo(t *testing.T, e *apitest.Env, method, path string, h map[string]string, body any, want int) map[string]any {
	t.Helper()
	status, out := e.Do(method, path, h, body)
	if status != want {
		t.Fatalf("%s %s: status %d, want %d: %v", method, path, status, want, out)
	}
	return out
}

// upload creates an asset as the owner and stores its uid in e.Vars[name].
func upload(t *testing.T, e *apitest.Env, name string, form apitest.Form) map[string]any {
	t.Helper()
	as := mustDo(t, e, "POST", "/v3/assets", hdr("owner", "api_key"), form, 201)["asset"].(map[string]any)
	e.Vars[name] = as["uid"].(string)
	return as
}

// fetch sends a GET to the CMA handler and returns the raw answer.
func fetch(t *testing.T, e *apitest.Env, rawURL string, h map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", e.Expand(rawURL), nil)
	for k, v := range h {
		req.Header.Set(k, e.Expand(v))
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	return rec
}

func auditCount(t *testing.T, e *apitest.Env) int {
	t.Helper()
	items, _, err := e.Store.AuditLog(context.Background(), store.AuditFilter{APIKey: e.Vars["api_key"], Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.Module == "asset" {
			n++
		}
	}
	return n
}

var helloForm = apitest.Form{
	apitest.Field("asset[description]", "a file"), apitest.Field("asset[tags]", "a, b,,a"), apitest.Field("asset[title]", "Hello"),
	apitest.FilePart("hello.txt", "text/plain", []byte("hello world")),
}

func TestAssetUploadScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		e.Run(t, []apitest.Scenario{
			{Name: "upload as the SDK sends it", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"), Body: helloForm,
				WantStatus: 201, WantJSON: map[string]any{"notice": "Asset created successfully.", "asset": map[string]any{
					"filename": "hello.txt", "content_type": "text/plain", "file_size": "11", "title": "Hello", "description": "a file",
					"tags": []any{"a", "b"}, "is_dir": false, "parent_uid": nil, "_version": 1, "ACL": map[string]any{},
					"created_by": "{owner_uid}", "updated_by": "{owner_uid}", "created_at": "2026-03-04T05:06:07.000Z"}}},
			{Name: "title defaults to the file name", Method: "POST", Path: "/v3/assets", Headers: hdr("dev", "api_key"),
				Body:       apitest.Form{apitest.FilePart("logo.png", "image/png", pngBytes)},
				WantStatus: 201, WantJSON: map[string]any{"asset": map[string]any{"title": "logo.png", "content_type": "image/png", "tags": []any{}}}},
			{Name: "content type is sniffed, not taken from the client", Method: "POST", Path: "/v3/assets", Headers: hdr("cm", "api_key"),
				Body:       apitest.Form{apitest.FilePart("pic", "text/plain", pngBytes)},
				WantStatus: 201, WantJSON: map[string]any{"asset": map[string]any{"content_type": "image/png"}}},
			{Name: "declared type used when nothing better is known", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.FilePart("data.bin", "application/x-custom", []byte{0, 1, 2, 3})},
				WantStatus: 201, WantJSON: map[string]any{"asset": map[string]any{"content_type": "application/x-custom"}}},
			{Name: "upload with a management token", Method: "POST", Path: "/v3/assets", Headers: mgmt("rw_token"), Body: helloForm,
				WantStatus: 201, WantJSON: map[string]any{"asset": map[string]any{"created_by": "{rw_token_uid}"}}},
			{Name: "body over the JSON limit but under the upload limit", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.FilePart("big.bin", "", bytes.Repeat([]byte{7}, 200<<10))},
				WantStatus: 201, WantJSON: map[string]any{"asset": map[string]any{"file_size": "204800"}}},
			{Name: "file of exactly the upload limit", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.FilePart("max.bin", "", bytes.Repeat([]byte{7}, apitest.MaxUpload))},
				WantStatus: 201, WantJSON: map[string]any{"asset": map[string]any{"file_size": "262144"}}},
			{Name: "read-only token cannot upload", Method: "POST", Path: "/v3/assets", Headers: mgmt("ro_token"), Body: helloForm,
				WantStatus: 403, WantCode: 162},
			{Name: "member without a role cannot upload", Method: "POST", Path: "/v3/assets", Headers: hdr("norole", "api_key"), Body: helloForm,
				WantStatus: 403, WantCode: 162},
			{Name: "outsider", Method: "POST", Path: "/v3/assets", Headers: hdr("outsider", "api_key"), Body: helloForm,
				WantStatus: 412, WantCode: 109},
			{Name: "no credentials", Method: "POST", Path: "/v3/assets", Headers: map[string]string{"api_key": "{api_key}"}, Body: helloForm,
				WantStatus: 401, WantCode: 105},
		})
		t.Run("url is absolute and served", func(t *testing.T) {
			as := upload(t, e, "hello", helloForm)
			u, err := url.Parse(as["url"].(string))
			if err != nil || u.Scheme != "http" || u.Host != "example.com" {
				t.Fatalf("url = %v, want http://example.com/…", as["url"])
			}
			prefix := "/assets/" + e.Vars["api_key"] + "/" + e.Vars["hello"] + "/"
			if !strings.HasPrefix(u.Path, prefix) || !strings.HasSuffix(u.Path, "/hello.txt") {
				t.Errorf("url path = %s, want %s<secret>/hello.txt", u.Path, prefix)
			}
			rec := fetch(t, e, u.Path, nil)
			if rec.Code != 200 || rec.Body.String() != "hello world" {
				t.Errorf("public url: %d %q", rec.Code, rec.Body.String())
			}
			if got := rec.Header().Get("Content-Type"); got != "text/plain" {
				t.Errorf("Content-Type = %q", got)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Content-Security-Policy") != "sandbox" {
				t.Errorf("file answer lacks nosniff/sandbox headers: %v", rec.Header())
			}
		})
	})
}

var pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0}, 32)...)

func TestAssetUploadRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		upload(t, e, "existing", helloForm)
		e.Vars["folder"] = mustDo(t, e, "POST", "/v3/assets/folders", hdr("owner", "api_key"),
			map[string]any{"asset": map[string]any{"name": "F"}}, 201)["asset"].(map[string]any)["uid"].(string)
		files, audits := e.CountFiles(t), auditCount(t, e)
		e.Run(t, []apitest.Scenario{
			{Name: "no file part", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body: apitest.Form{apitest.Field("asset[title]", "x")}, WantStatus: 422, WantCode: 422,
				WantJSON: map[string]any{"errors": map[string]any{"asset[upload]": []any{"is required: send the file as a multipart/form-data part named asset[upload]."}}}},
			{Name: "file under another name", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body: apitest.Form{{Name: "file", File: true, FileName: "a.txt", Data: []byte("x")}}, WantStatus: 422, WantCode: 422},
			{Name: "JSON instead of multipart", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"title": "x"}}, WantStatus: 400, WantCode: 400},
			{Name: "malformed multipart body", Method: "POST", Path: "/v3/assets",
				Headers: map[string]string{"authtoken": "{owner}", "api_key": "{api_key}", "Content-Type": "multipart/form-data; boundary=xyz"},
				Body:    "--xyz\r\nno headers end", WantStatus: 400, WantCode: 400},
			{Name: "multipart without a boundary", Method: "POST", Path: "/v3/assets",
				Headers: map[string]string{"authtoken": "{owner}", "api_key": "{api_key}", "Content-Type": "multipart/form-data"},
				Body:    "x", WantStatus: 400, WantCode: 400},
			{Name: "oversized file", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.FilePart("big.bin", "", bytes.Repeat([]byte{1}, apitest.MaxUpload+1))},
				WantStatus: 413, WantCode: 413,
				WantJSON: map[string]any{"error_message": "The file is larger than the upload limit of 262144 bytes."}},
			{Name: "oversized body", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.Field("asset[title]", strings.Repeat("t", apitest.MaxUpload+2<<20)), apitest.FilePart("a.txt", "", []byte("x"))},
				WantStatus: 413, WantCode: 413},
			{Name: "unknown parent folder", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.Field("asset[parent_uid]", "bltffffffffffffffff"), apitest.FilePart("a.txt", "", []byte("x"))},
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"parent_uid": []any{"is not valid."}}}},
			{Name: "parent is an asset", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.FilePart("a.txt", "", []byte("x")), apitest.Field("asset[parent_uid]", "{existing}")},
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"parent_uid": []any{"is an asset, not a folder."}}}},
			{Name: "two files", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.FilePart("a.txt", "", []byte("x")), apitest.FilePart("b.txt", "", []byte("y"))},
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"asset[upload]": []any{"must be sent only once."}}}},
			{Name: "title too long", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.Field("asset[title]", strings.Repeat("t", 300)), apitest.FilePart("a.txt", "", []byte("x"))},
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"title": []any{"is too long."}}}},
			{Name: "tag with a control character", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body: apitest.Form{apitest.Field("asset[tags]", "ok,bad\x01tag"), apitest.FilePart("a.txt", "", []byte("x"))}, WantStatus: 422},
			{Name: "no parent checks before a refused write", Method: "POST", Path: "/v3/assets", Headers: hdr("dev", "other_key"),
				Body: helloForm, WantStatus: 412},
		})
		t.Run("refused uploads left neither rows nor files", func(t *testing.T) {
			if got := e.CountFiles(t); got != files {
				t.Errorf("files on disk: %d, want %d", got, files)
			}
			if got := auditCount(t, e); got != audits {
				t.Errorf("asset audit items: %d, want %d", got, audits)
			}
			body := mustDo(t, e, "GET", "/v3/assets?include_count=true", hdr("owner", "api_key"), nil, 200)
			if body["count"] != float64(1) {
				t.Errorf("count = %v, want 1 (only the first upload)", body["count"])
			}
		})
	})
}

func TestAssetHostileFileNames(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		cases := []struct{ disposition, want string }{
			{`form-data; name="asset[upload]"; filename="../../etc/passwd"`, "passwd"},
			{`form-data; name="asset[upload]"; filename="/etc/shadow"`, "shadow"},
			{`form-data; name="asset[upload]"; filename="dir/sub/name.txt"`, "name.txt"},
			{`form-data; name="asset[upload]"; filename*=UTF-8''..%5C..%5Cwin.ini`, "win.ini"},
			{`form-data; name="asset[upload]"; filename*=UTF-8''evil%00name%0A.txt`, "evilname.txt"},
			{`form-data; name="asset[upload]"; filename=""`, "file"},
			{`form-data; name="asset[upload]"; filename=".."`, "file"},
			{`form-data; name="asset[upload]"; filename="...hidden"`, "hidden"},
			{`form-data; name="asset[upload]"`, "file"},
			{`form-data; name="asset[upload]"; filename*=UTF-8''r%C3%A9sum%C3%A9%20final.pdf`, "résumé final.pdf"},
			{`form-data; name="asset[upload]"; filename="` + strings.Repeat("n", 300) + `.txt"`, strings.Repeat("n", 251) + ".txt"},
		}
		for _, c := range cases {
			form := apitest.Form{{Name: "asset[upload]", File: true, Disposition: c.disposition, Data: []byte("x")}}
			as := mustDo(t, e, "POST", "/v3/assets", hdr("owner", "api_key"), form, 201)["asset"].(map[string]any)
			if as["filename"] != c.want {
				t.Errorf("%s: filename %q, want %q", c.disposition, as["filename"], c.want)
			}
			if rec := fetch(t, e, as["url"].(string), nil); rec.Code != 200 || rec.Body.String() != "x" {
				t.Errorf("%s: url %s answers %d %q", c.disposition, as["url"], rec.Code, rec.Body.String())
			}
		}
		// Every file is under <assets>/<api_key>/<asset uid>/<random key>; no
		// client-chosen name reaches the disk, nothing is outside.
		root := filepath.Dir(e.Files)
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Base(p) == "stackd.db" || strings.HasPrefix(filepath.Base(p), "stackd.db-") {
				return err
			}
			rel, _ := filepath.Rel(e.Files, p)
			parts := strings.Split(filepath.ToSlash(rel), "/")
			if len(parts) != 3 || parts[0] != e.Vars["api_key"] || len(parts[2]) != 32 {
				t.Errorf("unexpected file %s", p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := e.CountFiles(t); n != len(cases) {
			t.Errorf("%d files stored, want %d", n, len(cases))
		}
	})
}

func TestAssetReadPermissions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		upload(t, e, "a", helloForm)
		e.Run(t, []apitest.Scenario{
			{Name: "content manager reads", Method: "GET", Path: "/v3/assets/{a}", Headers: hdr("cm", "api_key"), WantStatus: 200},
			{Name: "read-only token reads", Method: "GET", Path: "/v3/assets", Headers: mgmt("ro_token"), WantStatus: 200},
			{Name: "read-only token cannot update", Method: "PUT", Path: "/v3/assets/{a}", Headers: mgmt("ro_token"),
				Body: map[string]any{"asset": map[string]any{"title": "x"}}, WantStatus: 403},
			{Name: "read-only token cannot delete", Method: "DELETE", Path: "/v3/assets/{a}", Headers: mgmt("ro_token"), WantStatus: 403},
			{Name: "member without role cannot read", Method: "GET", Path: "/v3/assets/{a}", Headers: hdr("norole", "api_key"), WantStatus: 403},
			{Name: "member without role cannot download", Method: "GET", Path: "/v3/assets/{a}/download", Headers: hdr("norole", "api_key"), WantStatus: 403},
			{Name: "asset of another stack", Method: "GET", Path: "/v3/assets/{a}", Headers: hdr("outsider", "other_key"), WantStatus: 422},
			{Name: "download needs credentials", Method: "GET", Path: "/v3/assets/{a}/download", Headers: map[string]string{"api_key": "{api_key}"}, WantStatus: 401},
		})
	})
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("not JSON (%d): %q", rec.Code, rec.Body.String())
	}
	return out
}

func TestAssetDownloadHeaders(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		as := upload(t, e, "a", apitest.Form{apitest.FilePart("page.html", "text/html", []byte("<html><script>alert(1)</script></html>"))})
		if as["content_type"] != "text/html" {
			t.Errorf("content_type = %v", as["content_type"])
		}
		rec := fetch(t, e, "/v3/assets/{a}/download", hdr("owner", "api_key"))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "<script>") {
			t.Fatalf("download: %d %q", rec.Code, rec.Body.String())
		}
		h := rec.Header()
		if h.Get("Content-Security-Policy") != "sandbox" || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Disposition") != `inline; filename=page.html` || h.Get("Content-Length") != "38" {
			t.Errorf("headers: %v", h)
		}
		// A range request gets the bytes asked for.
		req := httptest.NewRequest("GET", e.Expand("/v3/assets/{a}/download"), nil)
		for k, v := range hdr("owner", "api_key") {
			req.Header.Set(k, e.Expand(v))
		}
		req.Header.Set("Range", "bytes=0-5")
		rr := httptest.NewRecorder()
		e.Handler.ServeHTTP(rr, req)
		if b, _ := io.ReadAll(rr.Body); rr.Code != http.StatusPartialContent || string(b) != "<html>" {
			t.Errorf("range: %d %q", rr.Code, b)
		}
	})
}

// TestAssetUploadUnknownLength sends bodies without a Content-Length (as a
// chunked upload arrives), so only the limits applied while reading can
// refuse them.
func TestAssetUploadUnknownLength(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		send := func(parts ...func(w *multipart.Writer)) (int, map[string]any) {
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			for _, p := range parts {
				p(w)
			}
			w.Close()
			req := httptest.NewRequest("POST", "/v3/assets", io.MultiReader(&buf)) // hides the length
			req.Header.Set("Content-Type", w.FormDataContentType())
			req.Header.Set("authtoken", e.Vars["owner"])
			req.Header.Set("api_key", e.Vars["api_key"])
			if req.ContentLength != -1 {
				t.Fatalf("ContentLength = %d, want unknown", req.ContentLength)
			}
			rec := httptest.NewRecorder()
			e.Handler.ServeHTTP(rec, req)
			return rec.Code, decode(t, rec)
		}
		file := func(n int) func(w *multipart.Writer) {
			return func(w *multipart.Writer) {
				fw, _ := w.CreateFormFile("asset[upload]", "f.bin")
				fw.Write(make([]byte, n))
			}
		}
		hugeField := func(w *multipart.Writer) { w.WriteField("asset[other]", strings.Repeat("x", apitest.MaxUpload+2<<20)) }
		if code, body := send(file(apitest.MaxUpload)); code != 201 {
			t.Errorf("file at the limit: %d %v", code, body)
		}
		files := e.CountFiles(t)
		for name, parts := range map[string][]func(*multipart.Writer){
			"file over the limit":       {file(apitest.MaxUpload + 1)},
			"body over the limit":       {file(10), hugeField},
			"body over before the file": {hugeField, file(10)},
		} {
			code, body := send(parts...)
			if code != 413 {
				t.Errorf("%s: %d %v, want 413", name, code, body)
				continue
			}
			apitest.CheckError(t, body, 413)
		}
		if got := e.CountFiles(t); got != files {
			t.Errorf("refused uploads left files: %d, want %d", got, files)
		}
	})
}
