package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
)

// SnapshotSQLite writes a consistent copy of the SQLite database in dataDir
// to dest with VACUUM INTO, while servers go on writing to it: the copy is
// the database as of one read transaction, so it holds every commit made
// before the call began. dest must not exist. The database is not
// migrated or changed. The snapshot runs without any statement timeout.
func SnapshotSQLite(ctx context.Context, dataDir, dest string) error {
	src := filepath.Join(dataDir, "stackd.db")
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("store: snapshot: no SQLite database in %s: %w", dataDir, err)
	}
	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("store: snapshot: open %s: %w", src, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("store: snapshot into %s: %w", dest, err)
	}
	return nil
}

// SnapshotFileKeys lists the asset file keys the rows of the SQLite
// database file at path name: the file of every version of every asset.
func SnapshotFileKeys(ctx context.Context, path string) ([]string, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("store: snapshot file keys: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return nil, fmt.Errorf("store: open snapshot %s: %w", path, err)
	}
	defer db.Close()
	keys, err := queryList(ctx, conn{q: db, d: &dialect{name: "sqlite"}}, "asset file keys", func(sc scanner) (string, error) {
		var k string
		return k, sc.Scan(&k)
	}, `SELECT file_key FROM asset_versions UNION SELECT file_key FROM assets WHERE file_key <> '' ORDER BY 1`)
	return keys, err
}
