package api_test

import (
	"fmt"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// TestCDAIncludeQueryCount: listing entries with include[] costs the same
// number of queries for 10 entries as for 100, whatever the number of
// references (no query per entry or per reference), and stays within a
// fixed bound.
func TestCDAIncludeQueryCount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		seedArticles(t, e, 100)
		counter := e.Store.CountQueries()
		count := func(path string, want int) int64 {
			t.Helper()
			counter.Reset()
			status, body := cdaGet(e, "dt_dev", path)
			n := counter.N()
			if status != 200 || len(body["entries"].([]any)) != want {
				t.Fatalf("%s: %d, %d entries, want %d", path, status, len(body["entries"].([]any)), want)
			}
			return n
		}
		list := "/v3/content_types/article/entries?include_count=true&query=%7B%22title%22%3A%7B%22%24regex%22%3A%22%5ELoad%22%7D%7D"
		include := "&include[]=author&include[]=author.books&include[]=details.editor"
		count(list+"&limit=10", 10) // warms the stack's cached view, which the first request loads
		plain10, plain100 := count(list+"&limit=10", 10), count(list+"&limit=100", 100)
		inc10, inc100 := count(list+include+"&limit=10", 10), count(list+include+"&limit=100", 100)
		t.Logf("CDA list with include_count, %s: %d queries for 10 or 100 entries; with include[] (2 levels): %d for 10, %d for 100",
			e.Store.Engine(), plain100, inc10, inc100)
		if plain10 != plain100 || inc10 != inc100 {
			t.Errorf("query count grows with the page: plain %d → %d, include %d → %d", plain10, plain100, inc10, inc100)
		}
		// With the stack's view cached: 1 to authorize, 2 to count and list, then include: 1
		// schema of the roots, per level 1 read and 1 schema, 1 assets.
		if inc100 > 12 {
			t.Errorf("a list of 100 with include[] takes %d queries, want at most 12", inc100)
		}
	})
}

// seedArticles adds n published articles ("Load i"), each by its own
// published person, who references two of twenty published books; every
// article has a hero image (one of ten published assets) and the first
// person as editor.
func seedArticles(t *testing.T, e *apitest.Env, n int) {
	t.Helper()
	for i := range 10 {
		name := fmt.Sprintf("img%d", i)
		e.Vars[name] = uploadText(t, e, name)
		publishAsset(t, e, name)
	}
	for i := range 20 {
		name := fmt.Sprintf("bk%d", i)
		createEntryVar(t, e, name, "/v3/content_types/book/entries", fmt.Sprintf(`{"entry":{"title":"Load book %d","cover":"{img%d}"}}`, i, i%10))
		publishEntry(t, e, "book", name, "development")
	}
	for i := range n {
		person, article := fmt.Sprintf("lp%d", i), fmt.Sprintf("la%d", i)
		createEntryVar(t, e, person, "/v3/content_types/person/entries", fmt.Sprintf(`{"entry":{"title":"Load person %d",
			"books":[{"uid":"{bk%d}","_content_type_uid":"book"},{"uid":"{bk%d}","_content_type_uid":"book"}]}}`, i, i%20, (i+7)%20))
		publishEntry(t, e, "person", person, "development")
		createEntryVar(t, e, article, "/v3/content_types/article/entries", fmt.Sprintf(`{"entry":{"title":"Load %03d","hero":"{img%d}",
			"author":[{"uid":"{%s}","_content_type_uid":"person"}],"details":{"editor":[{"uid":"{lp0}","_content_type_uid":"person"}]}}}`,
			i, i%10, person))
		publishEntry(t, e, "article", article, "development")
	}
}
