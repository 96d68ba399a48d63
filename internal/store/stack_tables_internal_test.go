package store

import (
	"context"
	"slices"
	"testing"
)

// TestEveryStackTableIsRegistered fails for a table with an api_key column
// that stack deletion would not clear (registerStackTables).
func TestEveryStackTableIsRegistered(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var tables []string
	if err := collectList(ctx, s.read(), &tables, s.d.tables); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		rows, err := s.read().query(ctx, `SELECT api_key FROM `+table+` WHERE 1 = 0`)
		if err != nil {
			continue // no api_key column
		}
		rows.Close()
		if table != "stacks" && !slices.Contains(stackTables, table) {
			t.Errorf("table %s has an api_key column but DeleteStack does not clear it", table)
		}
	}
}

func collectList(ctx context.Context, c conn, out *[]string, q string) error {
	set := map[string]bool{}
	if err := collectStrings(ctx, c, set, q); err != nil {
		return err
	}
	for k := range set {
		*out = append(*out, k)
	}
	return nil
}
