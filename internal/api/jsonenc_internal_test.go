package api

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendJSONMatchesEncoder: writeJSON's encoder writes exactly the
// bytes json.Encoder writes (clients and ETags see no difference), and
// fails where it fails.
func TestAppendJSONMatchesEncoder(t *testing.T) {
	var nilMap map[string]any
	var nilSlice []any
	var nilStrings []string
	cases := map[string]any{
		"nil":             nil,
		"plain":           "hello",
		"escapes":         "q\" b\\ <a href='x'>&amp;</a> \b\f\n\r\t \x00\x01\x1f \x7f",
		"invalid utf-8":   "a\xffb\xc3(c\xe2\x82",
		"separators":      "line\u2028para\u2029end",
		"unicode":         "héllo wörld ✓ 😀 日本",
		"numbers":         []any{json.Number("12"), json.Number("-0.5e+10"), json.Number(""), json.Number("1.0E-3"), 3, int64(-7), 1.5, 1e21, 1e-7, float32(0.1)},
		"bools":           []any{true, false},
		"nested":          map[string]any{"b": []any{map[string]any{"z": 1, "a": nil}}, "a": map[string]string{"y": "<", "x": ">"}, "": "empty key", "<k>": "html key"},
		"nil map":         nilMap,
		"nil slice":       nilSlice,
		"nil strings":     nilStrings,
		"strings":         []string{"a", "b&c"},
		"maps":            []map[string]any{{"k": "v"}, nil},
		"fields":          map[string][]string{"title": {"is required."}},
		"time":            time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC),
		"struct":          struct{ A string }{"<x>"},
		"invalid number":  json.Number("1.2.3"),
		"number in map":   map[string]any{"n": json.Number("01")},
		"raw message":     json.RawMessage(`{"b":1,  "a":2}`),
		"unsupported":     map[string]any{"f": func() {}},
		"leading zero ok": json.Number("0.25"),
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) { checkSameJSON(t, v) })
	}
}

// TestAppendJSONRandom compares both encoders on random documents.
func TestAppendJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		checkSameJSON(t, randomValue(r, 3))
	}
}

func checkSameJSON(t *testing.T, v any) {
	t.Helper()
	var want bytes.Buffer
	wantErr := json.NewEncoder(&want).Encode(v)
	got, err := appendJSON(nil, v)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("error %v, encoding/json's %v", err, wantErr)
	}
	if wantErr != nil {
		return
	}
	if got = append(got, '\n'); !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("got  %q\nwant %q", got, want.Bytes())
	}
}

func randomValue(r *rand.Rand, depth int) any {
	k := r.IntN(8)
	if depth == 0 {
		k = r.IntN(4)
	}
	switch k {
	case 0:
		return randomString(r)
	case 1:
		return json.Number([]string{"0", "-1", "3.25", "1e9", "2E-3", "007", "", "1.", "-"}[r.IntN(9)])
	case 2:
		return r.IntN(3) == 0
	case 3:
		return nil
	case 4, 5:
		m := map[string]any{}
		for range r.IntN(5) {
			m[randomString(r)] = randomValue(r, depth-1)
		}
		return m
	default:
		s := []any{}
		for range r.IntN(5) {
			s = append(s, randomValue(r, depth-1))
		}
		return s
	}
}

func randomString(r *rand.Rand) string {
	const alphabet = "ab<>&\"\\\n\t\x01\x7fé✓\u2028\xff\xc3 "
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}
