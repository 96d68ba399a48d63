package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

func init() { registerStackTables("entry_terms") }

// maxTermLen is the longest string value entry_terms holds, in bytes.
const maxTermLen = 128

// entryTerms are the (field, value) pairs entry_terms holds for data: every
// top-level string of at most maxTermLen bytes, and every such string in a
// top-level array, title aside.
func entryTerms(data map[string]any) [][2]string {
	var out [][2]string
	add := func(k string, v any) {
		if s, ok := v.(string); ok && len(s) <= maxTermLen && !slices.Contains(out, [2]string{k, s}) {
			out = append(out, [2]string{k, s})
		}
	}
	for k, v := range data {
		if k == "title" {
			continue
		}
		if arr, ok := v.([]any); ok {
			for _, x := range arr {
				add(k, x)
			}
			continue
		}
		add(k, v)
	}
	return out
}

// writeTerms replaces the terms of entry e's locale with those of its data.
func writeTerms(ctx context.Context, c conn, e domain.Entry, replace bool) error {
	if replace {
		if _, err := c.exec(ctx, `DELETE FROM entry_terms WHERE api_key = ? AND branch = ? AND uid = ? AND locale = ?`,
			e.APIKey, domain.DefaultBranch, e.UID, e.Locale); err != nil {
			return fmt.Errorf("store: clear terms of entry %s: %w", e.UID, err)
		}
	}
	return insertTerms(ctx, c, []domain.Entry{e})
}

// insertTerms writes the terms of entries with one multi-row INSERT.
func insertTerms(ctx context.Context, c conn, entries []domain.Entry) error {
	var args []any
	n := 0
	for _, e := range entries {
		for _, t := range entryTerms(e.Data) {
			args = append(args, e.APIKey, e.ContentType, e.Locale, t[0], t[1], e.UID)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	values := strings.Repeat(",(?, ?, ?, ?, ?, ?)", n)[1:]
	for start := 0; start < len(args); start += 6 * 5000 { // at most 30,000 parameters a statement
		end := min(len(args), start+6*5000)
		vs := values[:len(",(?, ?, ?, ?, ?, ?)")*((end-start)/6)-1]
		_, err := c.q.ExecContext(ctx, c.dynamic(`INSERT INTO entry_terms (api_key, content_type_uid, locale, field, value, uid) VALUES `+vs),
			args[start:end]...)
		if err != nil {
			return fmt.Errorf("store: write entry terms: %w", err)
		}
	}
	return nil
}

// termFilter takes from q the conditions entry_terms answers through its
// primary key: each top-level (or top-level $and's) $eq or $in of strings
// of at most maxTermLen bytes on a top-level schema field. For such a
// value, "the entry has it there as a string or as an array's string
// element" is exactly what the JSON predicate tests, and entry_terms
// holds every such value, so the condition is replaced, not only helped:
// the engine finds the matching entries through the index and reads no
// entry's JSON for it. It returns the SQL of the conditions taken, their
// arguments and the rest of q (nil when nothing is left), for a list in
// one locale.
func termFilter(q query.Node, fields []domain.Field, apiKey, ctUID, locale string) (string, []any, query.Node) {
	var nodes []query.Node
	switch n := q.(type) {
	case query.Cond:
		nodes = []query.Node{n}
	case query.And:
		nodes = n
	default:
		return "", nil, q
	}
	var where []string
	var args []any
	var rest query.And
	for _, n := range nodes {
		cd, ok := n.(query.Cond)
		values, usable := termValues(cd, fields)
		if !ok || !usable {
			rest = append(rest, n)
			continue
		}
		where = append(where, `e.uid IN (SELECT t.uid FROM entry_terms t WHERE t.api_key = ? AND t.branch = ? AND t.content_type_uid = ?
			AND t.locale = ? AND t.field = ? AND t.value IN (`+placeholders(len(values))+`))`)
		args = append(args, apiKey, domain.DefaultBranch, ctUID, locale, cd.Path)
		args = append(args, values...)
	}
	switch {
	case len(where) == 0:
		return "", nil, q
	case len(rest) == 0:
		return strings.Join(where, " AND "), args, nil
	case len(rest) == 1:
		return strings.Join(where, " AND "), args, rest[0]
	}
	return strings.Join(where, " AND "), args, rest
}

// termValues returns the strings cd asks a top-level field to equal, when
// entry_terms holds every value that could match.
func termValues(cd query.Cond, fields []domain.Field) ([]any, bool) {
	if cd.Path == "title" || strings.Contains(cd.Path, ".") || !slices.ContainsFunc(fields, func(f domain.Field) bool { return f.UID == cd.Path }) {
		return nil, false
	}
	var vals []any
	switch cd.Op {
	case query.OpEq:
		vals = []any{cd.Value}
	case query.OpIn:
		vals, _ = cd.Value.([]any)
	default:
		return nil, false
	}
	for _, v := range vals {
		if s, ok := v.(string); !ok || len(s) > maxTermLen {
			return nil, false
		}
	}
	return vals, len(vals) > 0
}
