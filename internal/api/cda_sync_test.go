package api_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/apitest"
)

// syncGet calls the sync API with delivery token tok and the query q.
func syncGet(t *testing.T, e *apitest.Env, tok, q string) (int, map[string]any) {
	t.Helper()
	return cdaGet(e, tok, "/v3/stacks/sync?"+q)
}

// syncAll follows pagination tokens from q to the end and returns every
// item as "type uid" and the final sync token.
func syncAll(t *testing.T, e *apitest.Env, tok, q string) ([]string, string) {
	t.Helper()
	var got []string
	for pages := 0; pages < 50; pages++ {
		status, body := syncGet(t, e, tok, q)
		if status != 200 {
			t.Fatalf("sync %s: %d %v", q, status, body)
		}
		for _, raw := range body["items"].([]any) {
			it := raw.(map[string]any)
			got = append(got, fmt.Sprint(it["type"], " ", it["data"].(map[string]any)["uid"]))
		}
		if p, ok := body["pagination_token"].(string); ok {
			q = "pagination_token=" + url.QueryEscape(p)
			continue
		}
		return got, body["sync_token"].(string)
	}
	t.Fatal("sync did not end within 50 pages")
	return nil, ""
}

func publishBlog(t *testing.T, e *apitest.Env, uidVar, env string) {
	t.Helper()
	e.Run(t, []apitest.Scenario{{Name: "publish " + uidVar, Method: "POST", Path: "/v3/content_types/blog/entries/{" + uidVar + "}/publish",
		Headers: hdr("owner", "api_key"), Body: publishBody([]any{env}, []any{"en-us"}), WantStatus: 200}})
}

// TestCDASync: init lists what the environment serves, page by page; a
// sync token then replays exactly what changed after it, each item once in
// its latest state, in commit order; tokens are bound and expire.
func TestCDASync(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		owner := hdr("owner", "api_key")
		for _, name := range []string{"a", "b", "c", "draft"} {
			createEntryVar(t, e, name, "/v3/content_types/blog/entries", fmt.Sprintf(`{"entry":{"title":%q}}`, name))
		}
		for _, name := range []string{"post", "a", "b"} {
			publishBlog(t, e, name, "development")
		}
		publishBlog(t, e, "c", "production")

		got, tok := syncAll(t, e, "dt_dev", "init=true")
		want := []string{"entry_published " + e.Vars["post"], "entry_published " + e.Vars["a"], "entry_published " + e.Vars["b"]}
		if !slices.Equal(got, want) {
			t.Fatalf("init = %v, want %v", got, want)
		}
		if got, _ := syncAll(t, e, "dt_dev", "sync_token="+url.QueryEscape(tok)); len(got) != 0 {
			t.Errorf("nothing changed, yet the sync token gives %v", got)
		}

		// a unpublished, b deleted, c published here twice, post edited but not republished.
		e.Run(t, []apitest.Scenario{
			{Name: "unpublish a", Method: "POST", Path: "/v3/content_types/blog/entries/{a}/unpublish", Headers: owner,
				Body: publishBody([]any{"development"}, []any{"en-us"}), WantStatus: 200},
			{Name: "delete b", Method: "DELETE", Path: "/v3/content_types/blog/entries/{b}", Headers: owner, WantStatus: 200},
			{Name: "edit post", Method: "PUT", Path: "/v3/content_types/blog/entries/{post}", Headers: owner,
				Body: `{"entry":{"title":"Post edited"}}`, WantStatus: 200},
		})
		publishBlog(t, e, "c", "development")
		publishBlog(t, e, "c", "development")
		got, tok2 := syncAll(t, e, "dt_dev", "sync_token="+url.QueryEscape(tok)+"&init=true")
		want = []string{"entry_unpublished " + e.Vars["a"], "entry_deleted " + e.Vars["b"], "entry_published " + e.Vars["c"]}
		if !slices.Equal(got, want) {
			t.Errorf("delta = %v, want %v", got, want)
		}
		if got, _ := syncAll(t, e, "dt_prod", "init=true"); !slices.Equal(got, []string{"entry_published " + e.Vars["c"]}) {
			t.Errorf("production init = %v", got)
		}

		// Filters, and tokens used where they do not belong.
		if got, _ := syncAll(t, e, "dt_dev", "init=true&type=entry_deleted"); len(got) != 0 {
			t.Errorf("init lists only published items, got %v", got)
		}
		if got, _ := syncAll(t, e, "dt_dev", "init=true&type=entry_published&locale=fr-fr"); len(got) != 0 {
			t.Errorf("nothing is published in french, got %v", got)
		}
		for _, c := range []struct {
			name, tok, q string
			status       int
		}{
			{"neither init nor token", "dt_dev", "", 422},
			{"unknown type", "dt_dev", "init=true&type=entry_renamed", 422},
			{"bad start date", "dt_dev", "init=true&start_date=yesterday", 422},
			{"token of another environment", "dt_prod", "sync_token=" + url.QueryEscape(tok2), 422},
			{"tampered token", "dt_dev", "sync_token=" + url.QueryEscape(tok2[:len(tok2)-2]+"AA"), 422},
			{"not base64", "dt_dev", "sync_token=%25%25", 422},
			{"sync token as pagination token", "dt_dev", "pagination_token=" + url.QueryEscape(tok2), 422},
			{"another locale than issued", "dt_dev", "sync_token=" + url.QueryEscape(tok2) + "&locale=fr-fr", 422},
			{"another type filter than issued", "dt_dev", "sync_token=" + url.QueryEscape(tok2) + "&type=entry_deleted", 422},
		} {
			if status, body := syncGet(t, e, c.tok, c.q); status != c.status {
				t.Errorf("%s: %d %v, want %d", c.name, status, body, c.status)
			}
		}
		e.Clock.Advance(31 * 24 * time.Hour)
		if status, body := syncGet(t, e, "dt_dev", "sync_token="+url.QueryEscape(tok2)); status != 422 {
			t.Errorf("expired token: %d %v", status, body)
		}
	})
}

// TestCDASyncPages: an init of more than a page is paginated, and an item
// changed while the client pages appears once: in the next delta.
func TestCDASyncPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		const n = 130
		var want []string
		for i := range n {
			name := fmt.Sprintf("e%d", i)
			createEntryVar(t, e, name, "/v3/content_types/blog/entries", fmt.Sprintf(`{"entry":{"title":%q}}`, name))
			publishBlog(t, e, name, "development")
			want = append(want, "entry_published "+e.Vars[name])
		}
		status, first := syncGet(t, e, "dt_dev", "init=true")
		if status != 200 || len(first["items"].([]any)) != 100 || first["total_count"] != float64(n) {
			t.Fatalf("first page: %d, %d items, total %v", status, len(first["items"].([]any)), first["total_count"])
		}
		publishBlog(t, e, "e120", "development") // on the second page, republished meanwhile
		publishBlog(t, e, "e5", "development")   // on the first page, republished meanwhile
		rest, tok := syncAll(t, e, "dt_dev", "pagination_token="+url.QueryEscape(first["pagination_token"].(string)))
		if len(rest) != n-100-1 || slices.Contains(rest, "entry_published "+e.Vars["e120"]) {
			t.Errorf("second page: %d items %v; want %d without e120", len(rest), rest, n-101)
		}
		delta, _ := syncAll(t, e, "dt_dev", "sync_token="+url.QueryEscape(tok))
		if !slices.Equal(delta, []string{"entry_published " + e.Vars["e120"], "entry_published " + e.Vars["e5"]}) {
			t.Errorf("delta = %v, want e120 then e5", delta)
		}
	})
}
