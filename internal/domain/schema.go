package domain

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Field data types of a schema.
const (
	TypeText        = "text"
	TypeNumber      = "number"
	TypeDate        = "isodate"
	TypeBoolean     = "boolean"
	TypeFile        = "file"
	TypeLink        = "link"
	TypeReference   = "reference"
	TypeGroup       = "group"
	TypeBlocks      = "blocks"
	TypeGlobalField = "global_field"
	TypeJSON        = "json"
)

var dataTypes = []string{TypeText, TypeNumber, TypeDate, TypeBoolean, TypeFile, TypeLink, TypeReference, TypeGroup,
	TypeBlocks, TypeGlobalField, TypeJSON}

// Field is one field of a content type's or a global field's schema.
// Keys stackd does not interpret (field_metadata, error_messages, …) are
// kept in Extra and shown back as sent.
type Field struct {
	DisplayName    string
	UID            string
	DataType       string
	Mandatory      bool
	Unique         bool
	Multiple       bool
	NonLocalizable bool
	Format         string   // a regular expression text values must match
	ReferenceTo    []string // reference: content type uids; global_field: one global field uid
	Schema         []Field  // group; global_field once expanded (Expand)
	Blocks         []Block  // blocks
	Extra          map[string]json.RawMessage

	refString bool           // reference_to was sent as a string, and is shown as one
	format    *regexp.Regexp // Format, compiled
}

// Block is one named block of a modular blocks field: its own schema, or a
// global field (ReferenceTo).
type Block struct {
	Title       string
	UID         string
	Schema      []Field
	ReferenceTo string
	Extra       map[string]json.RawMessage
}

// maxSchemaDepth bounds the nesting of groups, blocks and global fields.
const maxSchemaDepth = 10

var (
	fieldUID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,99}$`)
	// reservedFieldUIDs are the system fields of an entry, which a
	// top-level schema field may not take ("title" is the title field).
	reservedFieldUIDs = []string{"uid", "locale", "tags", "created_at", "created_by", "updated_at", "updated_by",
		"publish_details", "api_key", "content_type", "content_type_uid", "deleted_at", "org_uid", "version", "acl"}
)

// problems collects field-path errors so that one answer names them all.
type problems struct {
	err *Error
	n   int
}

func (p *problems) add(path, format string, args ...any) {
	p.n++
	msg := fmt.Sprintf(format, args...)
	if p.err == nil {
		p.err = Errorf(KindInvalid, CodeValidation, "%s %s", path, msg)
	}
	p.err.WithField(path, msg)
}

// result returns the collected problems as one error (nil when none),
// its message prefixed with what was being checked.
func (p *problems) result(what string) error {
	if p.err == nil {
		return nil
	}
	p.err.Message = what + ": " + p.err.Message
	return p.err
}

// ParseSchema reads and checks a schema: a JSON array of fields with valid
// and distinct uids, known data types, the keys each type needs and
// compilable formats, and no NUL or invalid UTF-8 anywhere (keys stackd
// does not read are kept as sent, so they are checked too). Problems are reported under their path, such as
// "schema.2.uid" or "schema.3.blocks.0.schema.1.data_type". References to
// other content types and global fields are checked by SchemaRefs.Check.
func ParseSchema(raw json.RawMessage) ([]Field, error) {
	if err := CleanJSON("schema", raw); err != nil {
		return nil, err
	}
	var p problems
	fields := parseFields(raw, "schema", 0, true, &p)
	if err := p.result("The schema is not valid"); err != nil {
		return nil, err
	}
	return fields, nil
}

func parseFields(raw json.RawMessage, at string, depth int, top bool, p *problems) []Field {
	var items []json.RawMessage
	if len(raw) == 0 || string(raw) == "null" {
		return []Field{}
	}
	if json.Unmarshal(raw, &items) != nil {
		p.add(at, "must be an array of fields.")
		return nil
	}
	if depth > maxSchemaDepth {
		p.add(at, "nests groups, blocks and global fields more than %d levels deep.", maxSchemaDepth)
		return nil
	}
	out := make([]Field, 0, len(items))
	seen := map[string]bool{}
	for i, it := range items {
		fp := fmt.Sprintf("%s.%d", at, i)
		f, ok := parseField(it, fp, depth, p)
		if !ok {
			continue
		}
		if seen[f.UID] {
			p.add(fp+".uid", "is not unique: another field of this schema has the uid %q.", f.UID)
		}
		seen[f.UID] = true
		if top && slices.Contains(reservedFieldUIDs, f.UID) {
			p.add(fp+".uid", "%q is a system field of entries and cannot name a field.", f.UID)
		}
		if top && f.UID == "title" && (f.DataType != TypeText || f.Multiple) {
			p.add(fp+".data_type", "the title field must be a single text field.")
		}
		out = append(out, f)
	}
	return out
}

// fieldKeys are the keys parseField interprets; others go to Extra.
var fieldKeys = []string{"display_name", "uid", "data_type", "mandatory", "unique", "multiple", "non_localizable",
	"format", "reference_to", "schema", "blocks"}

func parseField(raw json.RawMessage, at string, depth int, p *problems) (Field, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		p.add(at, "must be a field object.")
		return Field{}, false
	}
	f := Field{Extra: map[string]json.RawMessage{}}
	for k, v := range m {
		if !slices.Contains(fieldKeys, k) {
			f.Extra[k] = v
		}
	}
	n := p.n
	f.DisplayName = str(m, "display_name", at, p)
	f.UID = str(m, "uid", at, p)
	f.DataType = str(m, "data_type", at, p)
	f.Mandatory = boolean(m, "mandatory", at, p)
	f.Unique = boolean(m, "unique", at, p)
	f.Multiple = boolean(m, "multiple", at, p)
	f.NonLocalizable = boolean(m, "non_localizable", at, p)
	f.Format = str(m, "format", at, p)
	if p.n > n {
		return f, false
	}
	if utf8.RuneCountInString(f.DisplayName) > MaxEntryTitleLen {
		p.add(at+".display_name", "must be at most %d characters.", MaxEntryTitleLen)
	}
	if strings.TrimSpace(f.DisplayName) == "" {
		p.add(at+".display_name", "is required.")
	}
	if !fieldUID.MatchString(f.UID) {
		p.add(at+".uid", "must start with a lowercase letter and contain only lowercase letters, digits and underscores (at most 100).")
	}
	if f.Format != "" {
		re, err := regexp.Compile(f.Format)
		if err != nil {
			p.add(at+".format", "is not a regular expression stackd can run (RE2 syntax).")
		}
		f.format = re
	}
	parseKind(&f, m, at, depth, p)
	return f, true
}

// parseKind reads what a data type needs: reference_to, schema or blocks.
func parseKind(f *Field, m map[string]json.RawMessage, at string, depth int, p *problems) {
	switch f.DataType {
	case TypeReference:
		f.ReferenceTo, f.refString = strList(m["reference_to"], at+".reference_to", p)
		if len(f.ReferenceTo) == 0 {
			p.add(at+".reference_to", "must name at least one content type.")
		}
		f.referenceMetadata()
	case TypeGlobalField:
		f.ReferenceTo, _ = strList(m["reference_to"], at+".reference_to", p)
		if len(f.ReferenceTo) != 1 {
			p.add(at+".reference_to", "must name one global field.")
		}
		f.refString = true
	case TypeGroup:
		f.Schema = parseFields(m["schema"], at+".schema", depth+1, false, p)
		if len(f.Schema) == 0 {
			p.add(at+".schema", "must hold at least one field.")
		}
	case TypeBlocks:
		f.Blocks = parseBlocks(m["blocks"], at+".blocks", depth+1, p)
		f.Multiple = true
	case "":
		p.add(at+".data_type", "is required.")
	default:
		if !slices.Contains(dataTypes, f.DataType) {
			p.add(at+".data_type", "%q is not a supported data type (supported: %s).", f.DataType, strings.Join(dataTypes, ", "))
		}
	}
}

// referenceMetadata gives a reference field the field_metadata Contentstack
// shows: always an object, with ref_multiple_content_types true when
// reference_to is a list, unless the client set the flag. The csdx import
// reads field_metadata of every reference field, and takes a field without
// the flag for the old single-type form, whose reference_to it wraps in a
// list. A field_metadata that is not an object is kept as sent.
func (f *Field) referenceMetadata() {
	meta := map[string]json.RawMessage{}
	if raw, ok := f.Extra["field_metadata"]; ok && string(raw) != "null" {
		if json.Unmarshal(raw, &meta) != nil || meta == nil {
			return
		}
	}
	if _, ok := meta["ref_multiple_content_types"]; !ok && !f.refString {
		meta["ref_multiple_content_types"] = json.RawMessage("true")
	}
	f.Extra["field_metadata"], _ = json.Marshal(meta)
}

func parseBlocks(raw json.RawMessage, at string, depth int, p *problems) []Block {
	var items []map[string]json.RawMessage
	if json.Unmarshal(raw, &items) != nil || len(items) == 0 {
		p.add(at, "must be a non-empty array of blocks.")
		return nil
	}
	out := make([]Block, 0, len(items))
	seen := map[string]bool{}
	for i, m := range items {
		bp := fmt.Sprintf("%s.%d", at, i)
		b := Block{Extra: map[string]json.RawMessage{}}
		for k, v := range m {
			if k != "title" && k != "uid" && k != "schema" && k != "reference_to" {
				b.Extra[k] = v
			}
		}
		b.Title, b.UID = str(m, "title", bp, p), str(m, "uid", bp, p)
		if !fieldUID.MatchString(b.UID) {
			p.add(bp+".uid", "must start with a lowercase letter and contain only lowercase letters, digits and underscores.")
		} else if seen[b.UID] {
			p.add(bp+".uid", "is not unique: another block of this field has the uid %q.", b.UID)
		}
		seen[b.UID] = true
		if ref, ok := m["reference_to"]; ok && string(ref) != "null" {
			refs, _ := strList(ref, bp+".reference_to", p)
			if len(refs) != 1 || !schemaUID.MatchString(refs[0]) {
				p.add(bp+".reference_to", "must name one global field.")
			} else {
				b.ReferenceTo = refs[0]
			}
		} else if b.Schema = parseFields(m["schema"], bp+".schema", depth+1, false, p); len(b.Schema) == 0 {
			p.add(bp+".schema", "must hold at least one field.")
		}
		out = append(out, b)
	}
	return out
}

func str(m map[string]json.RawMessage, key, at string, p *problems) string {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		p.add(at+"."+key, "must be a string.")
	}
	return s
}

func boolean(m map[string]json.RawMessage, key, at string, p *problems) bool {
	raw, ok := m[key]
	if !ok || string(raw) == "null" {
		return false
	}
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		p.add(at+"."+key, "must be true or false.")
	}
	return b
}

// strList reads a string or an array of strings; the bool says it was a string.
func strList(raw json.RawMessage, at string, p *problems) ([]string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, false
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil {
		p.add(at, "must be a string or an array of strings.")
	}
	return many, false
}

// MarshalJSON shows a field as Contentstack does: the keys sent, with the
// boolean options always present.
func (f Field) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(f.Extra)+10)
	for k, v := range f.Extra {
		m[k] = v
	}
	m["display_name"], m["uid"], m["data_type"] = f.DisplayName, f.UID, f.DataType
	m["mandatory"], m["unique"], m["multiple"], m["non_localizable"] = f.Mandatory, f.Unique, f.Multiple, f.NonLocalizable
	if f.Format != "" {
		m["format"] = f.Format
	}
	switch {
	case f.refString && len(f.ReferenceTo) == 1:
		m["reference_to"] = f.ReferenceTo[0]
	case len(f.ReferenceTo) > 0:
		m["reference_to"] = f.ReferenceTo
	}
	if f.DataType == TypeGroup || len(f.Schema) > 0 {
		m["schema"] = f.Schema
	}
	if f.DataType == TypeBlocks {
		m["blocks"] = f.Blocks
	}
	return json.Marshal(m)
}

// MarshalJSON shows a block with its schema or its global field.
func (b Block) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(b.Extra)+3)
	for k, v := range b.Extra {
		m[k] = v
	}
	m["title"], m["uid"] = b.Title, b.UID
	if b.ReferenceTo != "" {
		m["reference_to"] = b.ReferenceTo
	}
	if b.ReferenceTo == "" || len(b.Schema) > 0 {
		m["schema"] = b.Schema
	}
	return json.Marshal(m)
}

// formatMessage is the message for a value that does not match Format:
// error_messages.format when the schema gives one.
func (f Field) formatMessage() string {
	var em struct {
		Format string `json:"format"`
	}
	if raw, ok := f.Extra["error_messages"]; ok && json.Unmarshal(raw, &em) == nil && em.Format != "" {
		return em.Format
	}
	return "is not in the correct format."
}
