package images

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// key is a well-formed cache key made from a letter.
func key(c byte) string { return strings.Repeat(string(c), 64) }

func openCache(t *testing.T, dir string, limit int64) *Cache {
	t.Helper()
	c, err := OpenCache(dir, limit)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustPut(t *testing.T, c *Cache, k string, n int) {
	t.Helper()
	if err := c.Put(k, bytes.Repeat([]byte{k[0]}, n)); err != nil {
		t.Fatal(err)
	}
}

// has reports whether the cache serves k, checking the bytes it gives.
func has(t *testing.T, c *Cache, k string) bool {
	t.Helper()
	f, ok := c.Open(k)
	if !ok {
		return false
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil || len(b) == 0 || b[0] != k[0] {
		t.Fatalf("Open(%s) read %q, %v", k[:4], b, err)
	}
	return true
}

func TestCacheHitMissAndEviction(t *testing.T) {
	dir := t.TempDir()
	c := openCache(t, dir, 100)
	if has(t, c, key('a')) {
		t.Fatal("hit in an empty cache")
	}
	mustPut(t, c, key('a'), 40)
	mustPut(t, c, key('b'), 40)
	if !has(t, c, key('a')) || !has(t, c, key('b')) {
		t.Fatal("miss after Put")
	}
	has(t, c, key('a'))         // a is now the most recently used
	mustPut(t, c, key('c'), 40) // 120 > 100: b, least recently used, goes
	if !has(t, c, key('a')) || has(t, c, key('b')) || !has(t, c, key('c')) {
		t.Error("eviction did not remove exactly the least recently used variant")
	}
	if size, n := c.Size(); size != 80 || n != 2 {
		t.Errorf("Size() = %d bytes, %d variants; want 80, 2", size, n)
	}
	if _, err := os.Stat(c.path(key('b'))); !os.IsNotExist(err) {
		t.Errorf("the evicted file is still on disk: %v", err)
	}
	mustPut(t, c, key('d'), 101) // larger than the whole bound: not kept, nothing evicted
	if has(t, c, key('d')) || !has(t, c, key('a')) || !has(t, c, key('c')) {
		t.Error("a variant over the bound was kept or evicted others")
	}
}

// TestCacheReopen: a restart finds the variants on disk, oldest written
// first out when the bound shrank, and clears stale temporary files.
func TestCacheReopen(t *testing.T) {
	dir := t.TempDir()
	c := openCache(t, dir, 1000)
	old := time.Now().Add(-time.Hour)
	for i, k := range []string{key('a'), key('b'), key('c')} {
		mustPut(t, c, k, 30)
		when := old.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(c.path(k), when, when); err != nil {
			t.Fatal(err)
		}
	}
	stale := filepath.Join(dir, "aa", ".tmp-123")
	if err := os.WriteFile(stale, []byte("partial"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	c2 := openCache(t, dir, 60)
	if has(t, c2, key('a')) || !has(t, c2, key('b')) || !has(t, c2, key('c')) {
		t.Error("reopening with a smaller bound did not evict the oldest variant")
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("a stale temporary file survived the start")
	}
}

// TestCacheFileRemovedElsewhere: a variant another instance removed is a
// miss, and stops counting.
func TestCacheFileRemovedElsewhere(t *testing.T) {
	c := openCache(t, t.TempDir(), 100)
	mustPut(t, c, key('a'), 40)
	if err := os.Remove(c.path(key('a'))); err != nil {
		t.Fatal(err)
	}
	if has(t, c, key('a')) {
		t.Fatal("hit on a removed file")
	}
	if size, n := c.Size(); size != 0 || n != 0 {
		t.Errorf("Size() = %d, %d after the file went", size, n)
	}
}

// TestCacheSharedFolder: two caches on one folder (two instances on one
// data folder) each serve what they wrote and what survives of the other's.
func TestCacheSharedFolder(t *testing.T) {
	dir := t.TempDir()
	c1, c2 := openCache(t, dir, 100), openCache(t, dir, 100)
	mustPut(t, c1, key('a'), 60)
	mustPut(t, c2, key('a'), 60) // the same variant written twice: same bytes
	mustPut(t, c2, key('b'), 60) // c2 evicts a, which c1 still lists
	if has(t, c1, key('a')) {
		t.Error("c1 served a file c2 removed")
	}
	if !has(t, c2, key('b')) {
		t.Error("c2 lost its own variant")
	}
}

func TestCacheRefusesBadKeys(t *testing.T) {
	c := openCache(t, t.TempDir(), 100)
	for _, k := range []string{"../../etc/passwd", "", strings.Repeat("A", 64), key('g')} {
		if err := c.Put(k, []byte("x")); err == nil {
			t.Errorf("Put(%q) accepted", k)
		}
	}
}
