// Package backup writes and restores the archive of a SQLite stackd: the
// database as one consistent snapshot, the asset files its rows name and
// the secret key that opens its sealed secrets, in one tar.gz file.
//
// Create runs beside a server that goes on writing: the snapshot is taken
// with VACUUM INTO (one read transaction), and asset file deletions wait
// (files.Disk.HoldForBackup) until every file the snapshot names is in
// the archive. On PostgreSQL there is no such archive: see
// docs/operations.md (pg_dump, plus the asset folder and the secret key).
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
	"time"

	"github.com/stackd/stackd/internal/files"
	"github.com/stackd/stackd/internal/store"
)

// Names inside the archive.
const (
	manifestName = "backup.json"
	dbName       = "stackd.db"
	keyName      = "secret.key"
	assetsDir    = "assets/"
)

// Manifest is backup.json, the archive's first member.
type Manifest struct {
	Format    int       `json:"format"` // 1
	CreatedAt time.Time `json:"created_at"`
	Files     int       `json:"asset_files"`    // asset files in the archive
	Missing   []string  `json:"missing_files"`  // keys the snapshot names whose file was not found
	SecretKey bool      `json:"secret_key"`     // secret.key is in the archive
	Version   string    `json:"stackd_version"` // the stackd that wrote it
}

// Create writes the archive of the SQLite stackd in dataDir to out (mode
// 0600; out must not exist), while a server may run and write there. The
// archive appears at out only when complete.
func Create(ctx context.Context, dataDir, out, version string) (Manifest, error) {
	ctx = store.Background(ctx)
	if _, err := os.Stat(filepath.Join(dataDir, dbName)); err != nil {
		return Manifest{}, fmt.Errorf("backup: no SQLite database in %s: %w", dataDir, err)
	}
	disk, err := files.NewDisk(filepath.Join(dataDir, "assets"))
	if err != nil {
		return Manifest{}, err
	}
	defer disk.Close()
	release, err := disk.HoldForBackup(ctx)
	if err != nil {
		return Manifest{}, err
	}
	defer release()
	work, err := os.MkdirTemp(filepath.Dir(out), ".stackd-backup-")
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: work folder: %w", err)
	}
	defer os.RemoveAll(work)
	snap := filepath.Join(work, dbName)
	if err := store.SnapshotSQLite(ctx, dataDir, snap); err != nil {
		return Manifest{}, err
	}
	keys, err := store.SnapshotFileKeys(ctx, snap)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Format: 1, CreatedAt: time.Now().UTC(), Version: version, Missing: []string{}}
	tmp := filepath.Join(work, "archive.tar.gz")
	if err := writeArchive(ctx, tmp, dataDir, snap, disk, keys, &m); err != nil {
		return Manifest{}, err
	}
	return m, publish(tmp, out)
}

// writeArchive writes the manifest, the snapshot, the secret key and the
// asset files to path (mode 0600). The manifest goes first, so the asset
// files are looked up before anything is written: none can vanish
// meanwhile, since deletions wait for the backup.
func writeArchive(ctx context.Context, path, dataDir, snap string, disk *files.Disk, keys []string, m *Manifest) error {
	present := make([]string, 0, len(keys))
	for _, k := range keys {
		f, err := disk.Open(ctx, k)
		if err != nil {
			m.Missing = append(m.Missing, k)
			continue
		}
		f.Close()
		present = append(present, k)
	}
	m.Files = len(present)
	keyPath := filepath.Join(dataDir, keyName)
	if _, err := os.Stat(keyPath); err == nil {
		m.SecretKey = true
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: create archive: %w", err)
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	if err := writeMembers(ctx, tw, snap, keyPath, disk, present, m); err != nil {
		return err
	}
	if err := errors.Join(tw.Close(), gz.Close()); err != nil {
		return fmt.Errorf("backup: finish archive: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: sync archive: %w", err)
	}
	return f.Close()
}

func writeMembers(ctx context.Context, tw *tar.Writer, snap, keyPath string, disk *files.Disk, keys []string, m *Manifest) error {
	manifest, _ := json.MarshalIndent(m, "", "  ")
	if err := addBytes(tw, manifestName, manifest, m.CreatedAt); err != nil {
		return err
	}
	if err := addFile(tw, dbName, snap); err != nil {
		return err
	}
	if m.SecretKey {
		if err := addFile(tw, keyName, keyPath); err != nil {
			return err
		}
	}
	for _, k := range keys {
		if err := addAsset(ctx, tw, disk, k); err != nil {
			return err
		}
	}
	return nil
}

func addBytes(tw *tar.Writer, name string, b []byte, mod time.Time) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: mod, Typeflag: tar.TypeReg}); err != nil {
		return fmt.Errorf("backup: write %s: %w", name, err)
	}
	if _, err := tw.Write(b); err != nil {
		return fmt.Errorf("backup: write %s: %w", name, err)
	}
	return nil
}

// addFile adds the regular file at path as name.
func addFile(tw *tar.Writer, name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", name, err)
	}
	defer f.Close()
	return addReader(tw, name, f)
}

func addAsset(ctx context.Context, tw *tar.Writer, disk *files.Disk, key string) error {
	rc, err := disk.Open(ctx, key)
	if err != nil {
		return fmt.Errorf("backup: asset file %s: %w", key, err)
	}
	defer rc.Close()
	f, ok := rc.(*os.File)
	if !ok {
		return fmt.Errorf("backup: asset file %s is not a local file", key)
	}
	return addReader(tw, assetsDir+key, f)
}

// addReader adds the open file f as name with its size and time.
func addReader(tw *tar.Writer, name string, f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: stat %s: %w", name, err)
	}
	h := &tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("backup: write %s: %w", name, err)
	}
	if _, err := io.CopyN(tw, f, st.Size()); err != nil {
		return fmt.Errorf("backup: copy %s: %w", name, err)
	}
	return nil
}

// publish moves the finished archive to out, refusing to replace a file,
// and makes the new name durable.
func publish(tmp, out string) error {
	if err := os.Link(tmp, out); err != nil {
		return fmt.Errorf("backup: write %s: %w", out, err)
	}
	return syncDir(filepath.Dir(out))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("backup: sync %s: %w", dir, err)
	}
	return nil
}
