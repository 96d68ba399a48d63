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
