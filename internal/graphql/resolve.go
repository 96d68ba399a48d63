package graphql

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Values the executor passes between fields of content types.
type (
	// content is a stored object (an entry, a group, a block) shown as
	// the object type typ.
	content struct {
		typ string
		m   map[string]any
	}
	// page is the answer of all_<uid> and all_assets.
	page struct {
		items []any
		total int
	}
	// connection is a reference or file field's <uid>Connection.
	connection struct {
		nodes []any
		total int
	}
	edge   struct{ node any }
	system struct {
		m  map[string]any
		ct string
	}
	assetVal struct{ m map[string]any }
)

// resolve returns the value of field f on value v of object type t.
func (x *exec) resolve(t string, v any, f *ast.Field, path ast.Path) (any, error) {
	if f.Name == "__typename" {
		return t, nil
	}
	if t == "Query" {
		return x.root(f)
	}
	if strings.HasPrefix(t, "__") {
		return x.introspect(v, f)
	}
	switch v := v.(type) {
	case content:
		return x.contentField(v, f)
	case page:
		if f.Name == "total" {
			return v.total, nil
		}
		return v.items, nil
	case connection:
		if f.Name == "totalCount" {
			return v.total, nil
		}
		edges := make([]any, len(v.nodes))
		for i, n := range v.nodes {
			edges[i] = edge{n}
		}
		return edges, nil
	case edge:
		return v.node, nil
	case system:
		return systemField(v, f.Name), nil
	case assetVal:
		return assetField(v, f.Name), nil
	case map[string]any:
		return v[f.Name], nil
	}
	return nil, nil
}

// typeOf resolves the object type of a value of an abstract type.
func (x *exec) typeOf(_ *ast.Definition, v any) string {
	if c, ok := v.(content); ok {
		return c.typ
	}
	return ""
}

// contentField resolves a field of a content object.
func (x *exec) contentField(c content, f *ast.Field) (any, error) {
	obj := x.s.objects[c.typ]
	if obj == nil {
		return nil, nil
	}
	g := obj.fields[f.Name]
	if g == nil {
		return nil, nil
	}
	val := c.m[g.uid]
	switch g.kind {
	case kindSystem:
		return system{m: c.m, ct: obj.ct}, nil
	case kindObject:
		return x.wrapObjects(g.typ, val), nil
	case kindBlocks:
		return x.wrapBlocks(g.typ, val), nil
	case kindRef:
		return x.refConnection(val, f)
	case kindFile:
		return fileConnection(val), nil
	}
	return val, nil
}

// wrapObjects shows a group (or a list of them) as the object type typ.
func (x *exec) wrapObjects(typ string, val any) any {
	switch v := val.(type) {
	case map[string]any:
		return content{typ: typ, m: v}
	case []any:
		out := make([]any, 0, len(v))
		for _, it := range v {
			if m, ok := it.(map[string]any); ok {
				out = append(out, content{typ: typ, m: m})
			}
		}
		return out
	}
	return nil
}

// wrapBlocks shows modular blocks as the members of union: each stored
// block is an object with one key, the block's uid.
func (x *exec) wrapBlocks(union string, val any) any {
	items, _ := val.([]any)
	out := make([]any, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		for uid := range m {
			if member := x.s.unions[union][uid]; member != "" {
				out = append(out, content{typ: member, m: m})
				break
			}
		}
	}
	return out
}

// refConnection shows a reference field's entries (already expanded by
// the fetcher) page by page: skip and limit (at most 100).
func (x *exec) refConnection(val any, f *ast.Field) (any, error) {
	args := f.ArgumentMap(x.vars)
	skip, limit, err := pageArgs(args, MaxConnection, MaxConnection)
	if err != nil {
		return nil, err
	}
	items, _ := val.([]any)
	var nodes []any
	for _, it := range items {
		m, ok := it.(map[string]any)
		ct, _ := m["_content_type_uid"].(string)
		if typ := x.s.ctType[ct]; ok && typ != "" {
			nodes = append(nodes, content{typ: typ, m: m})
		}
	}
	total := len(nodes)
	nodes = nodes[min(skip, total):min(skip+limit, total)]
	return connection{nodes: nodes, total: total}, nil
}

// fileConnection shows a file field's asset (or assets) as a connection.
func fileConnection(val any) any {
	var nodes []any
	switch v := val.(type) {
	case map[string]any:
		nodes = []any{assetVal{v}}
	case []any:
		for _, it := range v {
			if m, ok := it.(map[string]any); ok {
				nodes = append(nodes, assetVal{m})
			}
		}
	}
	return connection{nodes: nodes, total: len(nodes)}
}

// pageArgs reads skip and limit: limit defaults to def and may not pass max.
func pageArgs(args map[string]any, def, max int) (int, int, error) {
	skip, limit := 0, def
	if v, ok := args["skip"]; ok && v != nil {
		skip = toInt(v)
	}
	if v, ok := args["limit"]; ok && v != nil {
		limit = toInt(v)
	}
	if skip < 0 || limit < 0 {
		return 0, 0, fmt.Errorf("skip and limit must not be negative")
	}
	if limit > max {
		return 0, 0, fmt.Errorf("limit may be at most %d", max)
	}
	return skip, limit, nil
}

func toInt(v any) int {
	switch n := v.(type) {
	case int64:
		return int(n)
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

// systemField is a field of EntrySystemField or AssetSystemField.
func systemField(s system, name string) any {
	m := s.m
	switch name {
	case "content_type_uid":
		if s.ct == "" {
			return "sys_assets"
		}
		return s.ct
	case "version":
		return m["_version"]
	case "publish_details":
		return m["publish_details"]
	}
	return m[name]
}

// assetField is a field of SysAsset.
func assetField(a assetVal, name string) any {
	if name == "system" {
		return system{m: a.m}
	}
	return a.m[name]
}
