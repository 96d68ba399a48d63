package graphql

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// checkLimits refuses, before anything is fetched, an operation that
// nests selections deeper than MaxSelectionDepth, follows references
// deeper than MaxRefDepth, or may fetch more than MaxRecords records: the
// records of a list are its limit (default DefaultLimit), and each
// reference connection below it multiplies by its limit argument, as
// Contentstack's cost analysis counts them. A connection without a limit
// argument counts one record per parent here; what it really holds is
// capped while fetching (at most domain.MaxIncludedObjects referenced
// entries per answer), so the bound holds either way.
func (x *exec) checkLimits(op *ast.OperationDefinition) *gqlerror.Error {
	if d := selectionDepth(op.SelectionSet, 0); d > MaxSelectionDepth {
		return gqlerror.Errorf("the query nests %d levels deep; at most %d are allowed", d, MaxSelectionDepth)
	}
	total := 0
	for _, g := range x.collect("Query", op.SelectionSet) {
		f := g.fields[0]
		rf, ok := x.s.roots[f.Name]
		if !ok {
			continue
		}
		n := 1
		if rf.kind == "entries" || rf.kind == "assets" {
			_, limit, err := pageArgs(f.ArgumentMap(x.vars), DefaultLimit, MaxLimit)
			if err != nil {
				return gqlerror.Errorf("%s: %s", f.Name, err.Error())
			}
			n = limit
		}
		if rf.kind == "entry" || rf.kind == "entries" {
			below, depth, err := x.cost(x.s.ctType[rf.ct], g.merged(), 0)
			if err != nil {
				return err
			}
			if depth > MaxRefDepth {
				return gqlerror.Errorf("%s follows references %d levels deep; at most %d are allowed", f.Name, depth, MaxRefDepth)
			}
			n += n * below
		}
		total += n
	}
	if total > MaxRecords {
		return gqlerror.Errorf("the query may fetch %d records; at most %d are allowed (lower limit arguments)", total, MaxRecords)
	}
	return nil
}

// cost counts the records that the reference connections selected below
// an object of type typ may add per object, and how deep they nest.
func (x *exec) cost(typ string, sel ast.SelectionSet, depth int) (int, int, *gqlerror.Error) {
	obj := x.s.objects[typ]
	if obj == nil {
		return 0, depth, nil
	}
	records, deepest := 0, depth
	for _, g := range x.collect(typ, sel) {
		if g.fields[0].Name == "items" {
			n, d, err := x.cost(typ, g.merged(), depth)
			if err != nil {
				return 0, 0, err
			}
			records, deepest = records+n, max(deepest, d)
			continue
		}
		gf := obj.fields[g.fields[0].Name]
		if gf == nil {
			continue
		}
		switch gf.kind {
		case kindRef:
			_, limit, err := pageArgs(g.fields[0].ArgumentMap(x.vars), 1, MaxConnection)
			if err != nil {
				return 0, 0, gqlerror.Errorf("%s: %s", g.fields[0].Name, err.Error())
			}
			below, d := 0, depth+1
			for _, edges := range fieldsNamed(g.merged(), "edges") {
				for _, node := range fieldsNamed(edges.SelectionSet, "node") {
					for _, t := range x.s.ctType {
						n, nd, err := x.cost(t, node.SelectionSet, depth+1)
						if err != nil {
							return 0, 0, err
						}
						below, d = max(below, n), max(d, nd)
					}
				}
			}
			records, deepest = records+limit*(1+below), max(deepest, d)
		case kindObject, kindBlocks:
			n, d, err := x.nestedCost(gf, g.merged(), depth)
			if err != nil {
				return 0, 0, err
			}
			records, deepest = records+n, max(deepest, d)
		}
	}
	return records, deepest, nil
}

// nestedCost is cost for a group or modular blocks field.
func (x *exec) nestedCost(gf *gqlField, sel ast.SelectionSet, depth int) (int, int, *gqlerror.Error) {
	if gf.kind == kindObject {
		return x.cost(gf.typ, sel, depth)
	}
	records, deepest := 0, depth
	for blockUID, member := range x.s.unions[gf.typ] {
		inner := x.s.objects[member].fields[blockUID].typ
		for _, bg := range x.collect(member, sel) {
			if bg.fields[0].Name == blockUID {
				n, d, err := x.cost(inner, bg.merged(), depth)
				if err != nil {
					return 0, 0, err
				}
				records, deepest = records+n, max(deepest, d)
			}
		}
	}
	return records, deepest, nil
}

// selectionDepth is how deep sel nests, through fragments.
func selectionDepth(sel ast.SelectionSet, depth int) int {
	deepest := depth
	for _, s := range sel {
		var inner ast.SelectionSet
		next := depth
		switch s := s.(type) {
		case *ast.Field:
			inner, next = s.SelectionSet, depth+1
		case *ast.InlineFragment:
			inner = s.SelectionSet
		case *ast.FragmentSpread:
			if s.Definition != nil {
				inner = s.Definition.SelectionSet
			}
		}
		deepest = max(deepest, selectionDepth(inner, next))
	}
	return deepest
}
