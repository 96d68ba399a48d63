package files

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Deletions and backups. `stackd backup` runs beside the server as another
// process: it copies the files that the rows of its database snapshot
// name, so no such file may disappear until it is done. They coordinate
// through two files in the folder (their names start with '.', so no key
// can collide with them):
//
//   - .backup.lock: a backup holds an exclusive flock on it for its whole
//     run (HoldForBackup); Delete holds a shared one while it removes a
//     file. The kernel drops a lock when its process dies, so a killed
//     backup never leaves a stale lock. The file is created by the first
//     backup and never removed (removing a lock file races with its users).
//   - .deferred-deletes: keys whose Delete came while a backup ran, one a
//     line; the next Delete after the backup (or FlushDeferred, called at
//     start) removes them. Keys are random and never reused, so removing
//     one late is always safe.
const (
	lockName     = ".backup.lock"
	deferredName = ".deferred-deletes"
)

// errBackupRunning says a backup holds the lock.
var errBackupRunning = errors.New("files: a backup is running")

// lockShared takes a shared lock for a deletion. It returns a release
// function, or errBackupRunning when a backup holds the lock. With no lock
// file no backup has ever run, and nothing needs locking.
func (d *Disk) lockShared() (func(), error) {
	f, err := d.root.OpenFile(lockName, os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("files: open %s: %w", lockName, err)
	}
	if err := flock(f, false, false); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil // closing drops the lock
}

// HoldForBackup takes the exclusive lock: until release is called, Delete
// (in any process on this folder) records keys instead of removing files.
// It waits for deletions in progress to finish.
func (d *Disk) HoldForBackup(ctx context.Context) (release func() error, err error) {
	f, err := d.root.OpenFile(lockName, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("files: open %s: %w", lockName, err)
	}
	if err := flock(f, true, true); err != nil {
		f.Close()
		return nil, fmt.Errorf("files: lock %s: %w", lockName, err)
	}
	return f.Close, nil
}

// deferDelete records key for removal after the running backup.
func (d *Disk) deferDelete(key string) error {
	f, err := d.root.OpenFile(deferredName, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("files: defer delete of %s: %w", key, err)
	}
	_, err = f.WriteString(key + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("files: defer delete of %s: %w", key, err)
	}
	return nil
}

// FlushDeferred removes the files whose deletion waited for a backup, if no
// backup runs now.
func (d *Disk) FlushDeferred() error {
	unlock, err := d.lockShared()
	if errors.Is(err, errBackupRunning) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unlock()
	return d.flushLocked()
}

// flushLocked removes the deferred files; the caller holds the shared
// lock, so no backup runs and no key is being added to the list.
func (d *Disk) flushLocked() error {
	b, err := d.root.ReadFile(deferredName)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("files: read %s: %w", deferredName, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if key := strings.TrimSpace(sc.Text()); CheckKey(key) == nil {
			if err := d.remove(key); err != nil {
				return err
			}
		}
	}
	if err := d.root.Remove(deferredName); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("files: remove %s: %w", deferredName, err)
	}
	return nil
}
