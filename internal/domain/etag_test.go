package domain

import "testing"

func TestIfMatch(t *testing.T) {
	for _, tc := range []struct {
		header  []string
		version int
		want    Kind // KindInternal (zero) = matches
	}{
		{nil, 3, 0},
		{[]string{""}, 3, 0},
		{[]string{"*"}, 3, 0},
		{[]string{"*"}, 0, 0}, // an entry's locale without its own content
		{[]string{`"3"`}, 3, 0},
		{[]string{`"3"`}, 4, KindPrecondition},
		{[]string{`"3"`}, 0, KindPrecondition},
		{[]string{`"2", "3"`}, 3, 0},
		{[]string{`"2"`, `"3"`}, 3, 0}, // two field lines
		{[]string{`"2",,"3"`}, 3, 0},   // empty list elements are ignored
		{[]string{`W/"3"`}, 3, KindPrecondition},
		{[]string{`W/"3", "3"`}, 3, 0},
		{[]string{`"03"`}, 3, KindPrecondition},
		{[]string{`""`}, 3, KindPrecondition},
		{[]string{`3`}, 3, KindBadRequest},
		{[]string{`"3`}, 3, KindBadRequest},
		{[]string{`*, "3"`}, 3, KindBadRequest},
		{[]string{`"a"b"`}, 3, KindBadRequest},
		{[]string{`W/3`}, 3, KindBadRequest},
	} {
		m, err := ParseIfMatch(tc.header)
		if err == nil {
			err = m.Check("entry", tc.version)
		}
		var got Kind
		if e, ok := AsError(err); ok {
			got = e.Kind
		} else if err != nil {
			t.Fatalf("%q: %v", tc.header, err)
		}
		if got != tc.want {
			t.Errorf("If-Match %q against version %d: kind %d (%v), want %d", tc.header, tc.version, got, err, tc.want)
		}
	}
}
