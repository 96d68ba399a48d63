package input

import (
	"net/url"
	"strings"
)

// Projection is what only[BASE][] and except[BASE][] ask of entries: keep
// only some fields, or drop some. Paths may be dotted (author.name) and
// reach into groups and lists of groups. uid is always kept.
type Projection struct {
	only, except pathTree
}

// pathTree is a set of dotted paths: a key with no children is a whole field.
type pathTree map[string]pathTree

// ParseProjection reads only[BASE]… and except[BASE]… parameters, in any
// of the array spellings clients use (only[BASE][]=a, only[BASE][0]=a).
func ParseProjection(q url.Values) Projection {
	var p Projection
	for key, values := range q {
		var tree *pathTree
		switch {
		case strings.HasPrefix(key, "only[BASE]"):
			tree = &p.only
		case strings.HasPrefix(key, "except[BASE]"):
			tree = &p.except
		default:
			continue
		}
		for _, v := range values {
			if *tree == nil {
				*tree = pathTree{}
			}
			tree.add(v)
		}
	}
	return p
}

func (t pathTree) add(path string) {
	node := t
	for _, k := range strings.Split(path, ".") {
		if k == "" {
			return
		}
		next, ok := node[k]
		if !ok || next == nil {
			next = pathTree{}
			node[k] = next
		}
		node = next
	}
}

// Apply projects one entry's JSON.
func (p Projection) Apply(m map[string]any) map[string]any {
	if p.only != nil {
		uid := m["uid"]
		m = keep(m, p.only)
		m["uid"] = uid
	}
	if p.except != nil {
		m = drop(m, p.except)
	}
	return m
}

func keep(m map[string]any, t pathTree) map[string]any {
	out := map[string]any{}
	for k, sub := range t {
		if v, ok := m[k]; ok {
			out[k] = keepValue(v, sub)
		}
	}
	return out
}

func keepValue(v any, t pathTree) any {
	if len(t) == 0 {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		return keep(x, t)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = keepValue(e, t)
		}
		return out
	}
	return v
}

func drop(m map[string]any, t pathTree) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		sub, named := t[k]
		switch {
		case !named:
			out[k] = v
		case len(sub) > 0:
			out[k] = dropValue(v, sub)
		case k == "uid":
			out[k] = v
		}
	}
	return out
}

func dropValue(v any, t pathTree) any {
	switch x := v.(type) {
	case map[string]any:
		return drop(x, t)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dropValue(e, t)
		}
		return out
	}
	return v
}
