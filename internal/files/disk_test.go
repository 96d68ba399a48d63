package files_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/files"
)

func newDisk(t *testing.T) (*files.Disk, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "assets")
	d, err := files.NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, dir
}

// listFiles returns every file (not folder) under dir, relative to it.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readAll(t *testing.T, d *files.Disk, key string) string {
	t.Helper()
	rc, err := d.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDiskRoundTrip(t *testing.T) {
	d, dir := newDisk(t)
	ctx := t.Context()
	n, err := d.Put(ctx, "stack/asset/v1", strings.NewReader("hello"))
	if err != nil || n != 5 {
		t.Fatalf("Put = %d, %v; want 5, nil", n, err)
	}
	if got := readAll(t, d, "stack/asset/v1"); got != "hello" {
		t.Errorf("read %q, want hello", got)
	}
	if _, err := d.Put(ctx, "stack/asset/v1", strings.NewReader("replaced")); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, d, "stack/asset/v1"); got != "replaced" {
		t.Errorf("read %q after replace, want replaced", got)
	}
	if got := listFiles(t, dir); len(got) != 1 || got[0] != "stack/asset/v1" {
		t.Errorf("files on disk = %v, want only stack/asset/v1", got)
	}
	if err := d.Delete(ctx, "stack/asset/v1"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(ctx, "stack/asset/v1"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open after Delete: %v, want fs.ErrNotExist", err)
	}
	if err := d.Delete(ctx, "stack/asset/v1"); err != nil {
		t.Errorf("second Delete: %v, want nil", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stack", "asset")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("emptied folder still there: %v", err)
	}
}

func TestDiskRejectsEscapingKeys(t *testing.T) {
	d, dir := newDisk(t)
	outside := filepath.Dir(dir)
	for _, key := range []string{
		"", "..", "../x", "a/../../x", "a/../b", "/etc/passwd", "a//b", "a/", "./a", ".hidden", "a/.tmp-1",
		`a\..\x`, "a\x00b", "a b", "ü", strings.Repeat("a/", 20) + "a", strings.Repeat("x", 200),
	} {
		if _, err := d.Put(t.Context(), key, strings.NewReader("x")); !errors.Is(err, files.ErrBadKey) {
			t.Errorf("Put(%q) = %v, want ErrBadKey", key, err)
		}
		if _, err := d.Open(t.Context(), key); !errors.Is(err, files.ErrBadKey) {
			t.Errorf("Open(%q) = %v, want ErrBadKey", key, err)
		}
		if err := d.Delete(t.Context(), key); !errors.Is(err, files.ErrBadKey) {
			t.Errorf("Delete(%q) = %v, want ErrBadKey", key, err)
		}
	}
	if got := listFiles(t, dir); len(got) != 0 {
		t.Errorf("files written: %v", got)
	}
	entries, _ := os.ReadDir(outside)
	for _, e := range entries {
		if e.Name() != "assets" {
			t.Errorf("something was written beside the store: %s", e.Name())
		}
	}
}

func TestDiskRefusesSymlinkOutside(t *testing.T) {
	d, dir := newDisk(t)
	target := t.TempDir()
	if err := os.Symlink(target, filepath.Join(dir, "link")); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	if _, err := d.Put(t.Context(), "link/x", strings.NewReader("escaped")); err == nil {
		t.Error("Put through a symlink leading outside the folder succeeded")
	}
	if entries, _ := os.ReadDir(target); len(entries) != 0 {
		t.Errorf("file written outside the store: %v", entries)
	}
	if err := os.WriteFile(filepath.Join(target, "secret"), []byte("s"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(t.Context(), "link/secret"); err == nil {
		t.Error("Open through a symlink leading outside the folder succeeded")
	}
}

// failingReader yields some bytes, then fails.
type failingReader struct{ sent bool }

func (f *failingReader) Read(p []byte) (int, error) {
	if !f.sent {
		f.sent = true
		return copy(p, bytes.Repeat([]byte("z"), 1000)), nil
	}
	return 0, errors.New("connection dropped")
}

func TestDiskFailedPutLeavesNothing(t *testing.T) {
	d, dir := newDisk(t)
	ctx := t.Context()
	if _, err := d.Put(ctx, "s/a/new", &failingReader{}); err == nil || !strings.Contains(err.Error(), "connection dropped") {
		t.Fatalf("Put with failing reader = %v, want the reader's error", err)
	}
	if got := listFiles(t, dir); len(got) != 0 {
		t.Errorf("failed Put left files: %v", got)
	}
	// A failed replacement keeps the old file whole.
	if _, err := d.Put(ctx, "s/a/old", strings.NewReader("original")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Put(ctx, "s/a/old", &failingReader{}); err == nil {
		t.Fatal("Put with failing reader succeeded")
	}
	if got := readAll(t, d, "s/a/old"); got != "original" {
		t.Errorf("old file now %q, want original", got)
	}
	if got := listFiles(t, dir); len(got) != 1 {
		t.Errorf("files after failed replace = %v, want only s/a/old", got)
	}
}

func TestDiskPutStopsWithContext(t *testing.T) {
	d, dir := newDisk(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := d.Put(ctx, "s/a/x", strings.NewReader("data")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with ended context = %v, want context.Canceled", err)
	}
	if got := listFiles(t, dir); len(got) != 0 {
		t.Errorf("files left: %v", got)
	}
}

func TestDiskOpenFolderIsNotAFile(t *testing.T) {
	d, _ := newDisk(t)
	if _, err := d.Put(t.Context(), "s/a/x", strings.NewReader("data")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Open(t.Context(), "s/a"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(folder) = %v, want fs.ErrNotExist", err)
	}
}
