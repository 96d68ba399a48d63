package graphql

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/stackd/stackd/internal/domain"
)

// Fetcher supplies what a query reads: entries and assets as the delivery
// side serves them to one environment, shown as the REST CDA shows them
// (maps), with the references Include names expanded into the entries
// they point to (each carrying _content_type_uid) and file fields shown as
// asset objects. It is called once per root field, so a query's cost in
// database queries is bounded by its root fields, not by its references.
type Fetcher interface {
	Entries(ctx context.Context, q EntryQuery) (items []map[string]any, total int, err error)
	Assets(ctx context.Context, q AssetQuery) (items []map[string]any, total int, err error)
}

// EntryQuery asks for one entry (UID) or a page of a content type's entries.
type EntryQuery struct {
	ContentType string
	UID         string
	Locale      string // "" = the master locale
	Fallback    bool
	Query       map[string]any // the where argument in the JSON query language; nil = all
	Asc, Desc   string
	Skip, Limit int
	Count       bool
	Include     domain.Includes
}

// AssetQuery asks for one asset (UID) or a page of assets.
type AssetQuery struct {
	UID         string
	Locale      string
	Fallback    bool
	Query       map[string]any
	Asc, Desc   string
	Skip, Limit int
	Count       bool
}

// Request is a GraphQL request as posted (or sent as GET parameters).
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// Response is a GraphQL response: data (absent when the request could not
// be executed at all) and errors.
type Response struct {
	Data   any           `json:"data,omitempty"`
	Errors gqlerror.List `json:"errors,omitempty"`
}

// Execute parses, validates and runs req against the schema. A request
// that cannot run (syntax, validation, variables, limits) comes back with
// errors and no data, and invalid reports it; errors while resolving leave
// null in data and an error with its path.
func (s *Schema) Execute(ctx context.Context, req Request, f Fetcher) (resp Response, invalid bool) {
	doc, errs := gqlparser.LoadQueryWithRules(s.AST, req.Query, nil)
	if len(errs) > 0 {
		return Response{Errors: errs}, true
	}
	op, err := operation(doc, req.OperationName)
	if err != nil {
		return Response{Errors: gqlerror.List{err}}, true
	}
	vars, verr := validator.VariableValues(s.AST, op, req.Variables)
	if verr != nil {
		return Response{Errors: gqlerror.List{asGQLError(verr)}}, true
	}
	x := &exec{s: s, ctx: ctx, f: f, vars: vars}
	if err := x.checkLimits(op); err != nil {
		return Response{Errors: gqlerror.List{err}}, true
	}
	data := x.object("Query", nil, op.SelectionSet, nil)
	return Response{Data: data, Errors: x.errs}, false
}

func operation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *gqlerror.Error) {
	if name == "" {
		if len(doc.Operations) != 1 {
			return nil, gqlerror.Errorf("operationName is required when the document holds several operations")
		}
		return doc.Operations[0], nil
	}
	if op := doc.Operations.ForName(name); op != nil {
		return op, nil
	}
	return nil, gqlerror.Errorf("no operation named %q", name)
}

func asGQLError(err error) *gqlerror.Error {
	if e, ok := err.(*gqlerror.Error); ok {
		return e
	}
	return gqlerror.Errorf("%s", err.Error())
}

// exec is one execution of an operation.
type exec struct {
	s    *Schema
	ctx  context.Context
	f    Fetcher
	vars map[string]any
	errs gqlerror.List
}

// ordered is a JSON object whose keys keep the order of the selection.
type ordered []kv

type kv struct {
	k string
	v any
}

// MarshalJSON writes the object with its keys in order.
func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// object resolves the selection set sel on value v of object type t.
func (x *exec) object(t string, v any, sel ast.SelectionSet, path ast.Path) ordered {
	groups := x.collect(t, sel)
	out := make(ordered, 0, len(groups))
	for _, g := range groups {
		f := g.fields[0]
		p := append(append(ast.Path{}, path...), ast.PathName(g.key))
		val, err := x.resolve(t, v, f, p)
		if err != nil {
			x.errs = append(x.errs, &gqlerror.Error{Message: err.Error(), Path: p, Locations: []gqlerror.Location{{Line: f.Position.Line, Column: f.Position.Column}}})
			out = append(out, kv{g.key, nil})
			continue
		}
		out = append(out, kv{g.key, x.complete(f.Definition.Type, g.merged(), val, p)})
	}
	return out
}

// group is the fields of one response key, merged from fragments.
type group struct {
	key    string
	fields []*ast.Field
}

func (g group) merged() ast.SelectionSet {
	if len(g.fields) == 1 {
		return g.fields[0].SelectionSet
	}
	var out ast.SelectionSet
	for _, f := range g.fields {
		out = append(out, f.SelectionSet...)
	}
	return out
}

// collect flattens sel for object type t: fields whose @skip/@include let
// them in, from fragments whose type condition t satisfies, grouped by
// response key in order of first appearance.
func (x *exec) collect(t string, sel ast.SelectionSet) []group {
	var out []group
	index := map[string]int{}
	var walk func(ast.SelectionSet)
	walk = func(sel ast.SelectionSet) {
		for _, s := range sel {
			switch s := s.(type) {
			case *ast.Field:
				if !x.included(s.Directives) {
					continue
				}
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				if i, ok := index[key]; ok {
					out[i].fields = append(out[i].fields, s)
					continue
				}
				index[key] = len(out)
				out = append(out, group{key: key, fields: []*ast.Field{s}})
			case *ast.InlineFragment:
				if x.included(s.Directives) && x.applies(s.TypeCondition, t) {
					walk(s.SelectionSet)
				}
			case *ast.FragmentSpread:
				if x.included(s.Directives) && s.Definition != nil && x.applies(s.Definition.TypeCondition, t) {
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(sel)
	return out
}

// included evaluates @skip and @include.
func (x *exec) included(dirs ast.DirectiveList) bool {
	if d := dirs.ForName("skip"); d != nil {
		if v, _ := d.ArgumentMap(x.vars)["if"].(bool); v {
			return false
		}
	}
	if d := dirs.ForName("include"); d != nil {
		if v, _ := d.ArgumentMap(x.vars)["if"].(bool); !v {
			return false
		}
	}
	return true
}

// applies reports whether a fragment on cond applies to object type t.
func (x *exec) applies(cond, t string) bool {
	if cond == "" || cond == t {
		return true
	}
	def := x.s.AST.Types[cond]
	if def == nil || !def.IsAbstractType() {
		return false
	}
	for _, p := range x.s.AST.GetPossibleTypes(def) {
		if p.Name == t {
			return true
		}
	}
	return false
}

// complete shapes a resolved value by its GraphQL type.
func (x *exec) complete(t *ast.Type, sel ast.SelectionSet, v any, path ast.Path) any {
	if v == nil || t == nil {
		return nil
	}
	if t.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			items = []any{v} // a single value where a list is declared
		}
		out := make([]any, len(items))
		for i, it := range items {
			out[i] = x.complete(t.Elem, sel, it, append(append(ast.Path{}, path...), ast.PathIndex(i)))
		}
		return out
	}
	def := x.s.AST.Types[t.NamedType]
	if def == nil {
		return nil
	}
	switch def.Kind {
	case ast.Scalar, ast.Enum:
		return scalar(def.Name, v)
	case ast.Object:
		return x.object(def.Name, v, sel, path)
	default:
		name := x.typeOf(def, v)
		if name == "" {
			return nil
		}
		return x.object(name, v, sel, path)
	}
}

// scalar coerces a stored value to the GraphQL scalar name.
func scalar(name string, v any) any {
	switch name {
	case "Int":
		switch n := v.(type) {
		case float64:
			return int64(n)
		case int:
			return n
		case int64:
			return n
		case string:
			if i, err := strconv.ParseInt(n, 10, 64); err == nil {
				return i
			}
		}
		return nil
	case "Float":
		if n, ok := v.(float64); ok {
			return n
		}
		return nil
	case "Boolean":
		if b, ok := v.(bool); ok {
			return b
		}
		return nil
	case "String", "DateTime", "ID":
		switch s := v.(type) {
		case string:
			return s
		case float64, bool:
			return fmt.Sprint(s)
		}
		return nil
	}
	return v // JSON, enums
}
