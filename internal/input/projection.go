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
	return ParseProjections(q)[BaseProjection]
}

// BaseProjection is the key of the projection of the entries asked for;
// other keys are include[] paths, whose referenced entries they project.
const BaseProjection = "BASE"

// Projections are the projections of a request by what they apply to:
// BASE for the entries asked for, an include[] path (author,
// author.books) for the entries included there (only[author][]=title).
type Projections map[string]Projection

// ParseProjections reads every only[X]… and except[X]… parameter.
func ParseProjections(q url.Values) Projections {
	out := Projections{}
	for key, values := range q {
		name, only, ok := projectionKey(key)
		if !ok {
			continue
		}
		p := out[name]
		tree := &p.except
		if only {
			tree = &p.only
		}
		for _, v := range values {
			if *tree == nil {
				*tree = pathTree{}
			}
			tree.add(v)
		}
		out[name] = p
	}
	return out
}

// projectionKey reads a parameter name of the form only[X], only[X][],
// only[X][n] (or except[…]): X and which of the two it is.
func projectionKey(key string) (name string, only, ok bool) {
	rest, only := strings.CutPrefix(key, "only[")
	if !only {
		var isExcept bool
		if rest, isExcept = strings.CutPrefix(key, "except["); !isExcept {
			return "", false, false
		}
	}
	name, tail, found := strings.Cut(rest, "]")
	if !found || name == "" || (tail != "" && !strings.HasPrefix(tail, "[")) {
		return "", false, false
	}
	return name, only, true
}

// At is the projection of the entries included at include path path.
func (ps Projections) At(path string) Projection { return ps[path] }

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
