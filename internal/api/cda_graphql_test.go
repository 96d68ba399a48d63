package api_test

import (
	"encoding/json"
	"image/color"
	"net/url"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// gql posts a GraphQL query to the stack's endpoint with delivery token tok.
func gql(e *apitest.Env, tok, q string, vars map[string]any) (int, map[string]any) {
	e.T.Helper()
	body := map[string]any{"query": q}
	if vars != nil {
		body["variables"] = vars
	}
	env := "development"
	if tok == "dt_prod" {
		env = "production"
	}
	return e.DoOn(e.CDA, "POST", "/stacks/{api_key}?environment="+env, map[string]string{"access_token": "{" + tok + "}"}, body)
}

// dig walks a decoded JSON value along keys and list indexes.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// TestGraphQL: the schema follows the content types; lists, single
// entries, where, references through connections (nested, in groups and
// blocks), files, system fields, fragments, variables and aliases; only
// what the token's environment serves is visible.
func TestGraphQL(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		status, body := gql(e, "dt_dev", `query Articles($t: String) {
			all_article(where: {title: $t}) {
				total
				items {
					title
					system { uid content_type_uid locale version }
					authorConnection { totalCount edges { node { __typename ... on Person { title booksConnection { totalCount edges { node { ...B } } } } } } }
					details { editorConnection(limit: 1) { edges { node { ... on Person { name: title } } } } }
					sections { __typename ... on ArticleSectionsQuote { quote { text sourceConnection { edges { node { ... on Book { title } } } } } } }
					heroConnection { totalCount edges { node { title url } } }
					galleryConnection { totalCount }
				}
			}
		}
		fragment B on Book { title coverConnection { totalCount } }`, map[string]any{"t": "Hello"})
		if status != 200 || body["errors"] != nil {
			t.Fatalf("query: %d %v", status, body)
		}
		a := dig(body, "data", "all_article", "items", 0)
		for _, c := range []struct {
			name string
			got  any
			want any
		}{
			{"total", dig(body, "data", "all_article", "total"), float64(1)},
			{"title", dig(a, "title"), "Hello"},
			{"system uid", dig(a, "system", "uid"), e.Vars["a1"]},
			{"system content type", dig(a, "system", "content_type_uid"), "article"},
			{"system version", dig(a, "system", "version"), float64(1)},
			{"unpublished author left out", dig(a, "authorConnection", "totalCount"), float64(1)},
			{"typename of a union member", dig(a, "authorConnection", "edges", 0, "node", "__typename"), "Person"},
			{"nested reference, unpublished book left out", dig(a, "authorConnection", "edges", 0, "node", "booksConnection", "totalCount"), float64(2)},
			{"fragment on a nested reference", dig(a, "authorConnection", "edges", 0, "node", "booksConnection", "edges", 0, "node", "title"), "Book one"},
			{"file of a nested reference", dig(a, "authorConnection", "edges", 0, "node", "booksConnection", "edges", 0, "node", "coverConnection", "totalCount"), float64(1)},
			{"reference in a group, aliased", dig(a, "details", "editorConnection", "edges", 0, "node", "name"), "Ann"},
			{"block member", dig(a, "sections", 0, "__typename"), "ArticleSectionsQuote"},
			{"reference in a block", dig(a, "sections", 0, "quote", "sourceConnection", "edges", 0, "node", "title"), "Book one"},
			{"file", dig(a, "heroConnection", "edges", 0, "node", "title"), "pic"},
			{"unpublished file left out", dig(a, "galleryConnection", "totalCount"), float64(1)},
		} {
			if c.got != c.want {
				t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
			}
		}
		if u, _ := dig(a, "heroConnection", "edges", 0, "node", "url").(string); !strings.Contains(u, "/assets/") {
			t.Errorf("asset url %q", u)
		}

		for _, c := range []struct {
			name, query string
			path        []any
			want        any
		}{
			{"one entry", `{ article(uid: "` + e.Vars["a1"] + `") { title } }`, []any{"data", "article", "title"}, "Hello"},
			{"an entry not published there is null", `{ person(uid: "` + e.Vars["p2"] + `") { title } }`, []any{"data", "person"}, nil},
			{"where on a number-less content type", `{ all_book(where: {title_in: ["Book one", "Book three"]}) { total items { title } } }`, []any{"data", "all_book", "total"}, float64(1)},
			{"where with OR", `{ all_book(where: {OR: [{title: "Book one"}, {title: "Book two"}]}) { total } }`, []any{"data", "all_book", "total"}, float64(2)},
			{"assets", `{ all_assets { total items { title system { content_type_uid } } } }`, []any{"data", "all_assets", "items", 0, "system", "content_type_uid"}, "sys_assets"},
			{"one asset", `{ assets(uid: "` + e.Vars["pic"] + `") { filename file_size } }`, []any{"data", "assets", "filename"}, "pic.txt"},
			{"typename", `{ __typename }`, []any{"data", "__typename"}, "Query"},
			{"introspection", `{ __type(name: "Article") { kind fields { name } } }`, []any{"data", "__type", "kind"}, "OBJECT"},
			{"skip directive", `{ all_book @skip(if: true) { total } }`, []any{"data", "all_book"}, nil},
		} {
			status, body := gql(e, "dt_dev", c.query, nil)
			if status != 200 || body["errors"] != nil {
				t.Errorf("%s: %d %v", c.name, status, body)
				continue
			}
			if got := dig(body, c.path...); got != c.want {
				t.Errorf("%s: got %v, want %v (%v)", c.name, got, c.want, body)
			}
		}
		_, body = gql(e, "dt_dev", `{ first: all_book(limit: 1, order_by: [created_at_ASC]) { items { title } }
			second: all_book(skip: 1, limit: 1, order_by: [created_at_ASC]) { items { title } } }`, nil)
		first, second := dig(body, "data", "first", "items", 0, "title"), dig(body, "data", "second", "items", 0, "title")
		if first == nil || second == nil || first == second {
			t.Errorf("paging: first %v, second %v (%v)", first, second, body)
		}
		if _, body := gql(e, "dt_prod", `{ all_article { total } }`, nil); dig(body, "data", "all_article", "total") != float64(0) {
			t.Errorf("production sees articles published to development: %v", body)
		}
	})
}

// TestGraphQLErrors: bad requests, limits and credentials come back as
// GraphQL errors with a fitting status, never a 500.
func TestGraphQLErrors(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		deep := `{ all_article { items { authorConnection { edges { node { ... on Person { booksConnection { edges { node { ... on Book { title } } } } } } } } } } }`
		for _, c := range []struct {
			name, tok, query string
			status           int
			want             string
		}{
			{"syntax", "dt_dev", `{ all_article { `, 400, "Expected"},
			{"unknown field", "dt_dev", `{ all_article { items { nope } } }`, 400, "nope"},
			{"unknown content type", "dt_dev", `{ all_nope { total } }`, 400, "all_nope"},
			{"limit over 100", "dt_dev", `{ all_article(limit: 101) { total } }`, 400, "at most 100"},
			{"too many records", "dt_dev", `{ all_article(limit: 100) { items { authorConnection(limit: 75) { totalCount } } } }`, 400, "7500"},
			{"within the records limit", "dt_dev", `{ all_article(limit: 50) { items { authorConnection(limit: 10) { totalCount } } } }`, 200, ""},
			{"nested references within depth", "dt_dev", deep, 200, ""},
			{"a mutation", "dt_dev", `mutation { x }`, 400, "mutation"},
			{"empty query", "dt_dev", ``, 400, "required"},
			{"bad where value", "dt_dev", `{ all_book(where: {title: 3}) { total } }`, 400, "String"},
			{"wrong token", "wrong", `{ __typename }`, 401, "access_token"},
		} {
			tok := c.tok
			if tok == "wrong" {
				e.Vars["wrong"] = "csdt0000000000000000000000000000000000000000"
			}
			status, body := gql(e, tok, c.query, nil)
			raw, _ := json.Marshal(body)
			if status != c.status || (c.want != "" && !strings.Contains(string(raw), c.want)) {
				t.Errorf("%s: %d %s, want %d mentioning %q", c.name, status, raw, c.status, c.want)
			}
			if c.status != 200 && body["errors"] == nil {
				t.Errorf("%s: no errors list: %s", c.name, raw)
			}
		}
		// GET with the query in the URL, and variables as JSON text.
		path := "/stacks/{api_key}?environment=development&query=" + url.QueryEscape(`query($u: String!) { book(uid: $u) { title } }`) +
			"&variables=" + url.QueryEscape(`{"u":"`+e.Vars["b1"]+`"}`)
		status, body := e.DoOn(e.CDA, "GET", path, map[string]string{"access_token": "{dt_dev}"}, nil)
		if status != 200 || dig(body, "data", "book", "title") != "Book one" {
			t.Errorf("GET: %d %v", status, body)
		}
	})
}

// TestGraphQLSchemaFollowsContentTypes: a field added to a content type is
// queryable at the next request (the schema cache follows the stack's
// change counter), and the standard introspection query runs.
func TestGraphQLSchemaFollowsContentTypes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		if status, _ := gql(e, "dt_dev", `{ all_book { items { pages } } }`, nil); status != 400 {
			t.Fatalf("pages before it exists: %d", status)
		}
		e.Run(t, []apitest.Scenario{{Name: "add pages", Method: "PUT", Path: "/v3/content_types/book", Headers: hdr("owner", "api_key"),
			Body: `{"content_type":{"title":"Book","uid":"book","schema":[
				{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
				{"display_name":"Cover","uid":"cover","data_type":"file"},
				{"display_name":"Pages","uid":"pages","data_type":"number"}]}}`, WantStatus: 200}})
		if status, body := gql(e, "dt_dev", `{ all_book(where: {pages_gt: 3}) { items { pages } } }`, nil); status != 200 {
			t.Errorf("pages after it was added: %d %v", status, body)
		}
		status, body := gql(e, "dt_dev", introspectionQuery, nil)
		if status != 200 || body["errors"] != nil || dig(body, "data", "__schema", "queryType", "name") != "Query" {
			t.Fatalf("introspection: %d %v", status, body)
		}
		types, _ := dig(body, "data", "__schema", "types").([]any)
		names := map[string]bool{}
		for _, ty := range types {
			names[dig(ty, "name").(string)] = true
		}
		for _, want := range []string{"Article", "Person", "Book", "SysAsset", "ArticleAuthorConnection", "ArticleSections", "__Schema"} {
			if !names[want] {
				t.Errorf("introspection lacks type %s", want)
			}
		}
	})
}

// TestGraphQLQueryCount: references are resolved in batches, so a list
// of 100 articles with nested references costs as many queries as a
// list of 10.
func TestGraphQLQueryCount(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		seedArticles(t, e, 100)
		counter := e.Store.CountQueries()
		q := func(limit string) int64 {
			counter.Reset()
			status, body := gql(e, "dt_dev", `{ all_article(limit: `+limit+`, where: {title_ne: "Hello"}) { total items { title
				authorConnection(limit: 5) { edges { node { ... on Person { title booksConnection(limit: 5) { edges { node { ... on Book { title } } } } } } } }
				details { editorConnection(limit: 5) { totalCount } } } } }`, nil)
			if status != 200 || body["errors"] != nil {
				t.Fatalf("query: %d %v", status, body)
			}
			return counter.N()
		}
		q("10") // warms the schema cache
		ten, hundred := q("10"), q("100")
		t.Logf("GraphQL list with two levels of references: %d queries for 10 articles, %d for 100", ten, hundred)
		if hundred != ten {
			t.Errorf("queries grow with the page: %d for 10, %d for 100", ten, hundred)
		}
	})
}

// introspectionQuery is the query GraphiQL sends to learn a schema.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`

// TestCDADimension: an image's size shows on the CDA with
// include_dimension=true, in REST reads and as GraphQL's dimension.
func TestCDADimension(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		includeFixture(t, e)
		status, body := e.Do("POST", "/v3/assets", hdr("owner", "api_key"), apitest.Form{apitest.Field("asset[title]", "photo"),
			apitest.FilePart("photo.png", "image/png", solidPNG(t, 30, 20, color.White))})
		if status != 201 {
			t.Fatalf("upload: %d %v", status, body)
		}
		e.Vars["photo"] = body["asset"].(map[string]any)["uid"].(string)
		publishAsset(t, e, "photo")
		_, body = cdaGet(e, "dt_dev", "/v3/assets/{photo}?include_dimension=true")
		if d := dig(body, "asset", "dimension"); d == nil || dig(d, "width") != float64(30) || dig(d, "height") != float64(20) {
			t.Errorf("CDA asset dimension: %v", body)
		}
		if _, body = cdaGet(e, "dt_dev", "/v3/assets/{photo}"); dig(body, "asset", "dimension") != nil {
			t.Errorf("dimension without include_dimension: %v", body)
		}
		_, body = gql(e, "dt_dev", `{ assets(uid: "`+e.Vars["photo"]+`") { dimension { width height } } }`, nil)
		if dig(body, "data", "assets", "dimension", "width") != float64(30) {
			t.Errorf("GraphQL dimension: %v", body)
		}
	})
}
