package query

import "testing"

// TestPathLiteralsQuoteKeys: JSON path literals quote every key for the
// path syntax and the SQL string alike, so a key cannot end the literal;
// keys no literal can hold are refused before SQL is written.
func TestPathLiteralsQuoteKeys(t *testing.T) {
	steps := []Step{{Key: "a'b"}, {Key: `c\d`}, {Key: "e f"}}
	if got, want := litePath(steps), `'$."a''b"."c\d"."e f"'`; got != want {
		t.Errorf("litePath = %s, want %s", got, want)
	}
	if got, want := pgPath(steps), `'{"a''b","c\\d","e f"}'`; got != want {
		t.Errorf("pgPath = %s, want %s", got, want)
	}
	for _, bad := range []string{"", `x"y`, "x\x00y", "\xff"} {
		if err := checkSteps("p", []Step{{Key: bad}}); err == nil {
			t.Errorf("checkSteps accepted %q", bad)
		}
	}
	if err := checkSteps("p", steps); err != nil {
		t.Errorf("checkSteps refused quotable keys: %v", err)
	}
}
