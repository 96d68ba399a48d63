package domain

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestJSONHasNUL(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want bool
	}{
		{`{"a":"b"}`, false},
		{`{"a":"b\u0000"}`, true},
		{`{"a\u0000":1}`, true},
		{`["x", ["\u0000"]]`, true},
		{`{"a":"\\u0000"}`, false}, // an escaped backslash, then the text u0000
		{`{"a":"\\\u0000"}`, true}, // an escaped backslash, then a NUL
		{`{"a":"\u00000"}`, true},  // a NUL, then the digit 0
		{`{"a":"\u0001\u0000"}`, true},
		{`{"a":"\u10000"}`, false}, // U+1000, then 0
		{`{"a":"\u0000`, true},     // truncated: found, the decoder refuses it anyway
	} {
		if got := JSONHasNUL([]byte(tc.raw)); got != tc.want {
			t.Errorf("JSONHasNUL(%s) = %v, want %v", tc.raw, got, tc.want)
		}
		var v any
		if json.Unmarshal([]byte(tc.raw), &v) == nil {
			if _, bad := findUnclean(v, ""); bad != tc.want {
				t.Errorf("%s: JSONHasNUL says %v but the decoded value is unclean=%v", tc.raw, tc.want, bad)
			}
		}
	}
}

func TestNoNULNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		raw, want string
	}{
		{`{"stack":{"name":"a\u0000"}}`, "stack.name"},
		{`{"token":{"scope":[{"branches":["main","x\u0000"]}]}}`, "token.scope.0.branches.1"},
		{`{"role":{"bad\u0000key":1}}`, "role"},
		{`{"bad\u0000key":1}`, "body"},
	} {
		var v any
		if err := json.Unmarshal([]byte(tc.raw), &v); err != nil {
			t.Fatal(err)
		}
		e, ok := AsError(NoNUL("", v))
		if !ok {
			t.Fatalf("%s: NoNUL found nothing", tc.raw)
		}
		if diff := cmp.Diff(map[string][]string{tc.want: {"must not contain NUL characters or invalid UTF-8."}}, e.Fields); diff != "" {
			t.Errorf("%s: errors (-want +got):\n%s", tc.raw, diff)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for s, want := range map[string]int{"1": 1, "42": 42, "2147483647": MaxInt} {
		if got, err := ParseVersion("version", s); err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "-1", "1.5", "1e3", "x", " 1", "2147483648", "99999999999", strings.Repeat("9", 30)} {
		_, err := ParseVersion("version", s)
		if e, ok := AsError(err); !ok || e.Kind != KindInvalid || len(e.Fields["version"]) != 1 {
			t.Errorf("ParseVersion(%q) = %v; want a 422 naming version", s, err)
		}
	}
}

func TestCheckInt(t *testing.T) {
	for _, tc := range []struct {
		n    int
		fail bool
	}{{0, false}, {MaxInt, false}, {-1, true}, {MaxInt + 1, true}, {99999999999, true}} {
		err := CheckInt("rate_limit.read", tc.n, 0, MaxInt)
		if (err != nil) != tc.fail {
			t.Errorf("CheckInt(%d) = %v, want failure %v", tc.n, err, tc.fail)
		}
	}
}
