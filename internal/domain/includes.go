package domain

import (
	"regexp"
	"slices"
	"strings"
)

// Includes is a set of include[] paths as a tree: each key is the uid of a
// field (or of a block, inside modular blocks) and its value the paths
// that continue below it. Below a reference field the path continues in
// the schema of the referenced entries, so `author.books` includes the
// entries of author and, in them, the entries of books.
type Includes map[string]Includes

// Limits of include[]: Contentstack documents an include depth of three
// levels of references for a reference field, and the delivery GraphQL
// API fetches at most 7,500 objects in one query; stackd applies both to
// include[] on every API (docs/compatibility.md).
const (
	MaxIncludeDepth    = 3    // references one include[] path may follow
	MaxIncludePaths    = 100  // include[] values in one request
	MaxIncludedObjects = 7500 // referenced entries one answer may show
	maxIncludeLength   = 1000 // bytes of one include[] value
	maxIncludeSegments = 40   // dotted segments of one include[] value
)

var includeSegment = regexp.MustCompile(`^[A-Za-z0-9_]{1,100}$`)

// ParseIncludes reads the values of include[]: dotted paths of field (and
// block) uids. Repeated and overlapping paths merge. An empty list is nil.
// A path that is empty, too long or not made of uids is a 422 naming
// include; a path that names no reference field of the schema is not an
// error (it is ignored when references are resolved), since a path can
// hold in one content type a reference field can point to and not in
// another.
func ParseIncludes(values []string) (Includes, error) {
	if len(values) == 0 {
		return nil, nil
	}
	if len(values) > MaxIncludePaths {
		return nil, ErrInvalid("include", "takes at most 100 paths.")
	}
	out := Includes{}
	for _, v := range values {
		if len(v) > maxIncludeLength {
			return nil, ErrInvalid("include", "has a path longer than 1000 characters.")
		}
		segs := strings.Split(v, ".")
		if len(segs) > maxIncludeSegments {
			return nil, ErrInvalid("include", "has a path of more than 40 segments.")
		}
		node := out
		for _, s := range segs {
			if !includeSegment.MatchString(s) {
				return nil, ErrInvalid("include", "paths are field uids joined by dots, such as author or author.books.")
			}
			next, ok := node[s]
			if !ok {
				next = Includes{}
				node[s] = next
			}
			node = next
		}
	}
	return out, nil
}

// Key is a canonical text of the tree: two trees with the same paths have
// the same key.
func (inc Includes) Key() string {
	if len(inc) == 0 {
		return ""
	}
	keys := make([]string, 0, len(inc))
	for k := range inc {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k)
		b.WriteString(inc[k].Key())
	}
	b.WriteByte('}')
	return b.String()
}

// RefVisit is called for each reference field value an include path
// reaches: the path to the field (field and block uids joined by dots,
// as include[] names it), the field, the paths that continue in the
// referenced entries, and the stored value (a list of {uid,
// _content_type_uid}). What it returns replaces the value.
type RefVisit func(path string, f Field, below Includes, v any) any

// WalkIncludes calls visit for every reference field value in data (an
// entry's fields, as stored) that inc names, following fields (a schema
// with its global fields expanded) into groups, global fields and modular
// blocks. Paths that name no reference field are skipped.
func WalkIncludes(fields []Field, data map[string]any, inc Includes, visit RefVisit) {
	walkIncludes("", fields, data, inc, visit)
}

func walkIncludes(at string, fields []Field, data map[string]any, inc Includes, visit RefVisit) {
	for key, below := range inc {
		f, ok := fieldByUID(fields, key)
		if !ok {
			continue
		}
		v, present := data[key]
		if !present {
			continue
		}
		path := joinPath(at, key)
		switch f.DataType {
		case TypeReference:
			data[key] = visit(path, f, below, v)
		case TypeGroup, TypeGlobalField:
			for _, obj := range objectsOf(v) {
				walkIncludes(path, f.Schema, obj, below, visit)
			}
		case TypeBlocks:
			walkBlockIncludes(path, f, v, below, visit)
		}
	}
}

// walkBlockIncludes follows include paths into the blocks of a modular
// blocks value: path segments below the field name blocks.
func walkBlockIncludes(at string, f Field, v any, inc Includes, visit RefVisit) {
	for _, item := range objectsOf(v) {
		for blockUID, below := range inc {
			b, ok := blockByUID(f.Blocks, blockUID)
			if !ok {
				continue
			}
			if inner, ok := item[blockUID].(map[string]any); ok {
				walkIncludes(joinPath(at, blockUID), b.Schema, inner, below, visit)
			}
		}
	}
}

// RefTarget is one reference as stored: the referenced entry's uid and
// content type.
type RefTarget struct {
	UID         string
	ContentType string
}

// RefTargets reads a stored reference value: the targets of its items in
// order. Items that are not references are skipped.
func RefTargets(v any) []RefTarget {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case map[string]any:
		items = []any{x}
	}
	out := make([]RefTarget, 0, len(items))
	for _, it := range items {
		uid, ct := refParts(it)
		if uid != "" {
			out = append(out, RefTarget{UID: uid, ContentType: ct})
		}
	}
	return out
}

// FileVisit is called for each file field value: the field and the value
// as stored (an asset uid, or a list of them). What it returns replaces
// the value; returning drop removes the key.
type FileVisit func(f Field, v any) (out any, drop bool)

// WalkFiles calls visit for every file field value in data, following
// fields into groups, global fields and modular blocks.
func WalkFiles(fields []Field, data map[string]any, visit FileVisit) {
	for _, f := range fields {
		v, ok := data[f.UID]
		if !ok {
			continue
		}
		switch f.DataType {
		case TypeFile:
			if out, drop := visit(f, v); drop {
				delete(data, f.UID)
			} else {
				data[f.UID] = out
			}
		case TypeGroup, TypeGlobalField:
			for _, obj := range objectsOf(v) {
				WalkFiles(f.Schema, obj, visit)
			}
		case TypeBlocks:
			for _, item := range objectsOf(v) {
				for _, b := range f.Blocks {
					if inner, ok := item[b.UID].(map[string]any); ok {
						WalkFiles(b.Schema, inner, visit)
					}
				}
			}
		}
	}
}

// FieldAt returns the field a dotted query path ends at, through groups,
// global fields and modular blocks (a block uid is a segment of the path).
func FieldAt(fields []Field, path string) (Field, bool) {
	keys := strings.Split(path, ".")
	for i := 0; i < len(keys); i++ {
		f, ok := fieldByUID(fields, keys[i])
		if !ok {
			return Field{}, false
		}
		if i == len(keys)-1 {
			return f, true
		}
		switch f.DataType {
		case TypeGroup, TypeGlobalField:
			fields = f.Schema
		case TypeBlocks:
			i++
			b, ok := blockByUID(f.Blocks, keys[i])
			if !ok {
				return Field{}, false
			}
			if i == len(keys)-1 {
				return Field{}, false
			}
			fields = b.Schema
		default:
			return Field{}, false
		}
	}
	return Field{}, false
}
