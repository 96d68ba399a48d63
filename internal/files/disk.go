package files

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
)

// Disk is a Store in a local folder. Every operation goes through an
// os.Root, so besides CheckKey the kernel-level lookup also refuses names
// (or symbolic links) that would lead outside the folder.
//
// Put writes to a temporary file named ".tmp-…" beside the target, syncs
// it, renames it over the target and syncs the folder: a crash leaves
// either the old file or the new one, never a partial one. A crash in the
// middle of a Put can leave a ".tmp-…" file; such files are never read and
// may be removed while stackd is stopped.
type Disk struct {
	root *os.Root
}

var _ Store = (*Disk)(nil)

// NewDisk opens (creating it if needed) the folder dir as a Store.
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("files: create %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("files: open %s: %w", dir, err)
	}
	return &Disk{root: root}, nil
}

// Close releases the folder.
func (d *Disk) Close() error { return d.root.Close() }

// Put implements Store.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if err := CheckKey(key); err != nil {
		return 0, err
	}
	dir := path.Dir(key)
	tmp := path.Join(dir, ".tmp-"+randomHex())
	f, err := d.createTemp(dir, tmp)
	if err != nil {
		return 0, fmt.Errorf("files: put %s: %w", key, err)
	}
	n, err := writeSync(ctx, f, r)
	if err == nil {
		err = d.root.Rename(tmp, key)
	}
	if err != nil {
		_ = d.root.Remove(tmp)
		return 0, fmt.Errorf("files: put %s: %w", key, err)
	}
	if err := d.syncDir(dir); err != nil {
		_ = d.root.Remove(key)
		return 0, fmt.Errorf("files: put %s: sync folder: %w", key, err)
	}
	return n, nil
}

// createTemp creates the folder dir and the new file tmp in it. A Delete
// may remove the folder between the two steps when it empties it, so a
// vanished folder is created again (a few times at most).
func (d *Disk) createTemp(dir, tmp string) (*os.File, error) {
	var err error
	for range 3 {
		if err = d.root.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		var f *os.File
		f, err = d.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrNotExist) {
			return f, err
		}
	}
	return nil, err
}

// writeSync copies r into f, syncs it to disk and closes it.
func writeSync(ctx context.Context, f *os.File, r io.Reader) (int64, error) {
	n, err := io.Copy(f, ctxReader{ctx: ctx, r: r})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// syncDir makes a rename in dir durable.
func (d *Disk) syncDir(dir string) error {
	f, err := d.root.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Open implements Store. The returned file is an *os.File, so callers may
// seek in it (range requests).
func (d *Disk) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	f, err := d.root.Open(key)
	if err != nil {
		return nil, fmt.Errorf("files: open %s: %w", key, err)
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("files: open %s: %w", key, err)
	}
	return f, nil
}

// Delete implements Store. The file's folder is removed too when that
// leaves it empty (Remove refuses folders that still hold files). While a
// backup runs (HoldForBackup, in any process) the key is recorded instead,
// and the file is removed by the first Delete after the backup.
func (d *Disk) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	unlock, err := d.lockShared()
	if errors.Is(err, errBackupRunning) {
		return d.deferDelete(key)
	}
	if err != nil {
		return fmt.Errorf("files: delete %s: %w", key, err)
	}
	defer unlock()
	if err := d.flushLocked(); err != nil {
		return err
	}
	return d.remove(key)
}

// remove deletes key's file and its folder when that leaves it empty.
func (d *Disk) remove(key string) error {
	if err := d.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("files: delete %s: %w", key, err)
	}
	if dir := path.Dir(key); dir != "." {
		_ = d.root.Remove(dir)
	}
	return nil
}

func randomHex() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}
