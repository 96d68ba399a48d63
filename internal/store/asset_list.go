package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// AssetQuery selects items of a stack's asset library.
type AssetQuery struct {
	APIKey         string
	Parent         *string // only the direct children of this folder ("" = the root); nil = anywhere
	IncludeFolders bool    // folders as well as files
	Conds          []AssetCond
	Sort           string // a key of assetSortExprs; "" sorts by created_at
	Desc           bool
	Skip, Limit    int
	CountOnly      bool // only count, return no items
}

// AssetCond is one condition of an asset query: Field compared by Op with
// Values. A list of conditions must all hold.
type AssetCond struct {
	Field  string // a key of assetCondColumns, or "tags"
	Op     string // "$eq", "$ne", "$in" or "$nin"
	Values []any  // strings; booleans for is_dir
}

// assetCondColumns are the fields a query may test, and their columns.
var assetCondColumns = map[string]string{
	"uid": "uid", "filename": "filename", "title": "title", "name": "name", "content_type": "content_type",
	"parent_uid": "parent_uid", "is_dir": "is_dir",
}

// AssetQueryFields lists the fields an asset query may test.
var AssetQueryFields = []string{"uid", "filename", "title", "name", "content_type", "parent_uid", "is_dir", "tags"}

// displayName is a folder's name and a file's title, so that sorting by
// either orders folders and files together.
const displayName = `CASE WHEN is_dir THEN name ELSE title END`

// assetSortExprs are the fields assets can be sorted by.
var assetSortExprs = map[string]string{
	"created_at": "created_at", "updated_at": "updated_at", "title": displayName, "name": displayName,
	"filename": "filename", "file_size": "file_size", "content_type": "content_type", "uid": "uid",
	"_version": "version", "parent_uid": "parent_uid",
}

// AssetSortable reports whether assets can be sorted by field.
func AssetSortable(field string) bool {
	_, ok := assetSortExprs[field]
	return ok
}

func (q AssetQuery) where() (string, []any, error) {
	w, args := []string{"api_key = ?"}, []any{q.APIKey}
	if !q.IncludeFolders {
		w, args = append(w, "is_dir = ?"), append(args, false)
	}
	if q.Parent != nil {
		w, args = append(w, "parent_uid = ?"), append(args, *q.Parent)
	}
	for _, c := range q.Conds {
		s, a, err := c.sql(q.APIKey)
		if err != nil {
			return "", nil, err
		}
		w, args = append(w, s), append(args, a...)
	}
	return strings.Join(w, " AND "), args, nil
}

func (c AssetCond) sql(apiKey string) (string, []any, error) {
	var not bool
	switch c.Op {
	case "$eq", "$in":
	case "$ne", "$nin":
		not = true
	default:
		return "", nil, domain.ErrInvalid("query", fmt.Sprintf("uses the operator %s, which asset queries do not support.", c.Op))
	}
	in := " IN ("
	if not {
		in = " NOT IN ("
	}
	switch {
	case len(c.Values) == 0 && not:
		return "1 = 1", nil, nil
	case len(c.Values) == 0:
		return "1 = 0", nil, nil
	case c.Field == "tags":
		return "uid" + in + "SELECT asset_uid FROM asset_tags WHERE api_key = ? AND tag IN (" + placeholders(len(c.Values)) + "))",
			append([]any{apiKey}, c.Values...), nil
	}
	col, ok := assetCondColumns[c.Field]
	if !ok {
		return "", nil, domain.ErrInvalid("query", fmt.Sprintf("tests the field %q, which asset queries do not support.", c.Field))
	}
	return col + in + placeholders(len(c.Values)) + ")", c.Values, nil
}

// Assets returns one page of the items q selects and how many it selects
// in all. Ties in the sort order are broken by uid.
func (s *Store) Assets(ctx context.Context, q AssetQuery) ([]domain.Asset, int, error) {
	where, args, err := q.where()
	if err != nil {
		return nil, 0, err
	}
	c := s.read()
	var total int
	if err := c.row(ctx, `SELECT COUNT(*) FROM assets WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count assets: %w", err)
	}
	if q.CountOnly {
		return nil, total, nil
	}
	order, ok := assetSortExprs[q.Sort]
	if !ok {
		order = "created_at"
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	rows, err := c.query(ctx, `SELECT `+assetCols+`, `+dimCols+` FROM assets WHERE `+where+` ORDER BY `+order+dir+`, uid`+dir+` LIMIT ? OFFSET ?`,
		append(args, q.Limit, q.Skip)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list assets: %w", err)
	}
	defer rows.Close()
	out := []domain.Asset{}
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("store: scan asset: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}
