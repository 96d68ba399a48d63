package graphql

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/stackd/stackd/internal/domain"
)

// root resolves a field of Query: one fetch for the field, whatever its
// selection, with the references the selection reaches asked for at once.
func (x *exec) root(f *ast.Field) (any, error) {
	switch f.Name {
	case "__schema":
		return schemaVal{}, nil
	case "__type":
		name, _ := f.ArgumentMap(x.vars)["name"].(string)
		if def := x.s.AST.Types[name]; def != nil {
			return typeRef{def: def}, nil
		}
		return nil, nil
	}
	rf, ok := x.s.roots[f.Name]
	if !ok {
		return nil, nil
	}
	args := f.ArgumentMap(x.vars)
	locale, _ := args["locale"].(string)
	fallback, _ := args["fallback_locale"].(bool)
	switch rf.kind {
	case "entry":
		return x.oneEntry(rf.ct, f, args, locale, fallback)
	case "entries":
		return x.entries(rf.ct, f, args, locale, fallback)
	case "asset":
		uid, _ := args["uid"].(string)
		items, _, err := x.f.Assets(x.ctx, AssetQuery{UID: uid, Locale: locale, Fallback: fallback, Limit: 1})
		if err != nil || len(items) == 0 {
			return nil, err
		}
		return assetVal{items[0]}, nil
	}
	return x.assets(f, args, locale, fallback)
}

func (x *exec) oneEntry(ct string, f *ast.Field, args map[string]any, locale string, fallback bool) (any, error) {
	uid, _ := args["uid"].(string)
	typ := x.s.ctType[ct]
	items, _, err := x.f.Entries(x.ctx, EntryQuery{ContentType: ct, UID: uid, Locale: locale, Fallback: fallback, Limit: 1,
		Include: x.includes(typ, f.SelectionSet, 0)})
	if err != nil || len(items) == 0 {
		return nil, err // an entry not published there is null, as a missing one
	}
	return content{typ: typ, m: items[0]}, nil
}

func (x *exec) entries(ct string, f *ast.Field, args map[string]any, locale string, fallback bool) (any, error) {
	typ := x.s.ctType[ct]
	q := EntryQuery{ContentType: ct, Locale: locale, Fallback: fallback, Count: selects(f.SelectionSet, "total")}
	var err error
	if q.Skip, q.Limit, err = pageArgs(args, DefaultLimit, MaxLimit); err != nil {
		return nil, err
	}
	if q.Asc, q.Desc, err = orderBy(args["order_by"]); err != nil {
		return nil, err
	}
	if q.Query, err = x.where(typ+"Where", args["where"]); err != nil {
		return nil, err
	}
	for _, items := range fieldsNamed(f.SelectionSet, "items") {
		q.Include = mergeIncludes(q.Include, x.includes(typ, items.SelectionSet, 0))
	}
	found, total, err := x.f.Entries(x.ctx, q)
	if err != nil {
		return nil, err
	}
	out := page{items: make([]any, len(found)), total: total}
	for i, m := range found {
		out.items[i] = content{typ: typ, m: m}
	}
	return out, nil
}

func (x *exec) assets(f *ast.Field, args map[string]any, locale string, fallback bool) (any, error) {
	q := AssetQuery{Locale: locale, Fallback: fallback, Count: selects(f.SelectionSet, "total")}
	var err error
	if q.Skip, q.Limit, err = pageArgs(args, DefaultLimit, MaxLimit); err != nil {
		return nil, err
	}
	if q.Asc, q.Desc, err = orderBy(args["order_by"]); err != nil {
		return nil, err
	}
	if q.Query, err = x.where("SysAssetWhere", args["where"]); err != nil {
		return nil, err
	}
	found, total, err := x.f.Assets(x.ctx, q)
	if err != nil {
		return nil, err
	}
	out := page{items: make([]any, len(found)), total: total}
	for i, m := range found {
		out.items[i] = assetVal{m}
	}
	return out, nil
}

// orderBy reads order_by: Contentstack sorts GraphQL lists by created_at
// or updated_at only; the first value decides.
func orderBy(v any) (asc, desc string, err error) {
	list, _ := v.([]any)
	if len(list) == 0 {
		return "", "", nil
	}
	s, _ := list[0].(string)
	field, dir, _ := strings.Cut(s, "_A")
	if dir == "SC" {
		return field, "", nil
	}
	field, _, _ = strings.Cut(s, "_DESC")
	return "", field, nil
}

// selects reports whether sel names a field called name at its top.
func selects(sel ast.SelectionSet, name string) bool {
	return len(fieldsNamed(sel, name)) > 0
}

// fieldsNamed lists the fields called name at the top of sel, through
// fragments.
func fieldsNamed(sel ast.SelectionSet, name string) []*ast.Field {
	var out []*ast.Field
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name == name {
				out = append(out, s)
			}
		case *ast.InlineFragment:
			out = append(out, fieldsNamed(s.SelectionSet, name)...)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				out = append(out, fieldsNamed(s.Definition.SelectionSet, name)...)
			}
		}
	}
	return out
}

// where turns a where argument of input type name into the JSON query
// language: field: v, field_ne: v … AND: […], OR: […]; groups nest.
func (x *exec) where(name string, v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, nil
	}
	return x.whereAt(name, "", m)
}

func (x *exec) whereAt(name, prefix string, m map[string]any) (map[string]any, error) {
	keys := x.s.wheres[name]
	out := map[string]any{}
	var and []any
	for k, v := range m {
		wk, ok := keys[k]
		if !ok {
			return nil, fmt.Errorf("where: unknown field %s", k)
		}
		switch {
		case wk.op == "$and" || wk.op == "$or":
			var parts []any
			list, _ := v.([]any)
			for _, it := range list {
				sub, _ := it.(map[string]any)
				q, err := x.whereAt(name, prefix, sub)
				if err != nil {
					return nil, err
				}
				if q != nil {
					parts = append(parts, q)
				}
			}
			if len(parts) > 0 {
				and = append(and, map[string]any{wk.op: parts})
			}
		case wk.nested != "":
			sub, _ := v.(map[string]any)
			q, err := x.whereAt(wk.nested, prefix+wk.path+".", sub)
			if err != nil {
				return nil, err
			}
			if q != nil {
				and = append(and, q)
			}
		case wk.op == "":
			and = append(and, map[string]any{prefix + wk.path: v})
		default:
			and = append(and, map[string]any{prefix + wk.path: map[string]any{wk.op: v}})
		}
	}
	if len(and) == 0 {
		return nil, nil
	}
	if len(and) == 1 {
		return and[0].(map[string]any), nil
	}
	out["$and"] = and
	return out, nil
}

// includes computes the include[] tree a selection on object type typ
// reaches through reference connections, so that one fetch brings every
// referenced entry the query shows. depth counts references followed.
func (x *exec) includes(typ string, sel ast.SelectionSet, depth int) domain.Includes {
	obj := x.s.objects[typ]
	if obj == nil || depth >= MaxRefDepth {
		return nil
	}
	var out domain.Includes
	add := func(uid string, sub domain.Includes) {
		if out == nil {
			out = domain.Includes{}
		}
		out[uid] = mergeIncludes(out[uid], sub)
		if out[uid] == nil {
			out[uid] = domain.Includes{}
		}
	}
	for _, g := range x.collect(typ, sel) {
		gf := obj.fields[g.fields[0].Name]
		if gf == nil {
			continue
		}
		switch gf.kind {
		case kindRef:
			add(gf.uid, x.refIncludes(g.merged(), depth+1))
		case kindObject:
			if sub := x.includes(gf.typ, g.merged(), depth); len(sub) > 0 {
				add(gf.uid, sub)
			}
		case kindBlocks:
			for blockUID, member := range x.s.unions[gf.typ] {
				inner := x.s.objects[member].fields[blockUID].typ
				for _, bg := range x.collect(member, g.merged()) {
					if bg.fields[0].Name != blockUID {
						continue
					}
					if sub := x.includes(inner, bg.merged(), depth); len(sub) > 0 {
						add(gf.uid, domain.Includes{blockUID: sub})
					}
				}
			}
		}
	}
	return out
}

// refIncludes is the tree below a reference connection: what its
// edges.node selects, on each content type the node may be.
func (x *exec) refIncludes(conn ast.SelectionSet, depth int) domain.Includes {
	var out domain.Includes
	for _, edges := range fieldsNamed(conn, "edges") {
		for _, node := range fieldsNamed(edges.SelectionSet, "node") {
			for _, typ := range x.s.ctType {
				out = mergeIncludes(out, x.includes(typ, node.SelectionSet, depth))
			}
		}
	}
	return out
}

// mergeIncludes unions two include trees.
func mergeIncludes(a, b domain.Includes) domain.Includes {
	if a == nil {
		return b
	}
	for k, v := range b {
		a[k] = mergeIncludes(a[k], v)
		if a[k] == nil {
			a[k] = domain.Includes{}
		}
	}
	return a
}
