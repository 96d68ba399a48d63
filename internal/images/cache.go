package images

import (
	"container/list"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Cache keeps transformed variants on disk under one folder, at most
// Limit bytes of them: adding one past the limit removes the least
// recently used first. Keys are the hex SHA-256 of a Variant (which names
// the stack, branch, asset, file and parameters), files are
// <dir>/<key[:2]>/<key>.
//
// A file is written to a temporary name, synced and renamed into place, so
// no reader sees part of one, and a variant's bytes depend only on its key:
// concurrent requests, and instances sharing the folder, may write the same
// key and still agree. Each process keeps its own index and bound; files
// another process wrote are counted after the next start.
type Cache struct {
	dir   string
	limit int64

	mu    sync.Mutex
	size  int64
	lru   *list.List // of *cacheEntry, most recently used at the front
	items map[string]*list.Element
}

type cacheEntry struct {
	key  string
	size int64
}

var cacheKey = regexp.MustCompile(`^[0-9a-f]{64}$`)

// staleTemp is the age after which a temporary file left in the folder is
// taken for the remains of a crash and removed at start.
const staleTemp = 10 * time.Minute

// OpenCache opens (creating) the cache folder dir with a bound of limit
// bytes, indexing the variants already there, oldest written first out.
func OpenCache(dir string, limit int64) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("images: create cache folder: %w", err)
	}
	c := &Cache{dir: dir, limit: limit, lru: list.New(), items: map[string]*list.Element{}}
	found, err := c.scan()
	if err != nil {
		return nil, err
	}
	sort.Slice(found, func(i, j int) bool { return found[i].mod.Before(found[j].mod) })
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range found {
		c.items[f.key] = c.lru.PushFront(&cacheEntry{key: f.key, size: f.size})
		c.size += f.size
	}
	c.evictLocked()
	return c, nil
}

type foundFile struct {
	key  string
	size int64
	mod  time.Time
}

// scan lists the variants in the folder and removes stale temporary files.
func (c *Cache) scan() ([]foundFile, error) {
	var found []foundFile
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		switch name := d.Name(); {
		case cacheKey.MatchString(name):
			found = append(found, foundFile{key: name, size: info.Size(), mod: info.ModTime()})
		case strings.HasPrefix(name, ".tmp-") && time.Since(info.ModTime()) > staleTemp:
			_ = os.Remove(p) // best effort: it is only disk space
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("images: scan cache folder: %w", err)
	}
	return found, nil
}

func (c *Cache) path(key string) string { return filepath.Join(c.dir, key[:2], key) }

// Open returns the cached variant under key, marking it used, or false. A
// file that went missing (another instance evicted it) is dropped from the
// index and reported as a miss.
func (c *Cache) Open(key string) (*os.File, bool) {
	c.mu.Lock()
	el, ok := c.items[key]
	if ok {
		c.lru.MoveToFront(el)
	}
	c.mu.Unlock()
	if !ok {
		return nil, false
	}
	f, err := os.Open(c.path(key))
	if err != nil {
		c.drop(key)
		return nil, false
	}
	return f, true
}

// Put stores data under key, then removes least recently used variants
// until the cache is within its bound. A variant larger than the whole
// bound is not stored.
func (c *Cache) Put(key string, data []byte) error {
	if !cacheKey.MatchString(key) {
		return fmt.Errorf("images: bad cache key %q", key)
	}
	if int64(len(data)) > c.limit {
		return nil
	}
	if err := c.write(key, data); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		e := el.Value.(*cacheEntry)
		c.size += int64(len(data)) - e.size
		e.size = int64(len(data))
		c.lru.MoveToFront(el)
	} else {
		c.items[key] = c.lru.PushFront(&cacheEntry{key: key, size: int64(len(data))})
		c.size += int64(len(data))
	}
	c.evictLocked()
	return nil
}

// write puts data at key's path through a synced temporary file.
func (c *Cache) write(key string, data []byte) error {
	sub := filepath.Dir(c.path(key))
	if err := os.MkdirAll(sub, 0o700); err != nil {
		return fmt.Errorf("images: cache folder: %w", err)
	}
	tmp, err := os.CreateTemp(sub, ".tmp-*")
	if err != nil {
		return fmt.Errorf("images: cache write: %w", err)
	}
	_, err = tmp.Write(data)
	err = errors.Join(err, tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), c.path(key))
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("images: cache write: %w", err)
	}
	return nil
}

// evictLocked removes least recently used variants until the cache is
// within its bound. An open file stays readable after its removal, so a
// request serving it is not cut short.
func (c *Cache) evictLocked() {
	for c.size > c.limit && c.lru.Len() > 0 {
		e := c.lru.Remove(c.lru.Back()).(*cacheEntry)
		delete(c.items, e.key)
		c.size -= e.size
		_ = os.Remove(c.path(e.key)) // already gone when another instance removed it
	}
}

func (c *Cache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.size -= el.Value.(*cacheEntry).size
		c.lru.Remove(el)
		delete(c.items, key)
	}
}

// Size is the number of bytes of variants the cache holds, and Len how
// many there are.
func (c *Cache) Size() (bytes int64, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size, c.lru.Len()
}
