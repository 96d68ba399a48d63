package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// maxQueryValues bounds the values of one $in or $nin.
const maxQueryValues = 100

// parseAssetQuery reads the query parameter of an asset list: a JSON
// object whose keys are fields (store.AssetQueryFields), each compared for
// equality with a value or through an object of operators: $eq and $ne
// with a value, $in and $nin with an array. All conditions must hold.
// is_dir takes booleans, parent_uid a folder uid or null (the top level),
// the rest strings; tags matches assets having the tag(s).
//
// This small filter stands in for Contentstack's query language until the
// query package (internal/query) serves assets too.
func parseAssetQuery(raw string) ([]store.AssetCond, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var q map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &q); err != nil {
		return nil, domain.ErrInvalid("query", "must be a JSON object.")
	}
	var conds []store.AssetCond
	for _, f := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(store.AssetQueryFields, f) {
			return nil, domain.ErrInvalid("query", fmt.Sprintf("tests %q; asset queries can test %s.", f,
				strings.Join(store.AssetQueryFields, ", ")))
		}
		cs, err := parseCondition(f, q[f])
		if err != nil {
			return nil, err
		}
		conds = append(conds, cs...)
	}
	return conds, nil
}

func parseCondition(field string, raw json.RawMessage) ([]store.AssetCond, error) {
	var ops map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil || ops == nil {
		v, err := queryValue(field, raw)
		if err != nil {
			return nil, err
		}
		return []store.AssetCond{{Field: field, Op: "$eq", Values: []any{v}}}, nil
	}
	var conds []store.AssetCond
	for _, op := range slices.Sorted(maps.Keys(ops)) {
		arg := ops[op]
		c := store.AssetCond{Field: field, Op: op}
		switch op {
		case "$eq", "$ne":
			v, err := queryValue(field, arg)
			if err != nil {
				return nil, err
			}
			c.Values = []any{v}
		case "$in", "$nin":
			var list []json.RawMessage
			if err := json.Unmarshal(arg, &list); err != nil || len(list) > maxQueryValues {
				return nil, domain.ErrInvalid("query", fmt.Sprintf("%s.%s must be an array of at most %d values.", field, op, maxQueryValues))
			}
			for _, item := range list {
				v, err := queryValue(field, item)
				if err != nil {
					return nil, err
				}
				c.Values = append(c.Values, v)
			}
		default:
			return nil, domain.ErrInvalid("query", fmt.Sprintf("%s uses the operator %q; asset queries support $eq, $ne, $in and $nin.", field, op))
		}
		conds = append(conds, c)
	}
	return conds, nil
}

// queryValue reads one compared value, of the field's type.
func queryValue(field string, raw json.RawMessage) (any, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, domain.ErrInvalid("query", fmt.Sprintf("%s has a value that is not JSON.", field))
	}
	switch x := v.(type) {
	case bool:
		if field == "is_dir" {
			return x, nil
		}
	case nil:
		if field == "parent_uid" {
			return "", nil
		}
	case string:
		if field == "parent_uid" && x == rootFolder {
			return "", nil
		}
		if field != "is_dir" {
			return x, nil
		}
	}
	want := "a string"
	if field == "is_dir" {
		want = "a boolean"
	} else if field == "parent_uid" {
		want = "a folder uid or null"
	}
	return nil, domain.ErrInvalid("query", fmt.Sprintf("%s must be compared with %s.", field, want))
}

// assetSort reads the sort order: asc or desc (also spelled asc_field_uid
// and desc_field_uid) naming a field; created_at ascending by default.
func assetSort(r *http.Request) (string, bool, error) {
	q := r.URL.Query()
	for _, p := range []struct {
		name string
		desc bool
	}{{"asc", false}, {"asc_field_uid", false}, {"desc", true}, {"desc_field_uid", true}} {
		field := q.Get(p.name)
		if field == "" {
			continue
		}
		if !store.AssetSortable(field) {
			return "", false, domain.ErrInvalid(p.name, fmt.Sprintf("names %q; assets can be sorted by created_at, updated_at, "+
				"title, name, filename, file_size, content_type, uid, parent_uid or _version.", field))
		}
		return field, p.desc, nil
	}
	return "created_at", false, nil
}
