package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/stackd/stackd/internal/domain"
)

// UpdateAsset reads a file asset, lets fn change it and writes it back as
// a new version, in one transaction. fn may change the metadata, the
// folder (which must then be a folder of the stack) and the file (whose
// bytes must already be in the file store under the new FileKey).
func (s *Store) UpdateAsset(ctx context.Context, apiKey, uid string, fn func(a *domain.Asset) error, audit *domain.AuditEntry) (domain.Asset, error) {
	var out domain.Asset
	err := s.txAudit(ctx, audit, func(c conn) error {
		a, err := assetByUID(ctx, c, apiKey, uid, false)
		if err != nil {
			return err
		}
		parent := a.ParentUID
		if err := fn(&a); err != nil {
			return err
		}
		if a.ParentUID != parent {
			if _, err := parentChain(ctx, c, apiKey, a.ParentUID); err != nil {
				return err
			}
		}
		a.Version++
		_, err = c.exec(ctx, `UPDATE assets SET parent_uid = ?, title = ?, description = ?, tags = ?, filename = ?, content_type = ?,
			file_size = ?, file_key = ?, url_secret = ?, version = ?, updated_by = ?, updated_at = ?, width = ?, height = ? WHERE uid = ?`,
			a.ParentUID, a.Title, a.Description, encodeTags(a.Tags), a.Filename, a.ContentType, a.FileSize, a.FileKey,
			a.URLSecret, a.Version, a.UpdatedBy, ms(a.UpdatedAt), a.Width, a.Height, a.UID)
		if err != nil {
			return fmt.Errorf("store: update asset: %w", err)
		}
		if err := insertVersion(ctx, c, a); err != nil {
			return err
		}
		out = a
		return setTags(ctx, c, a)
	})
	return out, err
}

// UpdateFolder reads a folder, lets fn rename or move it and writes it
// back, in one transaction. A move must not put the folder inside itself
// or one of its subfolders, nor MaxFolderDepth deep or deeper (422; the
// depth of the folders it holds is not checked).
func (s *Store) UpdateFolder(ctx context.Context, apiKey, uid string, fn func(f *domain.Asset) error, audit *domain.AuditEntry) (domain.Asset, error) {
	var out domain.Asset
	err := s.txAudit(ctx, audit, func(c conn) error {
		f, err := assetByUID(ctx, c, apiKey, uid, true)
		if err != nil {
			return err
		}
		parent := f.ParentUID
		if err := fn(&f); err != nil {
			return err
		}
		if f.ParentUID != parent {
			chain, err := folderParent(ctx, c, apiKey, f.ParentUID)
			if err != nil {
				return err
			}
			if slices.Contains(chain, f.UID) {
				return domain.ErrInvalid("parent_uid", "would put the folder inside itself.")
			}
		}
		f.Version++
		_, err = c.exec(ctx, `UPDATE assets SET name = ?, parent_uid = ?, version = ?, updated_by = ?, updated_at = ? WHERE uid = ?`,
			f.Name, f.ParentUID, f.Version, f.UpdatedBy, ms(f.UpdatedAt), f.UID)
		if err != nil {
			return fmt.Errorf("store: update folder: %w", err)
		}
		out = f
		return nil
	})
	return out, err
}

// DeleteAsset removes a file asset with all its versions and returns the
// distinct file keys of those versions, for the caller to remove from the
// file store once the rows are gone.
func (s *Store) DeleteAsset(ctx context.Context, apiKey, uid string, im domain.IfMatch, audit *domain.AuditEntry) ([]string, error) {
	var keys []string
	err := s.txAudit(ctx, audit, func(c conn) error {
		a, err := assetByUID(ctx, c, apiKey, uid, false)
		if err != nil {
			return err
		}
		if err := im.Check("asset", a.Version); err != nil {
			return err
		}
		keys, err = deleteAssetRows(ctx, c, apiKey, uid)
		return err
	})
	return keys, err
}

// deleteAssetRows is DeleteAsset inside the caller's transaction (bulk
// deletes run it in their job's); the asset's publications go too.
func deleteAssetRows(ctx context.Context, c conn, apiKey, uid string) ([]string, error) {
	if _, err := assetByUID(ctx, c, apiKey, uid, false); err != nil {
		return nil, err
	}
	keys, err := versionKeys(ctx, c, uid)
	if err != nil {
		return nil, err
	}
	if err := logAssetRows(ctx, c, apiKey, SyncDeleted, ` AND p.asset_uid = ?`, uid); err != nil {
		return nil, err
	}
	for _, q := range []string{`DELETE FROM asset_tags WHERE asset_uid = ?`, `DELETE FROM asset_versions WHERE asset_uid = ?`,
		`DELETE FROM assets WHERE uid = ?`, `DELETE FROM published_assets WHERE asset_uid = ?`} {
		if _, err := c.exec(ctx, q, uid); err != nil {
			return nil, fmt.Errorf("store: delete asset: %w", err)
		}
	}
	return keys, nil
}

func versionKeys(ctx context.Context, c conn, uid string) ([]string, error) {
	rows, err := c.query(ctx, `SELECT DISTINCT file_key FROM asset_versions WHERE asset_uid = ? ORDER BY file_key`, uid)
	if err != nil {
		return nil, fmt.Errorf("store: asset file keys: %w", err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: scan asset file key: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// DeleteFolder removes an empty folder; a folder that still holds assets
// or folders is refused (422).
func (s *Store) DeleteFolder(ctx context.Context, apiKey, uid string, audit *domain.AuditEntry) error {
	return s.txAudit(ctx, audit, func(c conn) error {
		if _, err := assetByUID(ctx, c, apiKey, uid, true); err != nil {
			return err
		}
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM assets WHERE api_key = ? AND parent_uid = ?`, apiKey, uid).Scan(&n); err != nil {
			return fmt.Errorf("store: count folder items: %w", err)
		}
		if n > 0 {
			return domain.Errorf(domain.KindInvalid, domain.CodeValidation,
				"The folder is not empty: it holds %d item(s). Delete or move them first.", n).WithField("uid", "is not an empty folder.")
		}
		if _, err := c.exec(ctx, `DELETE FROM assets WHERE uid = ?`, uid); err != nil {
			return fmt.Errorf("store: delete folder: %w", err)
		}
		return nil
	})
}

// StackAssetFileKeys returns the file key of every version of every asset
// of a stack. DeleteStack removes the rows but cannot reach the file
// store: whoever deletes a stack reads these keys first and removes the
// files once the stack is gone.
func (s *Store) StackAssetFileKeys(ctx context.Context, apiKey string) ([]string, error) {
	rows, err := s.read().query(ctx, `SELECT DISTINCT file_key FROM asset_versions WHERE api_key = ? ORDER BY file_key`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: stack asset file keys: %w", err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: scan asset file key: %w", err)
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}
