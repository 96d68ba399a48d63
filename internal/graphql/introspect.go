package graphql

import (
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// Introspection (__schema, __type) answered from the parsed schema, so
// GraphiQL and code generators can read a stack's schema.
type (
	schemaVal struct{}
	// typeRef is a __Type: a named definition, or a list or non-null
	// wrapper (t set) around another type.
	typeRef struct {
		def *ast.Definition
		t   *ast.Type
	}
	fieldVal     struct{ f *ast.FieldDefinition }
	inputVal     struct{ a *ast.ArgumentDefinition }
	enumVal      struct{ v *ast.EnumValueDefinition }
	directiveVal struct{ d *ast.DirectiveDefinition }
)

// introspect resolves a field of an introspection type.
func (x *exec) introspect(v any, f *ast.Field) (any, error) {
	out, err := x.introspectValue(v, f)
	if t, ok := out.(typeExpr); ok {
		return x.ref(t.t), err
	}
	return out, err
}

func (x *exec) introspectValue(v any, f *ast.Field) (any, error) {
	switch v := v.(type) {
	case schemaVal:
		return x.schemaField(f.Name), nil
	case typeRef:
		return x.typeField(v, f), nil
	case fieldVal:
		return fieldField(v, f.Name), nil
	case inputVal:
		return inputField(v.a.Name, v.a.Description, v.a.Type, v.a.DefaultValue, f.Name), nil
	case enumVal:
		return deprecation(v.v.Name, v.v.Description, v.v.Directives, f.Name), nil
	case directiveVal:
		return directiveField(v, f.Name), nil
	}
	return nil, nil
}

func (x *exec) schemaField(name string) any {
	switch name {
	case "types":
		names := make([]string, 0, len(x.s.AST.Types))
		for n := range x.s.AST.Types {
			names = append(names, n)
		}
		sort.Strings(names)
		out := make([]any, len(names))
		for i, n := range names {
			out[i] = typeRef{def: x.s.AST.Types[n]}
		}
		return out
	case "queryType":
		return typeRef{def: x.s.AST.Query}
	case "directives":
		names := make([]string, 0, len(x.s.AST.Directives))
		for n := range x.s.AST.Directives {
			names = append(names, n)
		}
		sort.Strings(names)
		out := make([]any, len(names))
		for i, n := range names {
			out[i] = directiveVal{x.s.AST.Directives[n]}
		}
		return out
	}
	return nil // description, mutationType, subscriptionType
}

// typeField resolves a field of __Type.
func (x *exec) typeField(r typeRef, f *ast.Field) any {
	if r.t != nil {
		switch f.Name {
		case "kind":
			if r.t.NonNull {
				return "NON_NULL"
			}
			return "LIST"
		case "ofType":
			if r.t.NonNull {
				inner := *r.t
				inner.NonNull = false
				return x.ref(&inner)
			}
			return x.ref(r.t.Elem)
		}
		return nil
	}
	d := r.def
	switch f.Name {
	case "kind":
		return string(d.Kind)
	case "name":
		return d.Name
	case "description":
		return nilIfEmpty(d.Description)
	case "fields":
		if d.Kind != ast.Object && d.Kind != ast.Interface {
			return nil
		}
		var out []any
		for _, fd := range d.Fields {
			if !strings.HasPrefix(fd.Name, "__") {
				out = append(out, fieldVal{fd})
			}
		}
		return out
	case "interfaces":
		if d.Kind == ast.Object {
			return []any{}
		}
	case "possibleTypes":
		if d.IsAbstractType() {
			var out []any
			for _, p := range x.s.AST.GetPossibleTypes(d) {
				out = append(out, typeRef{def: p})
			}
			return out
		}
	case "enumValues":
		if d.Kind == ast.Enum {
			var out []any
			for _, ev := range d.EnumValues {
				out = append(out, enumVal{ev})
			}
			return out
		}
	case "inputFields":
		if d.Kind == ast.InputObject {
			var out []any
			for _, fd := range d.Fields {
				out = append(out, inputVal{&ast.ArgumentDefinition{Name: fd.Name, Description: fd.Description, Type: fd.Type, DefaultValue: fd.DefaultValue}})
			}
			return out
		}
	case "isOneOf":
		return d.Directives.ForName("oneOf") != nil
	}
	return nil
}

// ref is the __Type of a type expression.
func (x *exec) ref(t *ast.Type) any {
	if t == nil {
		return nil
	}
	if t.NonNull || t.Elem != nil {
		return typeRef{t: t}
	}
	return typeRef{def: x.s.AST.Types[t.NamedType]}
}

func fieldField(v fieldVal, name string) any {
	switch name {
	case "args":
		out := []any{}
		for _, a := range v.f.Arguments {
			out = append(out, inputVal{a})
		}
		return out
	case "type":
		return typeExpr{v.f.Type}
	}
	return deprecation(v.f.Name, v.f.Description, v.f.Directives, name)
}

// typeExpr is a type expression that introspect turns into a __Type.
type typeExpr struct{ t *ast.Type }

func inputField(n, desc string, t *ast.Type, def *ast.Value, name string) any {
	switch name {
	case "name":
		return n
	case "description":
		return nilIfEmpty(desc)
	case "type":
		return typeExpr{t}
	case "defaultValue":
		if def == nil {
			return nil
		}
		return def.String()
	case "isDeprecated":
		return false
	}
	return nil
}

func deprecation(n, desc string, dirs ast.DirectiveList, name string) any {
	dep := dirs.ForName("deprecated")
	switch name {
	case "name":
		return n
	case "description":
		return nilIfEmpty(desc)
	case "isDeprecated":
		return dep != nil
	case "deprecationReason":
		if dep == nil {
			return nil
		}
		if a := dep.Arguments.ForName("reason"); a != nil {
			return a.Value.Raw
		}
		return "No longer supported"
	}
	return nil
}

func directiveField(v directiveVal, name string) any {
	switch name {
	case "name":
		return v.d.Name
	case "description":
		return nilIfEmpty(v.d.Description)
	case "locations":
		out := make([]any, len(v.d.Locations))
		for i, l := range v.d.Locations {
			out[i] = string(l)
		}
		return out
	case "args":
		out := []any{}
		for _, a := range v.d.Arguments {
			out = append(out, inputVal{a})
		}
		return out
	case "isRepeatable":
		return v.d.IsRepeatable
	}
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
