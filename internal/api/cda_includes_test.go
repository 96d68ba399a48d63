package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// Content types of the include tests: articles reference people (at the
// top, inside a group and, through modular blocks, books); people
// reference books; each has file fields.
const (
	bookType = `{"content_type":{"title":"Book","uid":"book","schema":[
		{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
		{"display_name":"Cover","uid":"cover","data_type":"file"}]}}`
	personType = `{"content_type":{"title":"Person","uid":"person","schema":[
		{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
		{"display_name":"Books","uid":"books","data_type":"reference","reference_to":["book"],"field_metadata":{"ref_multiple":true}},
		{"display_name":"Portrait","uid":"portrait","data_type":"file"}]}}`
	articleType = `{"content_type":{"title":"Article","uid":"article","schema":[
		{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
		{"display_name":"Author","uid":"author","data_type":"reference","reference_to":["person"],"field_metadata":{"ref_multiple":true}},
		{"display_name":"Details","uid":"details","data_type":"group","schema":[
			{"display_name":"Editor","uid":"editor","data_type":"reference","reference_to":["person"]}]},
		{"display_name":"Sections","uid":"sections","data_type":"blocks","blocks":[
			{"title":"Quote","uid":"quote","schema":[
				{"display_name":"Text","uid":"text","data_type":"text"},
				{"display_name":"Source","uid":"source","data_type":"reference","reference_to":["book"]}]}]},
		{"display_name":"Hero","uid":"hero","data_type":"file"},
		{"display_name":"Gallery","uid":"gallery","data_type":"file","multiple":true}]}}`
)

// includeFixture builds, on a stack with development and production
// environments (publishEnv), books b1, b2 (published to development) and
// b3 (never published); person p1 (published, referencing the three
// books, with a published portrait) and p2 (never published); article a1
// (published) referencing both people, p1 as editor, b1 in a quote, a
// published hero and a gallery of a published and an unpublished asset.
func includeFixture(t *testing.T, e *apitest.Env) {
	t.Helper()
	publishEnv(t, e)
	for _, ct := range []string{bookType, personType, articleType} {
		createType(t, e, ct)
	}
	for _, name := range []string{"pic", "draftpic"} {
		e.Vars[name] = uploadText(t, e, name)
	}
	publishAsset(t, e, "pic")
	books := "/v3/content_types/book/entries"
	createEntryVar(t, e, "b1", books, `{"entry":{"title":"Book one","cover":"{pic}"}}`)
	createEntryVar(t, e, "b2", books, `{"entry":{"title":"Book two","cover":"{draftpic}"}}`)
	createEntryVar(t, e, "b3", books, `{"entry":{"title":"Book three"}}`)
	createEntryVar(t, e, "p1", "/v3/content_types/person/entries", `{"entry":{"title":"Ann","portrait":"{pic}",
		"books":[{"uid":"{b1}","_content_type_uid":"book"},{"uid":"{b2}","_content_type_uid":"book"},{"uid":"{b3}","_content_type_uid":"book"}]}}`)
	createEntryVar(t, e, "p2", "/v3/content_types/person/entries", `{"entry":{"title":"Bob"}}`)
	createEntryVar(t, e, "a1", "/v3/content_types/article/entries", `{"entry":{"title":"Hello","hero":"{pic}","gallery":["{pic}","{draftpic}"],
		"author":[{"uid":"{p1}","_content_type_uid":"person"},{"uid":"{p2}","_content_type_uid":"person"}],
		"details":{"editor":[{"uid":"{p1}","_content_type_uid":"person"}]},
		"sections":[{"quote":{"text":"Quoted","source":[{"uid":"{b1}","_content_type_uid":"book"}]}}]}}`)
	for _, it := range []struct{ ct, uid string }{{"book", "b1"}, {"book", "b2"}, {"person", "p1"}, {"article", "a1"}} {
		publishEntry(t, e, it.ct, it.uid, "development")
	}
}

func uploadText(t *testing.T, e *apitest.Env, name string) string {
	t.Helper()
	status, body := e.Do("POST", "/v3/assets", hdr("owner", "api_key"), apitest.Form{apitest.Field("asset[title]", name),
		apitest.FilePart(name+".txt", "text/plain", []byte(name+" bytes"))})
	if status != 201 {
		t.Fatalf("upload %s: %d %v", name, status, body)
	}
	return body["asset"].(map[string]any)["uid"].(string)
}

func publishAsset(t *testing.T, e *apitest.Env, name string) {
	t.Helper()
	status, body := e.Do("POST", "/v3/assets/{"+name+"}/publish", hdr("owner", "api_key"),
		map[string]any{"asset": map[string]any{"environments": []any{"development"}, "locales": []any{"en-us"}}})
	if status != 200 {
		t.Fatalf("publish asset %s: %d %v", name, status, body)
	}
}

func publishEntry(t *testing.T, e *apitest.Env, ct, name, env string) {
	t.Helper()
	status, body := e.Do("POST", "/v3/content_types/"+ct+"/entries/{"+name+"}/publish", hdr("owner", "api_key"),
		publishBody([]any{env}, []any{"en-us"}))
	if status != 200 {
		t.Fatalf("publish %s: %d %v", name, status, body)
	}
}

func ref(name, ct string) map[string]any {
	return map[string]any{"uid": "{" + name + "}", "_content_type_uid": ct}
}

// TestCDAIncludeReferences: include[] replaces references by the entries
// they point to as published in the token's environment and locale, at
// any path (top level, groups, modular blocks, nested references); a
// reference to an entry not published there is left out; file fields are
// the published assets; only/except apply per include path.
func TestCDAIncludeReferences(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		// A later edit of p1 is not published: the CDA keeps showing "Ann".
		if status, body := e.Do("PUT", "/v3/content_types/person/entries/{p1}", hdr("owner", "api_key"), `{"entry":{"title":"Ann edited"}}`); status != 200 {
			t.Fatalf("edit p1: %d %v", status, body)
		}
		a1 := "/v3/content_types/article/entries/{a1}"
		ann := map[string]any{"uid": "{p1}", "title": "Ann", "_version": 1, "publish_details": map[string]any{"environment": "{dev_env}"}}
		bare := []any{ref("p1", "person"), ref("p2", "person")}
		for _, c := range []struct {
			name, query string
			want        map[string]any
			absent      []string // keys of the entry that must not be there
		}{
			{"no include: references as stored, files as published assets", "", map[string]any{"author": bare,
				"details": map[string]any{"editor": []any{ref("p1", "person")}},
				"hero":    map[string]any{"uid": "{pic}", "filename": "pic.txt", "content_type": "text/plain", "title": "pic"},
				"gallery": []any{map[string]any{"uid": "{pic}"}}}, nil},
			{"include[]", "include[]=author", map[string]any{"author": []any{ann}}, nil},
			{"the delivery SDK's include[][]", "include[][]=author", map[string]any{"author": []any{ann}}, nil},
			{"included entries show their published files", "include[]=author",
				map[string]any{"author": []any{map[string]any{"portrait": map[string]any{"uid": "{pic}"}}}}, nil},
			{"nested", "include[][]=author&include[][]=author.books", map[string]any{"author": []any{map[string]any{"title": "Ann",
				"books": []any{map[string]any{"title": "Book one", "cover": map[string]any{"uid": "{pic}"}}, map[string]any{"title": "Book two"}}}}}, nil},
			{"nested alone implies its parent", "include[]=author.books", map[string]any{"author": []any{map[string]any{
				"books": []any{map[string]any{"uid": "{b1}"}, map[string]any{"uid": "{b2}"}}}}}, nil},
			{"inside a group", "include[]=details.editor", map[string]any{"author": bare,
				"details": map[string]any{"editor": []any{ann}}}, nil},
			{"inside modular blocks", "include[]=sections.quote.source", map[string]any{"sections": []any{map[string]any{"quote": map[string]any{
				"text": "Quoted", "source": []any{map[string]any{"uid": "{b1}", "title": "Book one"}}}}}}, nil},
			{"content type uid of included entries", "include[]=author&include_reference_content_type_uid=true",
				map[string]any{"author": []any{map[string]any{"uid": "{p1}", "_content_type_uid": "person"}}}, nil},
			{"only on included entries", "include[]=author&only[BASE][]=author&only[author][]=title",
				map[string]any{"uid": "{a1}", "author": []any{map[string]any{"uid": "{p1}", "title": "Ann"}}}, []string{"title", "hero"}},
			{"except on included entries", "include[]=author.books&except[author][]=books&except[BASE][]=hero",
				map[string]any{"author": []any{map[string]any{"uid": "{p1}", "title": "Ann"}}}, []string{"hero"}},
			{"a path that names no reference is ignored", "include[]=title&include[]=nope.deeper", map[string]any{"author": bare}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				path := a1
				if c.query != "" {
					path += "?" + c.query
				}
				status, body := cdaGet(e, "dt_dev", path)
				if status != 200 {
					t.Fatalf("%s: %d %v", path, status, body)
				}
				entry := body["entry"].(map[string]any)
				if d := apitest.Subset(expandJSON(t, e, c.want), entry); d != "" {
					t.Errorf("%s: %s\nentry %s", path, d, toJSON(t, entry))
				}
				for _, k := range c.absent {
					if _, ok := entry[k]; ok {
						t.Errorf("%s: %q should be projected out: %v", path, k, entry)
					}
				}
			})
		}
		checkIncludeDetails(t, e)
	})
}

// checkIncludeDetails: precise shapes the table above leaves open.
func checkIncludeDetails(t *testing.T, e *apitest.Env) {
	t.Helper()
	_, body := cdaGet(e, "dt_dev", "/v3/content_types/article/entries/{a1}?include[]=author.books&only[author][]=books&only[author.books][]=title")
	author := body["entry"].(map[string]any)["author"].([]any)
	if len(author) != 1 {
		t.Fatalf("the unpublished author must be left out: %v", author)
	}
	p1 := author[0].(map[string]any)
	if len(p1) != 2 || p1["uid"] != e.Vars["p1"] {
		t.Errorf("only[author][]=books keeps uid and books: %v", p1)
	}
	books := p1["books"].([]any)
	if len(books) != 2 {
		t.Errorf("b3 is not published and must be left out: %v", books)
	}
	for _, b := range books {
		if m := b.(map[string]any); len(m) != 2 || m["title"] == nil {
			t.Errorf("only[author.books][]=title keeps uid and title: %v", m)
		}
	}
	_, body = cdaGet(e, "dt_dev", "/v3/content_types/article/entries/{a1}")
	if gallery := body["entry"].(map[string]any)["gallery"].([]any); len(gallery) != 1 {
		t.Errorf("an unpublished asset must be left out of a file field: %v", gallery)
	}
	_, body = cdaGet(e, "dt_dev", "/v3/content_types/book/entries/{b2}")
	if _, ok := body["entry"].(map[string]any)["cover"]; ok {
		t.Errorf("a single file field of an unpublished asset must be left out: %v", body)
	}
	for _, bad := range []string{"include[]=a..b", "include[]=", "include[]=" + url.QueryEscape("a b")} {
		if status, body := cdaGet(e, "dt_dev", "/v3/content_types/article/entries?"+bad); status != 422 {
			t.Errorf("%s: %d %v, want 422", bad, status, body)
		} else {
			apitest.CheckError(t, body, 422)
		}
	}
}

// TestCDAIncludeScope: included entries are those of the token's
// environment and locale: another environment sees none of them, and a
// locale without them shows them only with include_fallback.
func TestCDAIncludeScope(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		publishEntry(t, e, "article", "a1", "production")
		status, body := cdaGet(e, "dt_prod", "/v3/content_types/article/entries/{a1}?include[]=author")
		if status != 200 || len(body["entry"].(map[string]any)["author"].([]any)) != 0 {
			t.Errorf("production serves no person: %d %v", status, body)
		}
		publishFrench(t, e, "article", "a1")
		path := "/v3/content_types/article/entries/{a1}?locale=fr-fr&include[]=author"
		if _, body := cdaGet(e, "dt_dev", path); len(body["entry"].(map[string]any)["author"].([]any)) != 0 {
			t.Errorf("without fallback, an author published only in en-us is left out in fr-fr: %v", body)
		}
		_, body = cdaGet(e, "dt_dev", path+"&include_fallback=true")
		author := body["entry"].(map[string]any)["author"].([]any)
		if len(author) != 1 || author[0].(map[string]any)["locale"] != "en-us" {
			t.Errorf("with fallback, the en-us author is included: %v", body)
		}
	})
}

func publishFrench(t *testing.T, e *apitest.Env, ct, name string) {
	t.Helper()
	status, body := e.Do("POST", "/v3/content_types/"+ct+"/entries/{"+name+"}/publish", hdr("owner", "api_key"),
		publishBody([]any{"development"}, []any{"fr-fr"}))
	if status != 200 {
		t.Fatalf("publish %s in fr-fr: %d %v", name, status, body)
	}
}

// TestCDAIncludeDepth: references are included up to three levels deep;
// a fourth level stays as stored.
func TestCDAIncludeDepth(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		publishEnv(t, e)
		entries := "/v3/content_types/blog/entries"
		prev := ""
		for i := 5; i >= 1; i-- {
			name := fmt.Sprintf("c%d", i)
			body := fmt.Sprintf(`{"entry":{"title":"Chain %d"}}`, i)
			if prev != "" {
				body = fmt.Sprintf(`{"entry":{"title":"Chain %d","related":[{"uid":"{%s}","_content_type_uid":"blog"}]}}`, i, prev)
			}
			createEntryVar(t, e, name, entries, body)
			publishEntry(t, e, "blog", name, "development")
			prev = name
		}
		_, body := cdaGet(e, "dt_dev", entries+"/{c1}?include[]=related.related.related.related")
		level := body["entry"].(map[string]any)
		for depth := 1; depth <= 3; depth++ {
			rel := level["related"].([]any)
			if len(rel) != 1 {
				t.Fatalf("level %d: %v", depth, level)
			}
			level = rel[0].(map[string]any)
			if level["title"] != fmt.Sprintf("Chain %d", depth+1) {
				t.Fatalf("level %d shows %v", depth, level)
			}
		}
		if d := apitest.Subset(expandJSON(t, e, []any{ref("c5", "blog")}), level["related"]); d != "" {
			t.Errorf("the fourth level stays a reference: %s (%v)", d, level["related"])
		}
	})
}

// TestCMAIncludeReferences: on the CMA include[] shows the referenced
// entries at their current versions, drafts included.
func TestCMAIncludeReferences(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		if status, body := e.Do("PUT", "/v3/content_types/person/entries/{p1}", hdr("owner", "api_key"), `{"entry":{"title":"Ann edited"}}`); status != 200 {
			t.Fatalf("edit p1: %d %v", status, body)
		}
		e.Run(t, []apitest.Scenario{
			{Name: "read", Method: "GET", Path: "/v3/content_types/article/entries/{a1}?include[]=author.books", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"entry": map[string]any{"author": []any{
					map[string]any{"uid": "{p1}", "title": "Ann edited", "_version": 2, "portrait": map[string]any{"uid": "{pic}"},
						"books": []any{map[string]any{"title": "Book one"}, map[string]any{"title": "Book two"}, map[string]any{"title": "Book three"}}},
					map[string]any{"uid": "{p2}", "title": "Bob"}}}}},
			{Name: "list", Method: "GET", Path: "/v3/content_types/article/entries?include[]=details.editor", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"entries": []any{map[string]any{"details": map[string]any{
					"editor": []any{map[string]any{"title": "Ann edited"}}}}}}},
			{Name: "bad path", Method: "GET", Path: "/v3/content_types/article/entries?include[]=a..b", Headers: hdr("owner", "api_key"), WantStatus: 422},
		})
	})
}
