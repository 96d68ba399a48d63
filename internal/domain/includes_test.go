package domain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseIncludes(t *testing.T) {
	got, err := ParseIncludes([]string{"author", "author.books", "details.editor", "author.books"})
	if err != nil {
		t.Fatal(err)
	}
	want := Includes{"author": {"books": {}}, "details": {"editor": {}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.Key() != "{author{books},details{editor}}" {
		t.Errorf("Key() = %s", got.Key())
	}
	if inc, err := ParseIncludes(nil); inc != nil || err != nil {
		t.Errorf("no values: %v %v", inc, err)
	}
	many := make([]string, MaxIncludePaths+1)
	for i := range many {
		many[i] = "a"
	}
	for _, bad := range [][]string{{""}, {"a..b"}, {"a b"}, {".a"}, {"a."}, {"a/b"}, {strings.Repeat("a.", 40) + "a"},
		{strings.Repeat("a", 101)}, many} {
		if _, err := ParseIncludes(bad); err == nil || !strings.Contains(err.Error(), "include") {
			t.Errorf("ParseIncludes(%.60q) = %v, want a 422 naming include", bad, err)
		}
	}
}

// includeSchema: a reference at the top, one in a group (multiple), one
// in a block of modular blocks, and a file field in each place.
func includeSchema(t *testing.T) []Field {
	t.Helper()
	fields, err := ParseSchema(json.RawMessage(`[
		{"display_name":"Title","uid":"title","data_type":"text"},
		{"display_name":"Author","uid":"author","data_type":"reference","reference_to":["person"]},
		{"display_name":"Image","uid":"image","data_type":"file"},
		{"display_name":"Rows","uid":"rows","data_type":"group","multiple":true,"schema":[
			{"display_name":"Who","uid":"who","data_type":"reference","reference_to":["person"]},
			{"display_name":"Pics","uid":"pics","data_type":"file","multiple":true}]},
		{"display_name":"Blocks","uid":"blocks","data_type":"blocks","blocks":[
			{"title":"Card","uid":"card","schema":[{"display_name":"Ref","uid":"ref","data_type":"reference","reference_to":["person"]}]}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	return fields
}

func TestWalkIncludes(t *testing.T) {
	fields := includeSchema(t)
	data := map[string]any{
		"title":  "T",
		"author": []any{map[string]any{"uid": "p1", "_content_type_uid": "person"}},
		"rows": []any{map[string]any{"who": []any{map[string]any{"uid": "p2", "_content_type_uid": "person"}}},
			map[string]any{"who": []any{map[string]any{"uid": "p3", "_content_type_uid": "person"}}}},
		"blocks": []any{map[string]any{"card": map[string]any{"ref": []any{map[string]any{"uid": "p4", "_content_type_uid": "person"}}}}},
	}
	inc, err := ParseIncludes([]string{"author.books", "rows.who", "blocks.card.ref", "title", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	WalkIncludes(fields, data, inc, func(path string, f Field, below Includes, v any) any {
		for _, r := range RefTargets(v) {
			seen[r.UID] = path + " " + below.Key()
		}
		return "replaced"
	})
	want := map[string]string{"p1": "author {books}", "p2": "rows.who ", "p3": "rows.who ", "p4": "blocks.card.ref "}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("visits (-want +got):\n%s", diff)
	}
	if data["author"] != "replaced" || data["rows"].([]any)[1].(map[string]any)["who"] != "replaced" || data["title"] != "T" {
		t.Errorf("values not replaced as returned: %v", data)
	}
}

func TestWalkFiles(t *testing.T) {
	fields := includeSchema(t)
	data := map[string]any{"image": "a1", "rows": []any{map[string]any{"pics": []any{"a2", "a3"}}}}
	WalkFiles(fields, data, func(f Field, v any) (any, bool) {
		if s, ok := v.(string); ok {
			return nil, s == "a1"
		}
		return []any{"kept"}, false
	})
	want := map[string]any{"rows": []any{map[string]any{"pics": []any{"kept"}}}}
	if diff := cmp.Diff(want, data); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestFieldAt(t *testing.T) {
	fields := includeSchema(t)
	for path, want := range map[string]string{"author": TypeReference, "rows.who": TypeReference, "blocks.card.ref": TypeReference,
		"rows": TypeGroup, "blocks.card": "", "nope": "", "title.x": "", "blocks.nope.ref": ""} {
		f, ok := FieldAt(fields, path)
		if ok != (want != "") || f.DataType != want {
			t.Errorf("FieldAt(%s) = %s %v, want %q", path, f.DataType, ok, want)
		}
	}
}

// FuzzParseIncludes: any include[] values parse into a tree whose paths
// are valid segments within the limits, or are a 422 naming include.
func FuzzParseIncludes(f *testing.F) {
	for _, s := range []string{"author", "author.books", "details.editor", "sections.quote.source", "a..b", "", "a.b.c.d.e", "é"} {
		f.Add(s, "author")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		inc, err := ParseIncludes([]string{a, b})
		if err != nil {
			if e, ok := AsError(err); !ok || e.Kind != KindInvalid || e.Fields["include"] == nil {
				t.Fatalf("ParseIncludes(%q, %q): %v is not a 422 naming include", a, b, err)
			}
			return
		}
		var walk func(Includes, int)
		walk = func(n Includes, depth int) {
			if depth > maxIncludeSegments {
				t.Fatalf("tree deeper than %d: %s", maxIncludeSegments, inc.Key())
			}
			for k, v := range n {
				if !includeSegment.MatchString(k) {
					t.Fatalf("segment %q in %s", k, inc.Key())
				}
				walk(v, depth+1)
			}
		}
		walk(inc, 0)
	})
}
