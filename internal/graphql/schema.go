// Package graphql is stackd's GraphQL Content Delivery API: a schema
// derived at request time from a stack's content types and global fields,
// parsed and validated by gqlparser, and executed by stackd's own small
// executor over the entries and assets the delivery side serves. It does
// no I/O: a Fetcher supplies published content, already shown as the REST
// CDA shows it, with the references a query selects resolved in batches.
package graphql

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/stackd/stackd/internal/domain"
)

// Limits, from Contentstack's GraphQL limitations where it documents them
// (docs/compatibility.md): schemas of at most 100 content types, 7,500
// records per query, 100 records per reference connection, nested
// references 3 deep; a page of at most 100 items.
const (
	MaxContentTypes   = 100
	MaxRecords        = 7500
	MaxConnection     = 100
	MaxRefDepth       = domain.MaxIncludeDepth
	MaxLimit          = 100
	DefaultLimit      = 25
	MaxSelectionDepth = 20
)

// fieldKind says how a GraphQL field of a content object is resolved.
type fieldKind int

const (
	kindValue  fieldKind = iota // a stored value (scalars, JSON, lists of them)
	kindObject                  // a group or global field: a nested object
	kindBlocks                  // modular blocks: a list of union members
	kindRef                     // <uid>Connection of a reference field
	kindFile                    // <uid>Connection of a file field
	kindLink                    // a link {title, href}
	kindSystem                  // the system fields of an entry or asset
	kindDate                    // an isodate value
)

// gqlField is how one field of an object type maps onto stored content.
type gqlField struct {
	kind     fieldKind
	uid      string // the key in the stored object
	multiple bool
	typ      string // the object or union type of kindObject and kindBlocks
}

// object describes an object type built from content: an entry type
// (ct set), a group or global field, or a block.
type object struct {
	ct     string // content type uid of an entry type
	block  string // uid of the block a block member type wraps
	fields map[string]*gqlField
	schema []domain.Field // for where inputs and includes
}

// Schema is a stack's GraphQL schema and how its types map onto content.
type Schema struct {
	AST     *ast.Schema
	SDL     string
	objects map[string]*object
	ctType  map[string]string              // content type uid → its type name
	unions  map[string]map[string]string   // blocks union → block uid → member type
	roots   map[string]rootField           // Query field → what it reads
	refs    map[string]map[string]struct{} // reference union → the content types it holds
	wheres  map[string]map[string]whereKey // where input → its fields
}

// rootField is a field of Query.
type rootField struct {
	kind string // "entry", "entries", "asset", "assets"
	ct   string
}

var gqlName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]*$`)

// pascal turns a uid into a type name part: blog_post → BlogPost.
func pascal(uid string) string {
	var b strings.Builder
	for _, part := range strings.Split(uid, "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// builder accumulates the SDL and the type map.
type builder struct {
	s     *Schema
	sdl   strings.Builder
	taken map[string]bool
	cts   map[string]bool
}

// reserved are type names the schema defines itself.
var reserved = []string{"Query", "SysAsset", "SysAssetConnection", "SysAssetEdge", "AllSysAsset", "SysAssetWhere",
	"AssetSystemField", "EntrySystemField", "SystemPublishDetails", "AssetDimension", "Link", "EntryOrderBy", "JSON", "DateTime"}

// Build derives the schema of a stack: one object type per content type
// (global fields expanded from gfs), with its root fields <uid> and
// all_<uid>, plus assets and all_assets. Content types and fields whose
// uids are not GraphQL names are left out, as are content types named
// like a root field of assets; at most MaxContentTypes content types.
func Build(cts []domain.ContentType, gfs map[string][]domain.Field) (*Schema, error) {
	b := &builder{s: &Schema{objects: map[string]*object{}, ctType: map[string]string{}, unions: map[string]map[string]string{},
		roots: map[string]rootField{}, refs: map[string]map[string]struct{}{},
		wheres: map[string]map[string]whereKey{}}, taken: map[string]bool{}, cts: map[string]bool{}}
	for _, n := range reserved {
		b.taken[n] = true
	}
	sort.Slice(cts, func(i, j int) bool { return cts[i].UID < cts[j].UID })
	if len(cts) > MaxContentTypes {
		cts = cts[:MaxContentTypes]
	}
	for _, ct := range cts {
		if gqlName.MatchString(ct.UID) && ct.UID != "assets" && !strings.HasPrefix(ct.UID, "all_") {
			b.cts[ct.UID] = true
			b.s.ctType[ct.UID] = b.name(pascal(ct.UID))
		}
	}
	b.fixed()
	b.whereInput("SysAssetWhere", assetWhereFields, true)
	var query []string
	for _, ct := range cts {
		if !b.cts[ct.UID] {
			continue
		}
		b.entryType(ct, domain.Expand(ct.Schema, gfs))
		query = append(query, b.rootFields(ct.UID)...)
	}
	query = append(query, `assets(uid: String!, locale: String, fallback_locale: Boolean): SysAsset`,
		`all_assets(where: SysAssetWhere, locale: String, fallback_locale: Boolean, skip: Int, limit: Int, order_by: [EntryOrderBy]): AllSysAsset`)
	b.s.roots["assets"], b.s.roots["all_assets"] = rootField{kind: "asset"}, rootField{kind: "assets"}
	fmt.Fprintf(&b.sdl, "type Query {\n  %s\n}\n", strings.Join(query, "\n  "))
	b.s.SDL = b.sdl.String()
	parsed, err := gqlparser.LoadSchema(&ast.Source{Name: "stack", Input: b.s.SDL})
	if err != nil {
		return nil, fmt.Errorf("graphql: build schema: %w", err)
	}
	b.s.AST = parsed
	return b.s, nil
}

// name reserves a type name, with a numeric suffix when it is taken
// (two content types or fields whose names collide).
func (b *builder) name(want string) string {
	n := want
	for i := 2; b.taken[n]; i++ {
		n = fmt.Sprintf("%s%d", want, i)
	}
	b.taken[n] = true
	return n
}

func (b *builder) rootFields(ct string) []string {
	t := b.s.ctType[ct]
	b.s.roots[ct] = rootField{kind: "entry", ct: ct}
	b.s.roots["all_"+ct] = rootField{kind: "entries", ct: ct}
	return []string{
		fmt.Sprintf("%s(uid: String!, locale: String, fallback_locale: Boolean): %s", ct, t),
		fmt.Sprintf("all_%s(where: %sWhere, locale: String, fallback_locale: Boolean, skip: Int, limit: Int, order_by: [EntryOrderBy]): All%s", ct, t, t),
	}
}

// assetWhereFields are the asset fields all_assets(where:) may test.
var assetWhereFields = []domain.Field{{UID: "title", DataType: domain.TypeText}, {UID: "filename", DataType: domain.TypeText},
	{UID: "content_type", DataType: domain.TypeText}, {UID: "description", DataType: domain.TypeText},
	{UID: "file_size", DataType: domain.TypeNumber}}

// fixed writes the types every schema has.
func (b *builder) fixed() {
	b.sdl.WriteString(`scalar JSON
scalar DateTime
enum EntryOrderBy { created_at_ASC created_at_DESC updated_at_ASC updated_at_DESC }
type Link { title: String href: String }
type SystemPublishDetails { environment: String locale: String time: DateTime user: String }
type EntrySystemField { uid: String content_type_uid: String locale: String version: Int created_at: DateTime updated_at: DateTime created_by: String updated_by: String tags: [String] publish_details: SystemPublishDetails }
type AssetSystemField { uid: String content_type_uid: String locale: String version: Int created_at: DateTime updated_at: DateTime created_by: String updated_by: String tags: [String] publish_details: SystemPublishDetails }
type AssetDimension { width: Int height: Int }
type SysAsset { title: String url: String filename: String content_type: String file_size: Int description: String dimension: AssetDimension system: AssetSystemField }
type SysAssetEdge { node: SysAsset }
type SysAssetConnection { totalCount: Int edges: [SysAssetEdge] }
type AllSysAsset { total: Int items: [SysAsset] }
`)
}

// entryType writes the object type of a content type, its list type and
// its where input.
func (b *builder) entryType(ct domain.ContentType, fields []domain.Field) {
	t := b.s.ctType[ct.UID]
	obj := b.objectType(t, fields, `system: EntrySystemField`)
	obj.ct = ct.UID
	obj.fields["system"] = &gqlField{kind: kindSystem}
	fmt.Fprintf(&b.sdl, "type All%s { total: Int items: [%s] }\n", t, t)
	b.taken["All"+t] = true
	b.whereInput(t+"Where", fields, true)
}

// objectType writes an object type with the fields of schema (and extra
// SDL field lines) and returns its description.
func (b *builder) objectType(t string, schema []domain.Field, extra ...string) *object {
	obj := &object{fields: map[string]*gqlField{}, schema: schema}
	b.s.objects[t] = obj
	lines := append([]string{}, extra...)
	for _, f := range schema {
		if !gqlName.MatchString(f.UID) {
			continue
		}
		if line := b.field(t, obj, f); line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		lines = append(lines, "_empty: Boolean") // a type needs a field; a schema of unnamed fields has none
	}
	fmt.Fprintf(&b.sdl, "type %s {\n  %s\n}\n", t, strings.Join(lines, "\n  "))
	return obj
}

// list wraps a GraphQL type for a multiple field.
func list(t string, multiple bool) string {
	if multiple {
		return "[" + t + "]"
	}
	return t
}

// field writes one content field of parent type t and returns its SDL line.
func (b *builder) field(t string, obj *object, f domain.Field) string {
	g := &gqlField{uid: f.UID, multiple: f.Multiple}
	name, typ := f.UID, ""
	switch f.DataType {
	case domain.TypeText:
		typ = list("String", f.Multiple)
	case domain.TypeNumber:
		typ = list("Float", f.Multiple)
	case domain.TypeBoolean:
		typ = list("Boolean", f.Multiple)
	case domain.TypeDate:
		g.kind, typ = kindDate, list("DateTime", f.Multiple)
	case domain.TypeJSON:
		typ = "JSON"
	case domain.TypeLink:
		g.kind, typ = kindLink, list("Link", f.Multiple)
	case domain.TypeFile:
		g.kind, name, typ = kindFile, f.UID+"Connection", "SysAssetConnection"
	case domain.TypeReference:
		g.kind, name = kindRef, f.UID+"Connection"
		typ = b.refConnection(t+pascal(f.UID), f.ReferenceTo)
		name += "(skip: Int, limit: Int)"
	case domain.TypeGroup, domain.TypeGlobalField:
		g.kind, g.typ = kindObject, b.name(t+pascal(f.UID))
		b.objectType(g.typ, f.Schema)
		typ = list(g.typ, f.Multiple)
	case domain.TypeBlocks:
		g.kind, g.typ = kindBlocks, b.blocks(t+pascal(f.UID), f.Blocks)
		if g.typ == "" {
			return ""
		}
		typ = "[" + g.typ + "]"
	default:
		return ""
	}
	obj.fields[strings.SplitN(name, "(", 2)[0]] = g
	return name + ": " + typ
}

// refConnection writes the connection, edge and node union of a reference
// field that points to the content types cts, and returns the connection
// type. References to content types not in the schema are dropped; a
// field pointing to none of them still gets a connection (always empty).
func (b *builder) refConnection(base string, cts []string) string {
	conn, edge, node := b.name(base+"Connection"), b.name(base+"Edge"), b.name(base+"Node")
	var members []string
	held := map[string]struct{}{}
	for _, ct := range cts {
		if b.cts[ct] {
			members = append(members, b.s.ctType[ct])
			held[ct] = struct{}{}
		}
	}
	b.s.refs[node] = held
	nodeType := node
	if len(members) == 0 {
		nodeType = "JSON"
	} else {
		fmt.Fprintf(&b.sdl, "union %s = %s\n", node, strings.Join(members, " | "))
	}
	fmt.Fprintf(&b.sdl, "type %s { node: %s }\ntype %s { totalCount: Int edges: [%s] }\n", edge, nodeType, conn, edge)
	return conn
}

// blocks writes the union of a modular blocks field, one member type per
// block wrapping the block's object, and returns the union's name ("" when
// no block has a usable uid).
func (b *builder) blocks(base string, blocks []domain.Block) string {
	union := b.name(base)
	members := map[string]string{}
	var names []string
	for _, bl := range blocks {
		if !gqlName.MatchString(bl.UID) {
			continue
		}
		member := b.name(base + pascal(bl.UID))
		inner := b.name(member + "Block")
		b.objectType(inner, bl.Schema)
		fmt.Fprintf(&b.sdl, "type %s { %s: %s }\n", member, bl.UID, inner)
		b.s.objects[member] = &object{block: bl.UID, fields: map[string]*gqlField{bl.UID: {kind: kindObject, uid: bl.UID, typ: inner}}}
		members[bl.UID] = member
		names = append(names, member)
	}
	if len(names) == 0 {
		return ""
	}
	b.s.unions[union] = members
	fmt.Fprintf(&b.sdl, "union %s = %s\n", union, strings.Join(names, " | "))
	return union
}

// whereKey is what one field of a where input means: a condition on path
// with a query-language operator, a nested where input (groups), or a
// logical combination.
type whereKey struct {
	path   string
	op     string // "" (equals), "$ne", "$in", …; "$and"/"$or" for AND and OR
	nested string // the where input of a group
}

// whereOps are the operators each kind of value may be tested with.
var whereOps = map[string][]struct{ suffix, op string }{
	"String":   {{"", ""}, {"_ne", "$ne"}, {"_in", "$in"}, {"_nin", "$nin"}, {"_exists", "$exists"}},
	"Boolean":  {{"", ""}, {"_exists", "$exists"}},
	"Float":    {{"", ""}, {"_ne", "$ne"}, {"_in", "$in"}, {"_nin", "$nin"}, {"_lt", "$lt"}, {"_lte", "$lte"}, {"_gt", "$gt"}, {"_gte", "$gte"}, {"_exists", "$exists"}},
	"DateTime": {{"", ""}, {"_ne", "$ne"}, {"_in", "$in"}, {"_nin", "$nin"}, {"_lt", "$lt"}, {"_lte", "$lte"}, {"_gt", "$gt"}, {"_gte", "$gte"}, {"_exists", "$exists"}},
}

// whereInput writes the where input of an object's schema; top adds the
// system fields every entry can be tested on.
func (b *builder) whereInput(name string, schema []domain.Field, top bool) {
	b.taken[name] = true
	keys := map[string]whereKey{}
	var lines []string
	add := func(path, typ string) {
		for _, o := range whereOps[typ] {
			k := path + o.suffix
			if _, dup := keys[k]; dup || !gqlName.MatchString(k) {
				continue
			}
			t := typ
			switch o.op {
			case "$in", "$nin":
				t = "[" + typ + "]"
			case "$exists":
				t = "Boolean"
			}
			keys[k] = whereKey{path: path, op: o.op}
			lines = append(lines, k+": "+t)
		}
	}
	if top {
		add("uid", "String")
		add("created_at", "DateTime")
		add("updated_at", "DateTime")
	}
	for _, f := range schema {
		if !gqlName.MatchString(f.UID) {
			continue
		}
		switch f.DataType {
		case domain.TypeText:
			add(f.UID, "String")
		case domain.TypeNumber:
			add(f.UID, "Float")
		case domain.TypeBoolean:
			add(f.UID, "Boolean")
		case domain.TypeDate:
			add(f.UID, "DateTime")
		case domain.TypeGroup, domain.TypeGlobalField:
			nested := b.name(strings.TrimSuffix(name, "Where") + pascal(f.UID) + "Where")
			b.whereInput(nested, f.Schema, false)
			keys[f.UID] = whereKey{path: f.UID, nested: nested}
			lines = append(lines, f.UID+": "+nested)
		}
	}
	keys["AND"], keys["OR"] = whereKey{op: "$and", nested: name}, whereKey{op: "$or", nested: name}
	lines = append(lines, "AND: ["+name+"]", "OR: ["+name+"]")
	b.s.wheres[name] = keys
	fmt.Fprintf(&b.sdl, "input %s {\n  %s\n}\n", name, strings.Join(lines, "\n  "))
}
