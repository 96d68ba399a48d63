// Package files keeps the bytes of uploaded assets. Handlers see only the
// Store interface, so the local disk store used now can be joined by an
// S3-compatible one without touching them.
package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Store keeps files by key. Keys are chosen by stackd, never by clients
// (see CheckKey); a store rejects any other key with ErrBadKey.
type Store interface {
	// Put stores the bytes of r under key, replacing any file there, and
	// returns how many bytes it stored. Readers never see a partial file:
	// when Put fails (r failed, ctx ended, the disk is full) nothing is
	// stored under key and no temporary file is left behind.
	Put(ctx context.Context, key string, r io.Reader) (size int64, err error)
	// Open returns the file stored under key. A missing file is an error
	// wrapping fs.ErrNotExist.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Delete removes the file stored under key. Deleting a missing file is
	// not an error.
	Delete(ctx context.Context, key string) error
}

// ErrBadKey is returned for a key CheckKey refuses.
var ErrBadKey = errors.New("files: invalid key")

const (
	maxKeyLen      = 512
	maxKeySegments = 16
)

var keySegment = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$`)

// CheckKey accepts keys a store can use as a relative path on any system:
// 1 to 16 segments separated by '/', each of letters, digits, '_', '-' and
// '.', not starting with '.'. That rules out "..", absolute paths,
// backslashes, NUL bytes and the names stores use for temporary files.
func CheckKey(key string) error {
	if key == "" || len(key) > maxKeyLen {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	segs := strings.Split(key, "/")
	if len(segs) > maxKeySegments {
		return fmt.Errorf("%w: %q", ErrBadKey, key)
	}
	for _, s := range segs {
		if !keySegment.MatchString(s) {
			return fmt.Errorf("%w: %q", ErrBadKey, key)
		}
	}
	return nil
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
