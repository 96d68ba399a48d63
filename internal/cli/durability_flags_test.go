package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOperationsFlags: the durability, timeout and drain flags and the
// backup commands refuse bad input with a message naming what is wrong,
// from the command line and from STACKD_* variables.
func TestOperationsFlags(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(data, "keep"), []byte("x"), 0o600)
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad synchronous", nil, []string{"migrate", "--sqlite-synchronous", "off"}, "--sqlite-synchronous"},
		{"bad synchronous from the environment", map[string]string{"STACKD_SQLITE_SYNCHRONOUS": "extra"}, []string{"migrate"}, "--sqlite-synchronous"},
		{"bad statement timeout", nil, []string{"migrate", "--pg-statement-timeout", "soon"}, "--pg-statement-timeout"},
		{"negative statement timeout", map[string]string{"STACKD_PG_STATEMENT_TIMEOUT": "-1s"}, []string{"migrate"}, "--pg-statement-timeout"},
		{"bad drain delay", nil, []string{"serve", "--addr", "127.0.0.1:0", "--cda-addr", "127.0.0.1:0", "--drain-delay", "x"}, "--drain-delay"},
		{"backup of PostgreSQL", nil, []string{"backup", "--database", "postgres://u@h/db", "--out", filepath.Join(dir, "b.tgz")}, "pg_dump"},
		{"backup without --out", nil, []string{"backup"}, "--out"},
		{"backup of nothing", nil, []string{"backup", "--data", filepath.Join(dir, "none"), "--out", filepath.Join(dir, "b.tgz")}, "no SQLite database"},
		{"restore into a folder in use", nil, []string{"restore", "--in", filepath.Join(dir, "b.tgz"), "--data", data}, "not empty"},
		{"restore of nothing", nil, []string{"restore", "--in", filepath.Join(dir, "none.tgz"), "--data", filepath.Join(dir, "new")}, "none.tgz"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"STACKD_DATA": filepath.Join(dir, "d-"+strings.ReplaceAll(c.name, " ", "-")), "STACKD_PASSWORD_COST": "low"}
			for k, v := range c.env {
				env[k] = v
			}
			code, _, stderr := run(t, env, c.args...)
			if code == 0 || !strings.Contains(stderr, c.want) {
				t.Errorf("%v = %d %q, want a refusal naming %q", c.args, code, stderr, c.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "b.tgz")); err == nil {
		t.Errorf("a refused backup wrote an archive")
	}
}
