package input

import (
	"net/url"
	"testing"

	"github.com/stackd/stackd/internal/domain"
)

func TestParseList(t *testing.T) {
	for _, tc := range []struct {
		raw         string
		skip, limit int
		bad         string // the field named by a 422
	}{
		{"", 0, 100, ""},
		{"skip=1e%2B100&limit=100", maxSkip, 100, ""}, // what the csdx export sends
		{"skip=20&limit=5", 20, 5, ""},
		{"limit=0", 0, 100, ""},
		{"limit=1000", 0, 100, ""},
		{"skip=2.9", 2, 100, ""},
		{"skip=-1", 0, 0, "skip"},
		{"limit=abc", 0, 0, "limit"},
		{"skip=NaN", 0, 0, "skip"},
	} {
		p, err := ParseList(mustQuery(t, tc.raw))
		if tc.bad != "" {
			if e, ok := domain.AsError(err); !ok || e.Kind != domain.KindInvalid || len(e.Fields[tc.bad]) == 0 {
				t.Errorf("ParseList(%q) = %v; want a 422 naming %s", tc.raw, err, tc.bad)
			}
			continue
		}
		if err != nil || p.Skip != tc.skip || p.Limit != tc.limit {
			t.Errorf("ParseList(%q) = skip %d, limit %d, %v; want %d, %d", tc.raw, p.Skip, p.Limit, err, tc.skip, tc.limit)
		}
	}
}

// TestVersion: a version must fit the 32-bit columns versions are stored
// in; 99999999999 was accepted and made PostgreSQL fail (a 500).
func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		s        string
		optional bool
		want     int
		ok       bool
	}{
		{"", true, 0, true},
		{"", false, 0, false},
		{"1", false, 1, true},
		{"2147483647", false, 2147483647, true},
		{"2147483648", false, 0, false},
		{"99999999999", true, 0, false},
		{"0", true, 0, false},
		{"-3", true, 0, false},
		{"1.0", true, 0, false},
	} {
		v, err := Version(tc.s, "version", tc.optional)
		if tc.ok != (err == nil) || v != tc.want {
			t.Errorf("Version(%q, %t) = %d, %v; want %d (ok %t)", tc.s, tc.optional, v, err, tc.want, tc.ok)
		}
		if err != nil && !domain.IsKind(err, domain.KindInvalid) {
			t.Errorf("Version(%q): %v is not a 422", tc.s, err)
		}
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	q, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return q
}
