package opstest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/store"
)

// TestBackupUnderLoad takes `stackd backup` of a running SQLite stackd
// while clients create and update entries and upload, replace and delete
// assets, restores it into a new folder with `stackd restore`, starts
// stackd there and finds every write acknowledged before the backup
// began, every asset file the restored rows name, and a working delivery
// token.
func TestBackupUnderLoad(t *testing.T) {
	needOps(t)
	dir := t.TempDir()
	data, archive, restored := filepath.Join(dir, "data"), filepath.Join(dir, "backup.tar.gz"), filepath.Join(dir, "restored")
	srv := startServer(t, data, "")
	c := setupStack(t, srv.cma, srv.cda)
	published := str(c.must("POST", "/v3/content_types/note/entries", map[string]any{"entry": map[string]any{"title": "published"}}, 201)["entry"].(map[string]any)["uid"])
	token := c.deliveryToken(published)
	l := newLedger()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	wg := (&load{c: c, l: l, deletes: true}).run(ctx, 4)
	waitAcked(t, l, 200, 30*time.Second)

	began := time.Now()
	stackd(t, "backup", "--data", data, "--out", archive)
	ended := time.Now()
	t.Logf("backup took %s under load", ended.Sub(began).Round(time.Millisecond))
	waitAcked(t, l, l.acked()+50, 30*time.Second)
	cancel()
	wg.Wait()
	srv.stop()
	t.Logf("load: %s", l)
	if st, err := os.Stat(archive); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("archive: %v %v, want mode 0600", st, err)
	}
	if out, err := stackdErr("restore", "--in", archive, "--data", data); err == nil || !strings.Contains(out, "not empty") {
		t.Errorf("restore into the live data folder: %v %s", err, out)
	}

	stackd(t, "restore", "--in", archive, "--data", restored)
	checkFilesNamed(t, restored)
	srv = startServer(t, restored, "")
	c.reattach(srv)
	entries, assets := l.verify(t, c, began, ended)
	t.Logf("restored: %d entries and %d assets acknowledged before the backup began all found", entries, assets)
	if r := c.cdaEntries(token); r.err != nil || r.status != 200 || !strings.Contains(string(r.raw), published) {
		t.Errorf("the delivery token on the restored stackd: %d %s %v", r.status, r.raw, r.err)
	}
	srv.stop()
}

// stackd runs an admin subcommand of the built binary, which must succeed.
func stackd(t *testing.T, args ...string) {
	t.Helper()
	if out, err := stackdErr(args...); err != nil {
		t.Fatalf("stackd %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func stackdErr(args ...string) (string, error) {
	out, err := exec.Command(binPath, args...).CombinedOutput()
	return string(out), err
}

// checkFilesNamed checks that every asset file the restored database
// names is in the restored asset folder.
func checkFilesNamed(t *testing.T, data string) {
	t.Helper()
	keys, err := store.SnapshotFileKeys(t.Context(), filepath.Join(data, "stackd.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, err := os.Stat(filepath.Join(data, "assets", k)); err != nil {
			t.Errorf("the restored database names asset file %s: %v", k, err)
		}
	}
	if len(keys) < 10 {
		t.Errorf("only %d asset files in the restored database", len(keys))
	}
	t.Logf("restored: all %d asset files the database names are there", len(keys))
}
