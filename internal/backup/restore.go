package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/stackd/stackd/internal/files"
)

// ErrNotEmpty is returned by Restore when the target folder holds anything.
var ErrNotEmpty = errors.New("backup: the target folder is not empty")

// Restore unpacks the archive at in into dataDir, which must be missing or
// empty. It unpacks into a new folder beside dataDir and renames that into
// place when everything is written and synced, so dataDir never holds half
// a restore. Members other than the manifest, the database, the secret key
// and asset files with valid keys are refused.
func Restore(ctx context.Context, in, dataDir string) (Manifest, error) {
	if err := checkEmpty(dataDir); err != nil {
		return Manifest{}, err
	}
	parent := filepath.Dir(filepath.Clean(dataDir))
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return Manifest{}, fmt.Errorf("backup: create %s: %w", parent, err)
	}
	work, err := os.MkdirTemp(parent, ".stackd-restore-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: work folder: %w", err)
	}
	defer os.RemoveAll(work) // gone after the rename; cleans up after a failure
	m, err := unpack(ctx, in, work)
	if err != nil {
		return Manifest{}, err
	}
	if err := os.Rename(work, dataDir); err != nil {
		return Manifest{}, fmt.Errorf("backup: move the restored data to %s: %w", dataDir, err)
	}
	return m, syncDir(parent)
}

// checkEmpty accepts a missing folder or an empty one.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup: read %s: %w", dir, err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("%w: %s", ErrNotEmpty, dir)
	}
	return nil
}

// unpack reads the archive into dir and checks it against its manifest.
func unpack(ctx context.Context, in, dir string) (Manifest, error) {
	f, err := os.Open(in)
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: open %s: %w", in, err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: %s is not a stackd backup: %w", in, err)
	}
	disk, err := files.NewDisk(filepath.Join(dir, "assets"))
	if err != nil {
		return Manifest{}, err
	}
	defer disk.Close()
	var m Manifest
	seen := map[string]int{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, fmt.Errorf("backup: read %s: %w", in, err)
		}
		if err := unpackMember(ctx, tr, h, dir, disk, &m, seen); err != nil {
			return Manifest{}, err
		}
	}
	return m, checkComplete(m, seen)
}

func unpackMember(ctx context.Context, tr *tar.Reader, h *tar.Header, dir string, disk *files.Disk, m *Manifest, seen map[string]int) error {
	if h.Typeflag != tar.TypeReg {
		return fmt.Errorf("backup: unexpected member %q (not a regular file)", h.Name)
	}
	switch {
	case h.Name == manifestName:
		seen[manifestName]++
		if err := json.NewDecoder(io.LimitReader(tr, 1<<20)).Decode(m); err != nil || m.Format != 1 {
			return fmt.Errorf("backup: unreadable or unknown manifest (format %d): %v", m.Format, err)
		}
		return nil
	case h.Name == dbName, h.Name == keyName:
		seen[h.Name]++
		return writeFile(filepath.Join(dir, h.Name), tr)
	case strings.HasPrefix(h.Name, assetsDir):
		key := strings.TrimPrefix(h.Name, assetsDir)
		if err := files.CheckKey(key); err != nil {
			return fmt.Errorf("backup: unexpected member %q: %w", h.Name, err)
		}
		seen[assetsDir]++
		if _, err := disk.Put(ctx, key, tr); err != nil {
			return fmt.Errorf("backup: restore asset file %s: %w", key, err)
		}
		return nil
	}
	return fmt.Errorf("backup: unexpected member %q", h.Name)
}

// writeFile writes r to a new file at path (mode 0600) and syncs it.
func writeFile(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: create %s: %w", path, err)
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: write %s: %w", path, err)
	}
	return nil
}

// checkComplete compares what was unpacked with the manifest.
func checkComplete(m Manifest, seen map[string]int) error {
	switch {
	case seen[manifestName] != 1:
		return errors.New("backup: the archive has no manifest (backup.json)")
	case seen[dbName] != 1:
		return errors.New("backup: the archive has no database (stackd.db)")
	case m.SecretKey && seen[keyName] != 1:
		return errors.New("backup: the archive lacks the secret key its manifest names")
	case seen[assetsDir] != m.Files:
		return fmt.Errorf("backup: the archive holds %d asset files, its manifest says %d", seen[assetsDir], m.Files)
	}
	return nil
}
