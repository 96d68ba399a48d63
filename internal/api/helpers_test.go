package api_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dbContains reports whether the SQLite files of e hold s anywhere, by
// checkpointing the WAL and reading the database file's bytes.
func dbContains(t *testing.T, e *apitest.Env, s string) bool {
	t.Helper()
	if err := e.Store.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(e.DataDir, "stackd.db*"))
	if len(matches) == 0 {
		t.Fatal("no database files found")
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), s) {
			return true
		}
	}
	return false
}
