package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stackd/stackd/internal/domain"
)

func init() { registerStackTables("assets", "asset_versions", "asset_tags") }

const assetCols = `uid, api_key, is_dir, parent_uid, name, title, description, tags, filename, content_type, file_size,
	file_key, url_secret, version, created_by, updated_by, created_at, updated_at`

// dimCols are an image's pixel size (migration 0035), read and written
// after assetCols by the queries of this file and asset_list.go (scanAsset
// reads them). Delivery reads list their own columns and do not carry them
// yet.
const dimCols = `width, height`

// versionCols are the columns of asset_versions that override the asset
// row's in a version snapshot.
const versionCols = `version, parent_uid, title, description, tags, filename, content_type, file_size, file_key, url_secret,
	updated_by, updated_at, width, height`

// MaxFolderDepth bounds how deep folders nest (a folder at the top is 1
// deep), and so every walk up a folder chain.
const MaxFolderDepth = 50

func scanAsset(sc interface{ Scan(...any) error }) (domain.Asset, error) {
	var a domain.Asset
	var tags string
	var created, updated int64
	err := sc.Scan(&a.UID, &a.APIKey, &a.IsDir, &a.ParentUID, &a.Name, &a.Title, &a.Description, &tags, &a.Filename,
		&a.ContentType, &a.FileSize, &a.FileKey, &a.URLSecret, &a.Version, &a.CreatedBy, &a.UpdatedBy, &created, &updated,
		&a.Width, &a.Height)
	a.Tags = decodeTags(tags)
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, err
}

// scanVersion reads a version row over a, its asset.
func scanVersion(sc interface{ Scan(...any) error }, a *domain.Asset) error {
	var tags string
	var updated int64
	err := sc.Scan(&a.Version, &a.ParentUID, &a.Title, &a.Description, &tags, &a.Filename, &a.ContentType, &a.FileSize,
		&a.FileKey, &a.URLSecret, &a.UpdatedBy, &updated, &a.Width, &a.Height)
	a.Tags = decodeTags(tags)
	a.UpdatedAt = fromMS(updated)
	return err
}

func decodeTags(s string) []string {
	tags := []string{}
	_ = json.Unmarshal([]byte(s), &tags) // written by encodeTags; a damaged value shows as no tags
	return tags
}

func encodeTags(tags []string) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags) // a []string always marshals
	return string(b)
}

func errAssetNotFound() *domain.Error  { return domain.ErrNotFound("asset", "uid") }
func errFolderNotFound() *domain.Error { return domain.ErrNotFound("folder", "uid") }

// assetByUID finds a file asset (dir false) or a folder (dir true): a
// folder's uid is not an asset's and the other way round (422).
func assetByUID(ctx context.Context, c conn, apiKey, uid string, dir bool) (domain.Asset, error) {
	a, err := scanAsset(c.row(ctx, `SELECT `+assetCols+`, `+dimCols+` FROM assets WHERE api_key = ? AND uid = ? AND is_dir = ?`+c.lock(),
		apiKey, uid, dir))
	switch {
	case errors.Is(err, sql.ErrNoRows) && dir:
		return a, errFolderNotFound()
	case errors.Is(err, sql.ErrNoRows):
		return a, errAssetNotFound()
	case err != nil:
		return a, fmt.Errorf("store: find asset %s: %w", uid, err)
	}
	return a, nil
}

// parentChain checks that parentUID ("" for the root) is a folder of the
// stack and returns the uids from it up to the root. The parent's row is
// locked, so a concurrent deletion of that folder waits for this change
// (and then finds it not empty) or wins (and this change finds no parent).
func parentChain(ctx context.Context, c conn, apiKey, parentUID string) ([]string, error) {
	var chain []string
	for cur, lock := parentUID, c.lock(); cur != ""; lock = "" {
		if len(chain) >= MaxFolderDepth {
			return nil, errTooDeep()
		}
		var isDir bool
		var up string
		err := c.row(ctx, `SELECT is_dir, parent_uid FROM assets WHERE api_key = ? AND uid = ?`+lock, apiKey, cur).Scan(&isDir, &up)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil, domain.ErrNotFound("parent folder", "parent_uid")
		case err != nil:
			return nil, fmt.Errorf("store: find folder %s: %w", cur, err)
		case !isDir:
			return nil, domain.ErrInvalid("parent_uid", "is an asset, not a folder.")
		}
		chain = append(chain, cur)
		cur = up
	}
	return chain, nil
}

func errTooDeep() error {
	return domain.ErrInvalid("parent_uid", fmt.Sprintf("nests folders more than %d deep.", MaxFolderDepth))
}

// folderParent is parentChain for the parent of a folder, which must leave
// room for one more level.
func folderParent(ctx context.Context, c conn, apiKey, parentUID string) ([]string, error) {
	chain, err := parentChain(ctx, c, apiKey, parentUID)
	if err == nil && len(chain) >= MaxFolderDepth {
		return nil, errTooDeep()
	}
	return chain, err
}

func insertVersion(ctx context.Context, c conn, a domain.Asset) error {
	_, err := c.exec(ctx, `INSERT INTO asset_versions (api_key, asset_uid, `+versionCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.APIKey, a.UID, a.Version, a.ParentUID, a.Title, a.Description, encodeTags(a.Tags), a.Filename, a.ContentType,
		a.FileSize, a.FileKey, a.URLSecret, a.UpdatedBy, ms(a.UpdatedAt), a.Width, a.Height)
	if err != nil {
		return fmt.Errorf("store: insert asset version: %w", err)
	}
	return nil
}

// setTags replaces the rows of asset_tags that answer tag queries.
func setTags(ctx context.Context, c conn, a domain.Asset) error {
	if _, err := c.exec(ctx, `DELETE FROM asset_tags WHERE asset_uid = ?`, a.UID); err != nil {
		return fmt.Errorf("store: clear asset tags: %w", err)
	}
	for _, t := range a.Tags {
		if _, err := c.exec(ctx, `INSERT INTO asset_tags (api_key, asset_uid, tag) VALUES (?, ?, ?)`, a.APIKey, a.UID, t); err != nil {
			return fmt.Errorf("store: insert asset tag: %w", err)
		}
	}
	return nil
}

func insertAsset(ctx context.Context, c conn, a domain.Asset) error {
	_, err := c.exec(ctx, `INSERT INTO assets (`+assetCols+`, `+dimCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.UID, a.APIKey, a.IsDir, a.ParentUID, a.Name, a.Title, a.Description, encodeTags(a.Tags), a.Filename, a.ContentType,
		a.FileSize, a.FileKey, a.URLSecret, a.Version, a.CreatedBy, a.UpdatedBy, ms(a.CreatedAt), ms(a.UpdatedAt), a.Width, a.Height)
	if err != nil {
		return fmt.Errorf("store: insert asset: %w", err)
	}
	return nil
}

// CreateAsset adds a file asset as its version 1. Its parent, when set,
// must be a folder of the stack (422 otherwise). The file must already be
// in the file store under a.FileKey.
func (s *Store) CreateAsset(ctx context.Context, a domain.Asset, audit *domain.AuditEntry) error {
	a.IsDir, a.Version = false, 1
	return s.txAudit(ctx, audit, func(c conn) error {
		if _, err := parentChain(ctx, c, a.APIKey, a.ParentUID); err != nil {
			return err
		}
		if err := insertAsset(ctx, c, a); err != nil {
			return err
		}
		if err := insertVersion(ctx, c, a); err != nil {
			return err
		}
		return setTags(ctx, c, a)
	})
}

// CreateFolder adds a folder. Its parent, when set, must be a folder of the
// stack less than MaxFolderDepth deep (422 otherwise).
func (s *Store) CreateFolder(ctx context.Context, f domain.Asset, audit *domain.AuditEntry) error {
	f.IsDir, f.Version, f.ContentType = true, 1, domain.FolderContentType
	return s.txAudit(ctx, audit, func(c conn) error {
		if _, err := folderParent(ctx, c, f.APIKey, f.ParentUID); err != nil {
			return err
		}
		return insertAsset(ctx, c, f)
	})
}

// Asset returns the current version of a file asset; a folder's uid or an
// unknown one is a 422.
func (s *Store) Asset(ctx context.Context, apiKey, uid string) (domain.Asset, error) {
	return assetByUID(ctx, s.read(), apiKey, uid, false)
}

// Folder returns a folder; a file asset's uid or an unknown one is a 422.
func (s *Store) Folder(ctx context.Context, apiKey, uid string) (domain.Asset, error) {
	return assetByUID(ctx, s.read(), apiKey, uid, true)
}

// AssetVersion returns version n of a file asset as it was then: the file,
// title, description, tags and folder of that version, with its own URL
// secret; created_* stay the asset's, updated_* are the version's.
func (s *Store) AssetVersion(ctx context.Context, apiKey, uid string, n int) (domain.Asset, error) {
	c := s.read()
	a, err := assetByUID(ctx, c, apiKey, uid, false)
	if err != nil {
		return a, err
	}
	err = scanVersion(c.row(ctx, `SELECT `+versionCols+` FROM asset_versions WHERE asset_uid = ? AND version = ?`, uid, n), &a)
	if errors.Is(err, sql.ErrNoRows) {
		return a, domain.ErrNotFound("asset version", "version")
	}
	if err != nil {
		return a, fmt.Errorf("store: find asset version: %w", err)
	}
	return a, nil
}

// AssetVersions returns one page of a file asset's versions, newest first,
// and how many there are.
func (s *Store) AssetVersions(ctx context.Context, apiKey, uid string, skip, limit int) ([]domain.Asset, int, error) {
	c := s.read()
	a, err := assetByUID(ctx, c, apiKey, uid, false)
	if err != nil {
		return nil, 0, err
	}
	rows, err := c.query(ctx, `SELECT `+versionCols+` FROM asset_versions WHERE asset_uid = ? ORDER BY version DESC LIMIT ? OFFSET ?`,
		uid, limit, skip)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list asset versions: %w", err)
	}
	defer rows.Close()
	out := []domain.Asset{}
	for rows.Next() {
		v := a
		if err := scanVersion(rows, &v); err != nil {
			return nil, 0, fmt.Errorf("store: scan asset version: %w", err)
		}
		out = append(out, v)
	}
	return out, a.Version, rows.Err()
}

// AssetBySecret returns the version of a file asset whose URL secret is
// secret, compared in constant time; anything else is a 422. Versions that
// only changed metadata share their file and its secret: the latest of
// them is returned.
func (s *Store) AssetBySecret(ctx context.Context, apiKey, uid, secret string) (domain.Asset, error) {
	rows, err := s.read().query(ctx, `SELECT version, url_secret FROM asset_versions WHERE api_key = ? AND asset_uid = ?`, apiKey, uid)
	if err != nil {
		return domain.Asset{}, fmt.Errorf("store: find asset secret: %w", err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var n int
		var sec string
		if err := rows.Scan(&n, &sec); err != nil {
			return domain.Asset{}, fmt.Errorf("store: scan asset secret: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(sec), []byte(secret)) == 1 && n > found {
			found = n
		}
	}
	if err := rows.Err(); err != nil {
		return domain.Asset{}, fmt.Errorf("store: find asset secret: %w", err)
	}
	if found == 0 {
		return domain.Asset{}, errAssetNotFound()
	}
	return s.AssetVersion(ctx, apiKey, uid, found)
}
