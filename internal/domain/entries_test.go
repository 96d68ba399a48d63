package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const articleSchema = `[
	{"display_name":"Title","uid":"title","data_type":"text","mandatory":true,"unique":true},
	{"display_name":"Score","uid":"score","data_type":"number","unique":true},
	{"display_name":"When","uid":"when","data_type":"isodate","multiple":true},
	{"display_name":"Cover","uid":"cover","data_type":"file"},
	{"display_name":"Link","uid":"link","data_type":"link"},
	{"display_name":"Extra","uid":"extra","data_type":"json"},
	{"display_name":"Ref","uid":"ref","data_type":"reference","reference_to":"author","field_metadata":{"ref_multiple":false}},
	{"display_name":"Any","uid":"any","data_type":"reference","reference_to":["author","tag"]},
	{"display_name":"Body","uid":"body","data_type":"blocks","blocks":[
		{"title":"Quote","uid":"quote","schema":[{"display_name":"Text","uid":"text","data_type":"text","mandatory":true}]}]}]`

func mustSchema(t testing.TB, raw string) []Field {
	t.Helper()
	f, err := ParseSchema(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func doc(t *testing.T, raw string) map[string]any {
	t.Helper()
	d, err := DecodeEntryBody(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestValidateEntryNormalizes(t *testing.T) {
	fields := mustSchema(t, articleSchema)
	v, err := ValidateEntry(fields, doc(t, `{"title":"T","score":7,"when":["2024-01-02","2024-01-02T03:04:05.000Z"],
		"cover":{"uid":"bltasset","url":"https://x"},"link":{"title":"S","href":"/s","target":"_blank"},"extra":{"k":[1]},
		"ref":["bltauthor"],"any":[{"uid":"blttag","_content_type_uid":"tag"}],
		"body":[{"quote":{"text":"hi","_metadata":{"uid":"cs1"}}}],"tags":[" a ","a",""],"ACL":{},"publish_details":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"score": json.Number("7"), "when": []any{"2024-01-02", "2024-01-02T03:04:05.000Z"}, "cover": "bltasset",
		"link": map[string]any{"title": "S", "href": "/s"}, "extra": map[string]any{"k": []any{json.Number("1")}},
		"ref":  []any{map[string]any{"uid": "bltauthor", "_content_type_uid": "author"}},
		"any":  []any{map[string]any{"uid": "blttag", "_content_type_uid": "tag"}},
		"body": []any{map[string]any{"quote": map[string]any{"text": "hi", "_metadata": map[string]any{"uid": "cs1"}}}},
	}
	if diff := cmp.Diff(want, v.Data); diff != "" {
		t.Errorf("data (-want +got):\n%s", diff)
	}
	if v.Title != "T" || !cmp.Equal(v.Tags, []string{"a"}) {
		t.Errorf("title %q tags %v", v.Title, v.Tags)
	}
	wantRefs := []EntryRef{{Path: "ref.0", UID: "bltauthor", ContentType: "author"}, {Path: "any.0", UID: "blttag", ContentType: "tag"}}
	if diff := cmp.Diff(wantRefs, v.Refs); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	wantUnique := []UniqueValue{{Field: "title", Value: "T"}, {Field: "score", Value: json.Number("7")}}
	if diff := cmp.Diff(wantUnique, v.Unique); diff != "" {
		t.Errorf("unique (-want +got):\n%s", diff)
	}
}

func TestValidateEntryErrors(t *testing.T) {
	fields := mustSchema(t, articleSchema)
	_, err := ValidateEntry(fields, doc(t, `{"when":"2024-01-02","cover":"","link":"x","ref":["a","b"],
		"any":["bltx"],"body":[{"quote":{}},{"nope":{}},{"quote":{"text":"a"},"other":{}}],"score":"1"}`))
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("ValidateEntry = %v; want a domain error", err)
	}
	want := map[string][]string{
		"title":                   {"is required."},
		"score":                   {"must be a number."},
		"when":                    {"must be an array: the field takes multiple values."},
		"link":                    {"must be an object with title and href."},
		"ref":                     {"takes a single reference."},
		"any.0._content_type_uid": {"is required: the field references several content types."},
		"body.0.quote.text":       {"is required."},
		"body.1.nope":             {"is not a block of this field."},
		"body.2":                  {"must be an object with exactly one key: the uid of a block."},
	}
	if diff := cmp.Diff(want, e.Fields); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestSchemaPath(t *testing.T) {
	fields := Expand(mustSchema(t, `[
		{"display_name":"G","uid":"g","data_type":"group","multiple":true,"schema":[{"display_name":"N","uid":"n","data_type":"text"}]},
		{"display_name":"S","uid":"seo","data_type":"global_field","reference_to":"seo"},
		{"display_name":"R","uid":"r","data_type":"reference","reference_to":"x"},
		{"display_name":"B","uid":"b","data_type":"blocks","blocks":[{"title":"H","uid":"h","schema":[{"display_name":"T","uid":"t","data_type":"text"}]}]},
		{"display_name":"J","uid":"j","data_type":"json"}]`),
		map[string][]Field{"seo": mustSchema(t, `[{"display_name":"K","uid":"k","data_type":"text"}]`)})
	tests := []struct {
		path string
		want []PathStep
		ok   bool
	}{
		{"g.n", []PathStep{{"g", true}, {"n", false}}, true},
		{"g", []PathStep{{"g", true}}, true},
		{"seo.k", []PathStep{{"seo", false}, {"k", false}}, true},
		{"r.uid", []PathStep{{"r", true}, {"uid", false}}, true},
		{"r.title", nil, false},
		{"b.h.t", []PathStep{{"b", true}, {"h", false}, {"t", false}}, true},
		{"b.x.t", nil, false},
		{"j.a.b", []PathStep{{"j", false}, {"a", false}, {"b", false}}, true},
		{"g.n.x", nil, false},
		{"nope", nil, false},
	}
	for _, tt := range tests {
		got, ok := SchemaPath(fields, tt.path)
		if ok != tt.ok || tt.ok && !cmp.Equal(got, tt.want) {
			t.Errorf("SchemaPath(%s) = %v, %v; want %v, %v", tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFallbackChain(t *testing.T) {
	fb := map[string]string{"fr-ca": "fr-fr", "fr-fr": "en-us", "a": "b", "b": "a", "x": ""}
	tests := map[string][]string{
		"fr-ca": {"fr-ca", "fr-fr", "en-us"},
		"en-us": {"en-us"},
		"a":     {"a", "b", "en-us"}, // a stored cycle goes to the master
		"x":     {"x", "en-us"},
	}
	for code, want := range tests {
		if got := FallbackChain(code, "en-us", fb); !cmp.Equal(got, want) {
			t.Errorf("FallbackChain(%s) = %v, want %v", code, got, want)
		}
	}
	if err := ValidateFallback("fr-fr", "fr-ca", "en-us", fb); err == nil {
		t.Error("ValidateFallback accepted a cycle")
	}
	if err := ValidateFallback("de", "fr-ca", "en-us", fb); err != nil {
		t.Errorf("ValidateFallback(de -> fr-ca) = %v", err)
	}
	if err := ValidateFallback("en-us", "fr-fr", "en-us", fb); err == nil {
		t.Error("ValidateFallback let the master fall back")
	}
}

// TestEntryLengthLimits: a title of up to 200 characters (Contentstack's
// Title field limit) and up to 50 tags of up to 100 characters each.
func TestEntryLengthLimits(t *testing.T) {
	fields := mustSchema(t, articleSchema)
	tags := func(n, size int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = fmt.Sprintf("%0*d", size, i)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		title string
		tags  []any
		want  map[string][]string
	}{
		{"longest title", strings.Repeat("é", MaxEntryTitleLen), nil, nil},
		{"title too long", strings.Repeat("é", MaxEntryTitleLen+1), nil, map[string][]string{"title": {"must be at most 200 characters."}}},
		{"most tags", "t", tags(MaxTags, MaxTagLen), nil},
		{"too many tags", "t", tags(MaxTags+1, 3), map[string][]string{"tags": {"must hold at most 50 tags."}}},
		{"tag too long", "t", tags(1, MaxTagLen+1), map[string][]string{"tags": {"must hold tags of at most 100 characters."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ValidateEntry(fields, map[string]any{"title": tc.title, "tags": tc.tags})
			var got map[string][]string
			if e, ok := AsError(err); ok {
				got = e.Fields
			} else if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
