package api_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
)

// TestCDAAssetFiles: the asset URLs the CDA hands out (in asset reads and
// in file fields) are on the CDA request's host and answer there without
// credentials, with ETag, Last-Modified, 304 and ranges; a wrong secret
// is a 404; --cda-public-url sets their base.
func TestCDAAssetFiles(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		_, body := cdaGet(e, "dt_dev", "/v3/content_types/article/entries/{a1}")
		hero := body["entry"].(map[string]any)["hero"].(map[string]any)
		u, err := url.Parse(hero["url"].(string))
		if err != nil || u.Host != "example.com" || !strings.HasPrefix(u.Path, "/assets/"+e.Vars["api_key"]+"/"+e.Vars["pic"]+"/") {
			t.Fatalf("hero url %v (%v), want one on the CDA request's host", hero["url"], err)
		}
		rec := e.Send(e.CDA, "GET", u.Path, nil, nil)
		etag, modified := rec.Header().Get("ETag"), rec.Header().Get("Last-Modified")
		if rec.Code != 200 || rec.Body.String() != "pic bytes" || etag == "" || modified == "" {
			t.Fatalf("the CDA url serves %d %q (ETag %q, Last-Modified %q)", rec.Code, rec.Body.String(), etag, modified)
		}
		for _, c := range []struct {
			name   string
			h      map[string]string
			status int
			body   string
		}{
			{"If-None-Match", map[string]string{"If-None-Match": etag}, 304, ""},
			{"If-Modified-Since", map[string]string{"If-Modified-Since": modified}, 304, ""},
			{"range", map[string]string{"Range": "bytes=4-"}, 206, "bytes"},
		} {
			if rec := e.Send(e.CDA, "GET", u.Path, c.h, nil); rec.Code != c.status || rec.Body.String() != c.body {
				t.Errorf("%s: %d %q, want %d %q", c.name, rec.Code, rec.Body.String(), c.status, c.body)
			}
		}
		wrong := strings.Replace(u.Path, "/"+e.Vars["pic"]+"/", "/"+e.Vars["pic"]+"/0", 1)
		if rec := e.Send(e.CDA, "GET", wrong, nil, nil); rec.Code != 404 {
			t.Errorf("a wrong secret: %d, want 404", rec.Code)
		}

		d := apitest.Deps(e)
		d.CDAPublicURL = "https://cdn.example.test/delivery/"
		cda := api.NewCDA(d)
		req := httptest.NewRequest("GET", "/v3/assets/"+e.Vars["pic"], nil)
		req.Header.Set("api_key", e.Vars["api_key"])
		req.Header.Set("access_token", e.Vars["dt_dev"])
		got := httptest.NewRecorder()
		cda.ServeHTTP(got, req)
		if !strings.Contains(got.Body.String(), `"url":"https://cdn.example.test/delivery/assets/`) {
			t.Errorf("with CDAPublicURL: %s", got.Body.String())
		}
	})
}

// TestCDAETags: a CDA JSON read has a strong ETag computed from its bytes;
// If-None-Match with it answers 304 without a body; the ETag changes when
// what the answer shows changes, also through an included reference.
func TestCDAETags(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		h := map[string]string{"api_key": "{api_key}", "access_token": "{dt_dev}"}
		path := "/v3/content_types/article/entries?include[]=author"
		first := e.Send(e.CDA, "GET", path, h, nil)
		etag := first.Header().Get("ETag")
		if first.Code != 200 || len(etag) != 34 || etag[0] != '"' {
			t.Fatalf("list: %d, ETag %q", first.Code, etag)
		}
		if again := e.Send(e.CDA, "GET", path, h, nil); again.Header().Get("ETag") != etag {
			t.Errorf("the same answer has another ETag: %q, %q", etag, again.Header().Get("ETag"))
		}
		for _, inm := range []string{etag, `"x", ` + etag, "W/" + etag, "*"} {
			h["If-None-Match"] = inm
			rec := e.Send(e.CDA, "GET", path, h, nil)
			if rec.Code != 304 || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
				t.Errorf("If-None-Match %s: %d %q", inm, rec.Code, rec.Body.String())
			}
		}
		h["If-None-Match"] = `"other"`
		if rec := e.Send(e.CDA, "GET", path, h, nil); rec.Code != 200 || rec.Body.String() != first.Body.String() {
			t.Errorf("another ETag: %d", rec.Code)
		}
		// Publishing a new version of the included author changes the answer.
		if status, body := e.Do("PUT", "/v3/content_types/person/entries/{p1}", hdr("owner", "api_key"), `{"entry":{"title":"Ann two"}}`); status != 200 {
			t.Fatalf("edit: %d %v", status, body)
		}
		publishEntry(t, e, "person", "p1", "development")
		h["If-None-Match"] = etag
		rec := e.Send(e.CDA, "GET", path, h, nil)
		if rec.Code != 200 || rec.Header().Get("ETag") == etag || !strings.Contains(rec.Body.String(), "Ann two") {
			t.Errorf("after publishing the author: %d, ETag %q", rec.Code, rec.Header().Get("ETag"))
		}
		delete(h, "If-None-Match")
		if rec := e.Send(e.CDA, "GET", "/v3/content_types/article/entries/nope", h, nil); rec.Code != 422 || rec.Header().Get("ETag") != "" {
			t.Errorf("an error has no ETag: %d %q", rec.Code, rec.Header().Get("ETag"))
		}
	})
}

// TestCDAGlobalFields: the delivery SDK's globalField() reads the stack's
// global fields on the CDA.
func TestCDAGlobalFields(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		cdaMatrixSeed(t, e)
		for _, c := range []struct {
			path   string
			status int
			want   map[string]any
		}{
			{"/v3/global_fields?include_count=true", 200, map[string]any{"count": 1, "global_fields": []any{map[string]any{"uid": "seo", "title": "SEO",
				"schema": []any{map[string]any{"uid": "keywords", "data_type": "text"}}}}}},
			{"/v3/global_fields/seo", 200, map[string]any{"global_field": map[string]any{"uid": "seo", "title": "SEO"}}},
			{"/v3/global_fields/nope", 422, nil},
		} {
			status, body := cdaGet(e, "dt_dev", c.path)
			if status != c.status {
				t.Errorf("%s: %d %v", c.path, status, body)
			} else if d := apitest.Subset(expandJSON(t, e, c.want), body); c.want != nil && d != "" {
				t.Errorf("%s: %s (%v)", c.path, d, body)
			}
		}
	})
}
