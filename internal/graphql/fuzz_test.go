package graphql

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stackd/stackd/internal/domain"
)

// fixedFetcher answers every read with the same small published content,
// so the fuzz target exercises parsing, validation, limits, where and the
// executor without a database.
type fixedFetcher struct{}

func (fixedFetcher) Entries(_ context.Context, q EntryQuery) ([]map[string]any, int, error) {
	if q.Query != nil {
		if _, err := json.Marshal(q.Query); err != nil {
			panic(err)
		}
	}
	return []map[string]any{{"uid": "blt1", "title": "T", "rating": 4.0, "locale": "en-us", "_version": 2.0,
		"author": []any{map[string]any{"uid": "blt2", "_content_type_uid": "author", "title": "A"}},
		"seo":    map[string]any{"keywords": "k"},
		"blocks": []any{map[string]any{"hero": map[string]any{"headline": "H"}}},
		"image":  map[string]any{"uid": "blt3", "title": "img", "file_size": "12"}}}, 1, nil
}

func (fixedFetcher) Assets(context.Context, AssetQuery) ([]map[string]any, int, error) {
	return []map[string]any{{"uid": "blt3", "title": "img", "file_size": "12"}}, 1, nil
}

func fuzzSchema(t testing.TB) *Schema {
	cts := []domain.ContentType{
		{UID: "author", Schema: []domain.Field{{UID: "title", DataType: domain.TypeText}}},
		{UID: "article", Schema: []domain.Field{
			{UID: "title", DataType: domain.TypeText}, {UID: "rating", DataType: domain.TypeNumber},
			{UID: "author", DataType: domain.TypeReference, ReferenceTo: []string{"author"}, Multiple: true},
			{UID: "seo", DataType: domain.TypeGroup, Schema: []domain.Field{{UID: "keywords", DataType: domain.TypeText}}},
			{UID: "blocks", DataType: domain.TypeBlocks, Blocks: []domain.Block{{UID: "hero", Schema: []domain.Field{{UID: "headline", DataType: domain.TypeText}}}}},
			{UID: "image", DataType: domain.TypeFile}, {UID: "9bad", DataType: domain.TypeText}}},
	}
	s, err := Build(cts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzExecute: whatever query and variables a client sends, execution
// never panics, and a response either has data or errors.
func FuzzExecute(f *testing.F) {
	s := fuzzSchema(f)
	for _, q := range []string{
		`{ all_article(where: {rating_gt: 3, OR: [{title: "T"}, {seo: {keywords_in: ["k"]}}]}) { total items { title rating system { uid version } } } }`,
		`{ article(uid: "blt1") { authorConnection(limit: 2) { totalCount edges { node { __typename ... on Author { title } } } } } }`,
		`{ all_article { items { blocks { ... on ArticleBlocksHero { hero { headline } } } imageConnection { edges { node { title file_size } } } } } }`,
		`query($w: ArticleWhere, $n: Int) { all_article(where: $w, limit: $n) { total } }`,
		`{ __schema { types { name kind fields { name type { kind ofType { name } } } } } }`,
		`{ all_assets(where: {file_size_gt: 1}) { items { title } } }`,
		`fragment F on Article { title } { all_article { items { ...F } } }`,
		`{ all_article { items { ...F } } } fragment F on Article { ...F }`,
	} {
		f.Add(q, `{"w":{"title":"T"},"n":5}`)
	}
	f.Fuzz(func(t *testing.T, q, vars string) {
		var v map[string]any
		_ = json.Unmarshal([]byte(vars), &v)
		resp, _ := s.Execute(context.Background(), Request{Query: q, Variables: v}, fixedFetcher{})
		if resp.Data == nil && len(resp.Errors) == 0 {
			t.Fatalf("neither data nor errors for %q", q)
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Fatalf("response does not encode: %v", err)
		}
	})
}

func TestWhereToQueryLanguage(t *testing.T) {
	s := fuzzSchema(t)
	x := &exec{s: s}
	got, err := x.where("ArticleWhere", map[string]any{"rating_gte": 2.0, "seo": map[string]any{"keywords_ne": "x"},
		"OR": []any{map[string]any{"title": "a"}, map[string]any{"title_in": []any{"b"}}}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(got)
	// Map iteration order decides the order of the $and members; compare as sets.
	var m map[string][]any
	_ = json.Unmarshal(raw, &m)
	if len(m["$and"]) != 3 {
		t.Fatalf("where = %s", raw)
	}
	for _, part := range []string{`{"rating":{"$gte":2}}`, `{"seo.keywords":{"$ne":"x"}}`, `{"$or":[{"title":"a"},{"title":{"$in":["b"]}}]}`} {
		found := false
		for _, p := range m["$and"] {
			b, _ := json.Marshal(p)
			found = found || string(b) == part
		}
		if !found {
			t.Errorf("where lacks %s: %s", part, raw)
		}
	}
	if _, err := x.where("ArticleWhere", map[string]any{"nope": 1}); err == nil {
		t.Error("an unknown where field was accepted")
	}
	if s.ctType["9bad"] != "" || s.objects["Article"].fields["9bad"] != nil {
		t.Error("a uid that is not a GraphQL name made it into the schema")
	}
}
