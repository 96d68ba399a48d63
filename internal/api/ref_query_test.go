package api_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// TestReferenceQueries: $in_query and $nin_query (the delivery SDK's
// whereIn and whereNotIn) match entries by the entries their references
// point to: on the CDA as published in the token's environment and
// locale, on the CMA at their current versions; at the top level, inside
// groups and modular blocks, and nested.
func TestReferenceQueries(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		createEntryVar(t, e, "a2", "/v3/content_types/article/entries", `{"entry":{"title":"Alone"}}`)
		publishEntry(t, e, "article", "a2", "development")
		if status, body := e.Do("PUT", "/v3/content_types/person/entries/{p1}", hdr("owner", "api_key"), `{"entry":{"title":"Ann edited"}}`); status != 200 {
			t.Fatalf("edit p1: %d %v", status, body)
		}
		for _, c := range []struct {
			name, query string
			cda, cma    []string // titles of the matching articles
		}{
			{"in_query", `{"author":{"$in_query":{"title":"Ann"}}}`, []string{"Hello"}, nil},
			{"in_query on the current version", `{"author":{"$in_query":{"title":"Ann edited"}}}`, nil, []string{"Hello"}},
			{"an unpublished entry matches on the CMA only", `{"author":{"$in_query":{"title":"Bob"}}}`, nil, []string{"Hello"}},
			{"nin_query", `{"author":{"$nin_query":{"title":"Ann"}}}`, []string{"Alone"}, []string{"Alone", "Hello"}},
			{"empty subquery: any served reference", `{"author":{"$in_query":{}}}`, []string{"Hello"}, []string{"Hello"}},
			{"nested", `{"author":{"$in_query":{"books":{"$in_query":{"title":"Book two"}}}}}`, []string{"Hello"}, []string{"Hello"}},
			{"nested, unpublished book", `{"author":{"$in_query":{"books":{"$in_query":{"title":"Book three"}}}}}`, nil, []string{"Hello"}},
			{"inside a group", `{"details.editor":{"$in_query":{"title":{"$regex":"^Ann"}}}}`, []string{"Hello"}, []string{"Hello"}},
			{"inside modular blocks", `{"sections.quote.source":{"$in_query":{"title":"Book one"}}}`, []string{"Hello"}, []string{"Hello"}},
			{"with other conditions", `{"title":"Alone","author":{"$nin_query":{"title":"Ann"}}}`, []string{"Alone"}, []string{"Alone"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				path := "/v3/content_types/article/entries?asc=title&query=" + url.QueryEscape(c.query)
				status, body := cdaGet(e, "dt_dev", path)
				if got := cdaTitles(t, body, "entries"); status != 200 || !slices.Equal(got, c.cda) {
					t.Errorf("CDA %s: %d %v, want %v", c.query, status, got, c.cda)
				}
				status, body = e.Do("GET", path, hdr("owner", "api_key"), nil)
				if got := cdaTitles(t, body, "entries"); status != 200 || !slices.Equal(got, c.cma) {
					t.Errorf("CMA %s: %d %v, want %v", c.query, status, got, c.cma)
				}
			})
		}
		for _, bad := range []string{`{"title":{"$in_query":{}}}`, `{"author":{"$in_query":{"nope":1}}}`, `{"author":{"$in_query":"Ann"}}`} {
			path := "/v3/content_types/article/entries?query=" + url.QueryEscape(bad)
			if status, body := cdaGet(e, "dt_dev", path); status != 422 {
				t.Errorf("CDA %s: %d %v, want 422", bad, status, body)
			}
			if status, body := e.Do("GET", path, hdr("owner", "api_key"), nil); status != 422 {
				t.Errorf("CMA %s: %d %v, want 422", bad, status, body)
			}
		}
	})
}
