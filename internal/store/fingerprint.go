package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Fingerprint returns a digest of every row of every table. Two equal
// fingerprints mean equal contents; tests use it to prove that a refused
// request changed nothing.
func (s *Store) Fingerprint(ctx context.Context) (string, error) {
	c := conn{q: s.w, d: s.d}
	rows, err := c.query(ctx, s.d.tables)
	if err != nil {
		return "", fmt.Errorf("store: list tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return "", fmt.Errorf("store: scan table name: %w", err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	h := sha256.New()
	for _, t := range tables {
		lines, err := tableLines(ctx, c, t)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\n%s\n", t, strings.Join(lines, "\n"))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func tableLines(ctx context.Context, c conn, table string) ([]string, error) {
	rows, err := c.query(ctx, `SELECT * FROM `+table)
	if err != nil {
		return nil, fmt.Errorf("store: read %s: %w", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("store: scan %s: %w", table, err)
		}
		lines = append(lines, fmt.Sprintf("%v", vals))
	}
	sort.Strings(lines)
	return lines, rows.Err()
}
