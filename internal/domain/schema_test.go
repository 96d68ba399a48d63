package domain

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReferenceFieldMetadata: a reference field always shows field_metadata, and a
// reference_to list says so with ref_multiple_content_types, as Contentstack answers. The
// csdx import reads field_metadata of every reference field (it crashes without one) and
// wraps reference_to in a list when ref_multiple_content_types is missing.
func TestReferenceFieldMetadata(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		want        map[string]any
	}{
		{"a list without field_metadata", `{"display_name":"A","uid":"a","data_type":"reference","reference_to":["x"]}`,
			map[string]any{"ref_multiple_content_types": true}},
		{"a list with other metadata", `{"display_name":"A","uid":"a","data_type":"reference","reference_to":["x","y"],"field_metadata":{"ref_multiple":true}}`,
			map[string]any{"ref_multiple": true, "ref_multiple_content_types": true}},
		{"an explicit flag is kept", `{"display_name":"A","uid":"a","data_type":"reference","reference_to":["x"],"field_metadata":{"ref_multiple_content_types":false}}`,
			map[string]any{"ref_multiple_content_types": false}},
		{"a single content type as a string", `{"display_name":"A","uid":"a","data_type":"reference","reference_to":"x"}`,
			map[string]any{}},
		{"inside a block", `{"display_name":"B","uid":"b","data_type":"blocks","blocks":[{"title":"P","uid":"p","schema":[
			{"display_name":"A","uid":"a","data_type":"reference","reference_to":["x"]}]}]}`,
			map[string]any{"ref_multiple_content_types": true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fields, err := ParseSchema(json.RawMessage("[" + tc.field + "]"))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := json.Marshal(fields)
			if err != nil {
				t.Fatal(err)
			}
			var shown []map[string]any
			if err := json.Unmarshal(raw, &shown); err != nil {
				t.Fatal(err)
			}
			field := shown[0]
			if blocks, ok := field["blocks"].([]any); ok {
				field = blocks[0].(map[string]any)["schema"].([]any)[0].(map[string]any)
			}
			if diff := cmp.Diff(tc.want, field["field_metadata"]); diff != "" {
				t.Errorf("field_metadata (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMapFiles: every file value is found, in groups (single and multiple), global fields and
// blocks, and nothing else is touched.
func TestMapFiles(t *testing.T) {
	gfs := map[string][]Field{"seo": mustSchema(t, `[{"display_name":"Image","uid":"image","data_type":"file"}]`)}
	fields := Expand(mustSchema(t, `[
		{"display_name":"Cover","uid":"cover","data_type":"file"},
		{"display_name":"Gallery","uid":"gallery","data_type":"file","multiple":true},
		{"display_name":"Name","uid":"name","data_type":"text"},
		{"display_name":"Body","uid":"body","data_type":"group","multiple":true,"schema":[{"display_name":"F","uid":"f","data_type":"file"}]},
		{"display_name":"SEO","uid":"seo","data_type":"global_field","reference_to":"seo"},
		{"display_name":"S","uid":"s","data_type":"blocks","blocks":[
			{"title":"Q","uid":"q","schema":[{"display_name":"T","uid":"t","data_type":"text"}]},
			{"title":"P","uid":"p","schema":[{"display_name":"Pic","uid":"pic","data_type":"file"}]},
			{"title":"G","uid":"g","reference_to":"seo"}]}]`), gfs)
	var data map[string]any
	if err := json.Unmarshal([]byte(`{"cover":"a1","gallery":["a2","a3"],"name":"a1","body":[{"f":"a4"},{"f":"a5"}],
		"seo":{"image":"a6"},"s":[{"q":{"t":"a1"}},{"p":{"pic":"a7"}},{"g":{"image":"a8"}}]}`), &data); err != nil {
		t.Fatal(err)
	}
	MapFiles(fields, data, func(uid string) any { return map[string]any{"uid": uid} })
	var want map[string]any
	if err := json.Unmarshal([]byte(`{"cover":{"uid":"a1"},"gallery":[{"uid":"a2"},{"uid":"a3"}],"name":"a1",
		"body":[{"f":{"uid":"a4"}},{"f":{"uid":"a5"}}],"seo":{"image":{"uid":"a6"}},
		"s":[{"q":{"t":"a1"}},{"p":{"pic":{"uid":"a7"}}},{"g":{"image":{"uid":"a8"}}}]}`), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, data); diff != "" {
		t.Errorf("MapFiles (-want +got):\n%s", diff)
	}
}

// TestBlockGlobalFieldReference: a block is a global field only when
// reference_to names one by a valid uid. reference_to "" was accepted as
// a block with neither a global field nor a schema, which read back as an
// invalid schema (found by FuzzSchema,
// testdata/fuzz/FuzzSchema/finding-block-empty-reference).
func TestBlockGlobalFieldReference(t *testing.T) {
	block := func(ref string) string {
		return `[{"display_name":"B","uid":"b","data_type":"blocks","blocks":[{"title":"G","uid":"g","reference_to":` + ref + `}]}]`
	}
	for _, tc := range []struct {
		ref string
		ok  bool
	}{
		{`"seo"`, true}, {`["seo"]`, true}, {`""`, false}, {`[""]`, false}, {`["a","b"]`, false}, {`"Not A Uid"`, false},
	} {
		_, err := ParseSchema(json.RawMessage(block(tc.ref)))
		if tc.ok != (err == nil) {
			t.Errorf("reference_to %s: %v, want ok %t", tc.ref, err, tc.ok)
			continue
		}
		if e, isErr := AsError(err); err != nil && (!isErr || len(e.Fields["schema.0.blocks.0.reference_to"]) == 0) {
			t.Errorf("reference_to %s: %v; want a 422 naming schema.0.blocks.0.reference_to", tc.ref, err)
		}
	}
}
