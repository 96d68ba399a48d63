package query

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRefQuery(t *testing.T) {
	tests := []struct {
		raw  string
		want Node
	}{
		{`{"author":{"$in_query":{"title":"Ann"}}}`, RefQuery{Path: "author", Sub: Cond{Path: "title", Op: OpEq, Value: "Ann"}}},
		{`{"author":{"$nin_query":{}}}`, RefQuery{Path: "author", Not: true}},
		{`{"a.b":{"$in_query":{"c":{"$in_query":{"d":1}}}}}`, RefQuery{Path: "a.b",
			Sub: RefQuery{Path: "c", Sub: Cond{Path: "d", Op: OpEq, Value: 1.0}}}},
		{`{"author":{"$in_query":{"$or":[{"t":1},{"t":2}]},"$exists":true}}`, And{
			Cond{Path: "author", Op: OpExists, Value: true},
			RefQuery{Path: "author", Sub: Or{Cond{Path: "t", Op: OpEq, Value: 1.0}, Cond{Path: "t", Op: OpEq, Value: 2.0}}}}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.raw)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.raw, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%s) (-want +got):\n%s", tt.raw, diff)
		}
	}
	for _, c := range []struct{ raw, want string }{
		{`{"a":{"$in_query":"x"}}`, "a.$in_query must be a query object"},
		{`{"a":{"$nin_query":[{"b":1}]}}`, "a.$nin_query must be a query object"},
		{`{"a":{"$in_query":{"b":{"$in_query":{"c":{"$in_query":{"d":{"$in_query":{}}}}}}}}}`, "more than 3 levels deep"},
		{`{"a":{"$in_query":{"$nope":1}}}`, `"$nope" is not a known operator`},
	} {
		_, err := Parse(c.raw)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%s) = %v, want an error with %q", c.raw, err, c.want)
		}
	}
}

// refResolver resolves "author" (a reference field of content types
// person and team) and, in a subquery, "title".
func refResolver(path string) (Field, error) {
	switch path {
	case "author":
		sub := func(p string) (Field, error) {
			if p == "title" {
				return Field{Column: "r.title", Kind: Text}, nil
			}
			return Field{}, Invalid("%q is not a field.", p)
		}
		return Field{Column: "e.data", Kind: JSON, Steps: []Step{{Key: "author", Array: true}}, Refs: &Refs{
			From: "(SELECT * FROM entries WHERE api_key = ?) r", Args: []any{"key"}, Where: "r.fallback_rank = 1",
			UID: "r.uid", Type: "r.content_type_uid",
			Types: []RefType{{UID: "person", Resolve: sub}, {UID: "gone"}, {UID: "team", Resolve: sub}}}}, nil
	case "title":
		return Field{Column: "e.title", Kind: Text}, nil
	}
	return Field{}, Invalid("%q is not a field.", path)
}

// TestCompileRefQuery: the subquery's arguments sit where its placeholders
// are, between those before and after it; a content type that no longer
// exists matches nothing; $nin_query negates.
func TestCompileRefQuery(t *testing.T) {
	n, err := Parse(`{"$and":[{"title":"before"},{"author":{"$nin_query":{"title":"Ann"}}},{"title":{"$ne":"after"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Dialect{{Name: "sqlite"}, {Name: "postgres"}} {
		sql, args, err := Compile(n, d, refResolver)
		if err != nil {
			t.Fatal(err)
		}
		want := []any{"before", "key", "person", "Ann", "team", "Ann", "after"}
		if diff := cmp.Diff(want, args); diff != "" {
			t.Errorf("%s: args (-want +got):\n%s\n%s", d.Name, diff, sql)
		}
		if strings.Count(sql, "?") != len(args) || !strings.Contains(sql, "NOT (") || !strings.Contains(sql, "SELECT r.uid FROM") {
			t.Errorf("%s: %s", d.Name, sql)
		}
	}
	for _, c := range []struct{ raw, want string }{
		{`{"title":{"$in_query":{}}}`, "title is not a reference field"},
		{`{"author":{"$in_query":{"nope":1}}}`, `"nope" is not a field`},
	} {
		n, err := Parse(c.raw)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Compile(n, Dialect{Name: "sqlite"}, refResolver); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Compile(%s) = %v, want %q", c.raw, err, c.want)
		}
	}
}

// FuzzRefQuery: any query text either parses and compiles on both
// engines, with one argument per placeholder, or is a 422; never a panic.
func FuzzRefQuery(f *testing.F) {
	for _, seed := range []string{
		`{"author":{"$in_query":{"title":"Ann"}}}`,
		`{"author":{"$nin_query":{}}}`,
		`{"author":{"$in_query":{"$or":[{"title":"a"},{"title":{"$regex":"^b"}}]}},"title":"x"}`,
		`{"author":{"$in_query":{"author":{"$in_query":{"title":{"$in":["a","b"]}}}}}}`,
		`{"title":{"$in_query":{}}}`,
		`{"author":{"$in_query":[1]}}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		n, err := Parse(raw)
		if err != nil {
			return
		}
		for _, d := range []Dialect{{Name: "sqlite"}, {Name: "postgres"}} {
			sql, args, err := Compile(n, d, refResolver)
			if err != nil {
				continue
			}
			if strings.Count(sql, "?") != len(args) {
				t.Fatalf("%s: %d placeholders, %d args: %s", d.Name, strings.Count(sql, "?"), len(args), sql)
			}
		}
	})
}
