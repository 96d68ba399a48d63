package files_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/files"
)

// TestHoldForBackup: while a backup holds the folder, deletions (through
// another Disk on the same folder, as the server beside `stackd backup`)
// leave the files in place; after the release the next deletion, or
// FlushDeferred, removes them.
func TestHoldForBackup(t *testing.T) {
	ctx := context.Background()
	server, dir := newDisk(t)
	backup, err := files.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer backup.Close()
	for _, k := range []string{"s/a/1", "s/b/2", "s/c/3"} {
		if _, err := server.Put(ctx, k, bytes.NewReader([]byte(k))); err != nil {
			t.Fatal(err)
		}
	}
	release, err := backup.HoldForBackup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"s/a/1", "s/b/2"} {
		if err := server.Delete(ctx, k); err != nil {
			t.Fatalf("delete %s during a backup: %v", k, err)
		}
	}
	if err := server.FlushDeferred(); err != nil {
		t.Fatal(err)
	}
	want := []string{".backup.lock", ".deferred-deletes", "s/a/1", "s/b/2", "s/c/3"}
	if diff := cmp.Diff(want, listFiles(t, dir)); diff != "" {
		t.Fatalf("files during the backup (-want +got):\n%s", diff)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if err := server.Delete(ctx, "s/c/3"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{".backup.lock"}, listFiles(t, dir)); diff != "" {
		t.Fatalf("files after the backup (-want +got):\n%s", diff)
	}

	// A deletion deferred by a second backup waits for FlushDeferred (as at start).
	if _, err := server.Put(ctx, "s/d/4", bytes.NewReader([]byte("4"))); err != nil {
		t.Fatal(err)
	}
	release, err = backup.HoldForBackup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_ = server.Delete(ctx, "s/d/4")
	release()
	if err := server.FlushDeferred(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{".backup.lock"}, listFiles(t, dir)); diff != "" {
		t.Fatalf("files after FlushDeferred (-want +got):\n%s", diff)
	}
}
