package domain

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// ContentType is the structure of a stack's entries: a schema of fields
// and a few options.
type ContentType struct {
	APIKey      string
	UID         string
	Title       string
	Description string
	Schema      []Field
	Options     json.RawMessage // {"title","is_page","singleton","url_pattern",…}
	Version     int
	CreatedBy   string
	UpdatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// GlobalField is a reusable schema that content types embed with a field
// of data type global_field.
type GlobalField struct {
	APIKey      string
	UID         string
	Title       string
	Description string
	Schema      []Field
	Version     int
	CreatedBy   string
	UpdatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

var schemaUID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,99}$`)

// ValidateContentType checks a content type's uid, title, description and
// options; its schema was checked by ParseSchema.
func ValidateContentType(ct *ContentType) error {
	if err := validateSchemaOwner(ct.UID, ct.Title, ct.Description); err != nil {
		return err
	}
	return validateOptions(ct.Options)
}

// ValidateGlobalField checks a global field's uid, title and description.
func ValidateGlobalField(g *GlobalField) error {
	return validateSchemaOwner(g.UID, g.Title, g.Description)
}

func validateSchemaOwner(uid, title, description string) error {
	if !CleanText(title) || !CleanText(description) {
		return ErrInvalid("title", "must not contain NUL characters or invalid UTF-8.")
	}
	if !schemaUID.MatchString(uid) {
		return ErrInvalid("uid", "must start with a lowercase letter and contain only lowercase letters, digits and underscores (at most 100).")
	}
	if err := ValidateName("title", title, true, 255); err != nil {
		return err
	}
	return ValidateName("description", description, false, 2000)
}

// validateOptions checks the types of the options stackd reads; other
// keys are kept as sent.
func validateOptions(raw json.RawMessage) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return ErrInvalid("options", "must be an object.")
	}
	for key, want := range map[string]string{"title": "string", "url_pattern": "string", "url_prefix": "string",
		"is_page": "boolean", "singleton": "boolean"} {
		switch m[key].(type) {
		case nil:
		case string:
			if want != "string" {
				return ErrInvalid("options."+key, "must be a boolean.")
			}
		case bool:
			if want != "boolean" {
				return ErrInvalid("options."+key, "must be a string.")
			}
		default:
			return ErrInvalid("options."+key, "must be a "+want+".")
		}
	}
	return CleanJSON("options", raw)
}

// Singleton reports whether the content type allows only one entry.
func (ct ContentType) Singleton() bool {
	var o struct {
		Singleton bool `json:"singleton"`
	}
	_ = json.Unmarshal(ct.Options, &o)
	return o.Singleton
}

// SchemaRefs is what a schema may point to: the stack's content types and
// global fields. Self is the uid of the content type (or, with
// SelfGlobal, the global field) whose schema is checked.
type SchemaRefs struct {
	Self         string
	SelfGlobal   bool
	ContentTypes map[string]bool
	GlobalFields map[string][]Field
}

// Check reports references to content types or global fields that do
// not exist, and global fields that would embed themselves.
func (r SchemaRefs) Check(fields []Field) error {
	var p problems
	r.check(fields, "schema", &p)
	return p.result("The schema is not valid")
}

func (r SchemaRefs) check(fields []Field, at string, p *problems) {
	for i, f := range fields {
		fp := fmt.Sprintf("%s.%d", at, i)
		switch f.DataType {
		case TypeReference:
			for _, ct := range f.ReferenceTo {
				if !r.ContentTypes[ct] && !(ct == r.Self && !r.SelfGlobal) {
					p.add(fp+".reference_to", "the content type %q does not exist.", ct)
				}
			}
		case TypeGlobalField:
			r.checkGlobal(f.ReferenceTo[0], fp+".reference_to", p)
		case TypeGroup:
			r.check(f.Schema, fp+".schema", p)
		case TypeBlocks:
			for j, b := range f.Blocks {
				bp := fmt.Sprintf("%s.blocks.%d", fp, j)
				if b.ReferenceTo != "" {
					r.checkGlobal(b.ReferenceTo, bp+".reference_to", p)
				} else {
					r.check(b.Schema, bp+".schema", p)
				}
			}
		}
	}
}

func (r SchemaRefs) checkGlobal(uid, at string, p *problems) {
	if r.SelfGlobal && uid == r.Self {
		p.add(at, "a global field cannot embed itself.")
		return
	}
	if _, ok := r.GlobalFields[uid]; !ok {
		p.add(at, "the global field %q does not exist.", uid)
		return
	}
	if r.SelfGlobal && embeds(r.GlobalFields, uid, r.Self, map[string]bool{}) {
		p.add(at, "the global field %q embeds %q: global fields cannot embed each other in a cycle.", uid, r.Self)
	}
}

// embeds reports whether global field from embeds target, directly or not.
func embeds(gfs map[string][]Field, from, target string, seen map[string]bool) bool {
	if seen[from] {
		return false
	}
	seen[from] = true
	found := false
	walkGlobals(gfs[from], func(uid string) {
		found = found || uid == target || embeds(gfs, uid, target, seen)
	})
	return found
}

// walkGlobals calls fn with the uid of every global field fields embed
// directly (in groups and blocks too, but not inside other global fields).
func walkGlobals(fields []Field, fn func(uid string)) {
	for _, f := range fields {
		switch f.DataType {
		case TypeGlobalField:
			fn(f.ReferenceTo[0])
		case TypeGroup:
			walkGlobals(f.Schema, fn)
		case TypeBlocks:
			for _, b := range f.Blocks {
				if b.ReferenceTo != "" {
					fn(b.ReferenceTo)
				} else {
					walkGlobals(b.Schema, fn)
				}
			}
		}
	}
}

// EmbeddedGlobalFields lists the global fields that fields embed directly.
func EmbeddedGlobalFields(fields []Field) []string {
	var out []string
	walkGlobals(fields, func(u string) {
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	})
	return out
}

// UsesGlobalField reports whether fields embed the global field uid.
func UsesGlobalField(fields []Field, uid string) bool {
	return slices.Contains(EmbeddedGlobalFields(fields), uid)
}

// ReferencesContentType reports whether a reference field of fields (at
// any depth, global fields excluded) points to the content type uid.
func ReferencesContentType(fields []Field, uid string) bool {
	for _, f := range fields {
		switch {
		case f.DataType == TypeReference && slices.Contains(f.ReferenceTo, uid):
			return true
		case f.DataType == TypeGroup && ReferencesContentType(f.Schema, uid):
			return true
		case f.DataType == TypeBlocks:
			for _, b := range f.Blocks {
				if ReferencesContentType(b.Schema, uid) {
					return true
				}
			}
		}
	}
	return false
}

// Expand returns a copy of fields in which every global field, and every
// block that is a global field, carries that global field's schema
// (expanded too). Entries are validated and queried against the expanded
// schema. A global field missing from gfs expands to an empty schema.
func Expand(fields []Field, gfs map[string][]Field) []Field {
	return expand(fields, gfs, 0)
}

func expand(fields []Field, gfs map[string][]Field, depth int) []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		switch {
		case depth > maxSchemaDepth:
			f.Schema, f.Blocks = nil, nil
		case f.DataType == TypeGlobalField:
			f.Schema = expand(gfs[f.ReferenceTo[0]], gfs, depth+1)
		case f.DataType == TypeGroup:
			f.Schema = expand(f.Schema, gfs, depth+1)
		case f.DataType == TypeBlocks:
			blocks := make([]Block, len(f.Blocks))
			for j, b := range f.Blocks {
				if b.ReferenceTo != "" {
					b.Schema = expand(gfs[b.ReferenceTo], gfs, depth+1)
				} else {
					b.Schema = expand(b.Schema, gfs, depth+1)
				}
				blocks[j] = b
			}
			f.Blocks = blocks
		}
		out[i] = f
	}
	return out
}

// PathStep is one key of a field path in an entry; Array marks a key
// whose value is a list of objects the rest of the path reaches into.
type PathStep struct {
	Key   string
	Array bool
}

// SchemaPath resolves a dotted field path (author.name, sections.hero.title,
// related.uid) in an expanded schema, for queries and sorting. ok is false
// when the path names no field.
func SchemaPath(fields []Field, path string) (steps []PathStep, ok bool) {
	keys := strings.Split(path, ".")
	for i := 0; i < len(keys); i++ {
		f, found := fieldByUID(fields, keys[i])
		if !found {
			return nil, false
		}
		rest := len(keys) - i - 1
		switch f.DataType {
		case TypeGroup, TypeGlobalField:
			steps = append(steps, PathStep{Key: f.UID, Array: f.Multiple})
			fields = f.Schema
			continue
		case TypeBlocks:
			steps = append(steps, PathStep{Key: f.UID, Array: true})
			if rest == 0 {
				return steps, true
			}
			i++
			b, found := blockByUID(f.Blocks, keys[i])
			if !found {
				return nil, false
			}
			steps = append(steps, PathStep{Key: b.UID})
			fields = b.Schema
			continue
		case TypeReference:
			return subPath(steps, PathStep{Key: f.UID, Array: true}, keys[i+1:], "uid", "_content_type_uid")
		case TypeLink:
			return subPath(steps, PathStep{Key: f.UID, Array: f.Multiple}, keys[i+1:], "title", "href")
		case TypeJSON:
			for _, k := range keys[i:] {
				steps = append(steps, PathStep{Key: k})
			}
			return steps, true
		}
		steps = append(steps, PathStep{Key: f.UID})
		return steps, rest == 0
	}
	return steps, len(steps) > 0
}

// subPath ends a path at a field whose values are objects with fixed
// keys (references, links): the field itself, or one of those keys.
func subPath(steps []PathStep, field PathStep, rest []string, keys ...string) ([]PathStep, bool) {
	steps = append(steps, field)
	switch {
	case len(rest) == 0:
		return steps, true
	case len(rest) == 1 && slices.Contains(keys, rest[0]):
		return append(steps, PathStep{Key: rest[0]}), true
	}
	return nil, false
}

func fieldByUID(fields []Field, uid string) (Field, bool) {
	for _, f := range fields {
		if f.UID == uid {
			return f, true
		}
	}
	return Field{}, false
}

func blockByUID(blocks []Block, uid string) (Block, bool) {
	for _, b := range blocks {
		if b.UID == uid {
			return b, true
		}
	}
	return Block{}, false
}
