package input

import (
	"encoding/json"
	"testing"

	"github.com/stackd/stackd/internal/domain"
)

// TestDecodeJSON: every way a JSON body can be wrong has its client
// status. A body that is not UTF-8 was decoded, and values kept as sent
// (json.RawMessage: schema keys, options, settings) reached PostgreSQL
// with invalid UTF-8, which it refuses (a 500).
func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		want                    domain.Kind
	}{
		{"invalid UTF-8 in a kept value", "application/json", "{\"options\":{\"x\":\"\xff\"}}", domain.KindBadRequest},
		{"invalid UTF-8 in a key", "application/json", "{\"\xc3\":1}", domain.KindBadRequest},
		{"not JSON", "application/json", "{", domain.KindBadRequest},
		{"empty", "application/json", "", domain.KindBadRequest},
		{"wrong content type", "text/plain", "{}", domain.KindBadRequest},
		{"wrong type", "application/json", `{"options":[]}`, domain.KindInvalid},
		{"too large", "application/json", `{"options":{"x":"` + string(make([]byte, 70<<10)) + `"}}`, domain.KindTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				Options map[string]json.RawMessage `json:"options"`
			}
			err := DecodeJSON(jsonRequest(tc.contentType, tc.body), &v)
			if !domain.IsKind(err, tc.want) {
				t.Fatalf("DecodeJSON = %v; want kind %d", err, tc.want)
			}
		})
	}
	var v map[string]any
	if err := DecodeJSON(jsonRequest("application/json; charset=utf-8", `{"title":"Größe"} trailing`), &v); err != nil || v["title"] != "Größe" {
		t.Fatalf("DecodeJSON = %v, %v; want the first value read", v, err)
	}
}
