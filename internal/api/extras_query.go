package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// extrasQuery is the `query` parameter of the label, extension and webhook
// lists, applied to the items as they are shown. It is a JSON object of
// field paths (dotted for nested keys, e.g. "scope.content_types") to a
// wanted value, or to an object of operators: $in, $nin, $ne and $exists.
// A field holding an array matches a value it contains, as in
// Contentstack's (MongoDB-style) queries. The official clients send it as
// query={"type":"field"} or query={"name":"…"}. Other operators, $and and
// $or among them, are refused with a 422 rather than ignored.
type extrasQuery map[string]any

var extrasOperators = []string{"$in", "$nin", "$ne", "$exists"}

// parseExtrasQuery reads the query parameter; absent means match all.
func parseExtrasQuery(r *http.Request) (extrasQuery, error) {
	raw := r.URL.Query().Get("query")
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var q extrasQuery
	if err := json.Unmarshal([]byte(raw), &q); err != nil || q == nil {
		return nil, domain.ErrInvalid("query", "must be a JSON object.")
	}
	for field, want := range q {
		if strings.HasPrefix(field, "$") {
			return nil, domain.ErrInvalid("query", fmt.Sprintf("the operator %s is not supported on this list.", field))
		}
		ops, ok := want.(map[string]any)
		if !ok {
			continue
		}
		for op, arg := range ops {
			if !slices.Contains(extrasOperators, op) {
				return nil, domain.ErrInvalid("query", fmt.Sprintf("the operator %s is not supported on this list.", op))
			}
			if _, isList := arg.([]any); (op == "$in" || op == "$nin") && !isList {
				return nil, domain.ErrInvalid("query", op+" needs an array.")
			}
			if _, isBool := arg.(bool); op == "$exists" && !isBool {
				return nil, domain.ErrInvalid("query", "$exists needs true or false.")
			}
		}
	}
	return q, nil
}

// filter returns the items that match every condition of q.
func (q extrasQuery) filter(items []map[string]any) []map[string]any {
	if len(q) == 0 {
		return items
	}
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if q.matches(extrasNormalize(it)) {
			out = append(out, it)
		}
	}
	return out
}

func (q extrasQuery) matches(item any) bool {
	for field, want := range q {
		got, present := extrasLookup(item, field)
		if !extrasCondition(got, present, want) {
			return false
		}
	}
	return true
}

func extrasCondition(got any, present bool, want any) bool {
	ops, ok := want.(map[string]any)
	if !ok {
		return present && extrasEqual(got, want)
	}
	for op, arg := range ops {
		var ok bool
		switch op {
		case "$in":
			ok = present && slices.ContainsFunc(arg.([]any), func(v any) bool { return extrasEqual(got, v) })
		case "$nin":
			ok = !present || !slices.ContainsFunc(arg.([]any), func(v any) bool { return extrasEqual(got, v) })
		case "$ne":
			ok = !present || !extrasEqual(got, arg)
		case "$exists":
			ok = present == arg.(bool)
		}
		if !ok {
			return false
		}
	}
	return true
}

// extrasEqual compares a field's value with a wanted one: equal values, or
// an array field containing the wanted scalar.
func extrasEqual(got, want any) bool {
	if reflect.DeepEqual(got, want) {
		return true
	}
	if list, ok := got.([]any); ok {
		if _, wantList := want.([]any); !wantList {
			return slices.ContainsFunc(list, func(v any) bool { return reflect.DeepEqual(v, want) })
		}
	}
	return false
}

func extrasLookup(item any, path string) (any, bool) {
	cur := item
	for _, key := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// extrasNormalize turns an item into the generic values a decoded query
// holds (float64 numbers, []any arrays), so that the two compare.
func extrasNormalize(item map[string]any) any {
	raw, err := json.Marshal(item)
	if err != nil {
		return item
	}
	var out any
	if json.Unmarshal(raw, &out) != nil {
		return item
	}
	return out
}
