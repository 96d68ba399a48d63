package domain

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxEntryTitleLen is the longest entry title, and field display name, in
// characters: Contentstack's documented limit for the Title field and the
// Display Name property. It also keeps the title index of entries within
// PostgreSQL's index row size (200 characters are at most 800 bytes).
const MaxEntryTitleLen = 200

// Entry is one locale of an entry at one version. System fields have
// their own struct fields; the schema's fields (title aside) are in Data,
// with numbers as json.Number.
type Entry struct {
	APIKey      string
	ContentType string
	UID         string
	Locale      string
	Version     int
	Title       string
	Tags        []string
	Data        map[string]any
	CreatedBy   string
	UpdatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	VersionName *VersionName // the name of this version, if it has one
}

// VersionName is the name given to one version of an entry.
type VersionName struct {
	Title     string
	UpdatedBy string
	UpdatedAt time.Time
}

// EntryVersion is one version in the history of an entry's locale.
type EntryVersion struct {
	Version   int
	Locale    string
	UpdatedBy string
	UpdatedAt time.Time
	Name      *VersionName
}

// EntryRef is a reference an entry makes, whose target must exist.
type EntryRef struct {
	Path        string // the field path, for the error
	UID         string
	ContentType string
}

// UniqueValue is the value of a field marked unique, which no other entry
// of the content type may hold in the same locale.
type UniqueValue struct {
	Field string
	Value any
}

// EntryValues are an entry's checked values, ready to store.
type EntryValues struct {
	Title  string
	Tags   []string
	Data   map[string]any
	Refs   []EntryRef
	Unique []UniqueValue
}

// Document returns the entry as the object a client sends: its fields
// with title and tags, to merge an update into.
func (e Entry) Document() map[string]any {
	doc := make(map[string]any, len(e.Data)+2)
	for k, v := range e.Data {
		doc[k] = v
	}
	doc["title"] = e.Title
	tags := make([]any, len(e.Tags))
	for i, t := range e.Tags {
		tags[i] = t
	}
	doc["tags"] = tags
	return doc
}

// DecodeEntryBody reads the object under "entry" of a request body,
// keeping numbers exact.
func DecodeEntryBody(raw json.RawMessage) (map[string]any, error) {
	var doc map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if len(raw) == 0 || string(raw) == "null" || dec.Decode(&doc) != nil || doc == nil {
		return nil, ErrInvalid("entry", "is required and must be an object.")
	}
	return doc, NoNUL("", doc)
}

// ValidateEntry checks doc, an entry as sent (merged over its stored
// content for an update), against an expanded schema. Keys that are not
// fields of the schema are dropped, system fields included (only title
// and tags are read); empty values ("", [], null) are not stored. Every
// problem is reported under its field path ("author.name",
// "sections.0.hero.title").
func ValidateEntry(fields []Field, doc map[string]any) (EntryValues, error) {
	c := &entryChecker{}
	c.v.Title = c.title(fields, doc["title"])
	c.v.Tags = c.tags(doc["tags"])
	c.v.Data = c.object(fields, doc, "", true)
	if err := c.p.result("The entry is not valid"); err != nil {
		return EntryValues{}, err
	}
	return c.v, nil
}

type entryChecker struct {
	p problems
	v EntryValues
}

func (c *entryChecker) title(fields []Field, v any) string {
	f, defined := fieldByUID(fields, "title")
	if isEmpty(v) {
		if defined && f.Mandatory {
			c.p.add("title", "is required.")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		c.p.add("title", "must be a string.")
		return ""
	}
	if utf8.RuneCountInString(s) > MaxEntryTitleLen {
		c.p.add("title", "must be at most %d characters.", MaxEntryTitleLen)
		return ""
	}
	if defined {
		c.text(f, s, "title")
		if f.Unique {
			c.v.Unique = append(c.v.Unique, UniqueValue{Field: "title", Value: s})
		}
	}
	return s
}

func (c *entryChecker) tags(v any) []string {
	out := []string{}
	if v == nil {
		return out
	}
	items, ok := v.([]any)
	if !ok {
		c.p.add("tags", "must be an array of strings.")
		return out
	}
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			c.p.add("tags", "must be an array of strings.")
			return out
		}
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) > MaxTagLen {
			c.p.add("tags", "must hold tags of at most %d characters.", MaxTagLen)
			return out
		}
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > MaxTags {
		c.p.add("tags", "must hold at most %d tags.", MaxTags)
	}
	return out
}

// object checks the fields of one object (the entry, a group, a block).
func (c *entryChecker) object(fields []Field, obj map[string]any, at string, top bool) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if top && f.UID == "title" {
			continue
		}
		path := joinPath(at, f.UID)
		v := obj[f.UID]
		if isEmpty(v) {
			if f.Mandatory {
				c.p.add(path, "is required.")
			}
			continue
		}
		if nv, ok := c.value(f, v, path); ok {
			out[f.UID] = nv
			if top && f.Unique && !f.Multiple && slices.Contains([]string{TypeText, TypeNumber, TypeDate}, f.DataType) {
				c.v.Unique = append(c.v.Unique, UniqueValue{Field: f.UID, Value: nv})
			}
		}
	}
	if meta, ok := obj["_metadata"].(map[string]any); ok && !top {
		out["_metadata"] = meta
	}
	return out
}

func (c *entryChecker) value(f Field, v any, path string) (any, bool) {
	switch {
	case f.DataType == TypeReference:
		return c.references(f, v, path)
	case f.DataType == TypeBlocks:
		return c.blocks(f, v, path)
	case !f.Multiple:
		return c.single(f, v, path)
	}
	items, ok := v.([]any)
	if !ok {
		c.p.add(path, "must be an array: the field takes multiple values.")
		return nil, false
	}
	out := make([]any, 0, len(items))
	for i, it := range items {
		if nv, ok := c.single(f, it, fmt.Sprintf("%s.%d", path, i)); ok {
			out = append(out, nv)
		}
	}
	return out, true
}

// single checks one value of a field.
func (c *entryChecker) single(f Field, v any, path string) (any, bool) {
	switch f.DataType {
	case TypeText:
		s, ok := v.(string)
		if !ok {
			return c.fail(path, "must be a string.")
		}
		return s, c.text(f, s, path)
	case TypeNumber:
		return c.number(v, path)
	case TypeDate:
		if s, ok := v.(string); ok && validDate(s) {
			return s, true
		}
		return c.fail(path, "must be an ISO 8601 date or time, such as 2024-01-31 or 2024-01-31T10:00:00.000Z.")
	case TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, true
		}
		return c.fail(path, "must be true or false.")
	case TypeFile:
		return c.file(v, path)
	case TypeLink:
		return c.link(v, path)
	case TypeGroup, TypeGlobalField:
		obj, ok := v.(map[string]any)
		if !ok {
			return c.fail(path, "must be an object.")
		}
		return c.object(f.Schema, obj, path, false), true
	case TypeJSON:
		return v, true
	}
	return c.fail(path, fmt.Sprintf("has an unsupported data type %q.", f.DataType))
}

func (c *entryChecker) fail(path, msg string) (any, bool) {
	c.p.add(path, "%s", msg)
	return nil, false
}

func (c *entryChecker) text(f Field, s, path string) bool {
	if f.format != nil && !f.format.MatchString(s) {
		c.p.add(path, "%s", f.formatMessage())
		return false
	}
	return true
}

func (c *entryChecker) number(v any, path string) (any, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return c.fail(path, "must be a number.")
	}
	if f, err := n.Float64(); err != nil || math.IsInf(f, 0) {
		return c.fail(path, "must be a finite number.")
	}
	return n, true
}

// file accepts an asset uid, or an asset object with a uid (as entries
// are shown once assets exist), and stores the uid.
func (c *entryChecker) file(v any, path string) (any, bool) {
	if obj, ok := v.(map[string]any); ok {
		v = obj["uid"]
	}
	if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
		return s, true
	}
	return c.fail(path, "must be an asset uid.")
}

func (c *entryChecker) link(v any, path string) (any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		return c.fail(path, "must be an object with title and href.")
	}
	out := map[string]any{}
	for _, k := range []string{"title", "href"} {
		switch x := obj[k].(type) {
		case nil:
		case string:
			out[k] = x
		default:
			return c.fail(path+"."+k, "must be a string.")
		}
	}
	return out, true
}

// references checks a reference field: an array of {uid,
// _content_type_uid}. A bare uid, or an object without
// _content_type_uid, is accepted when the field references one content
// type. The targets are returned in Refs for the caller to look up.
func (c *entryChecker) references(f Field, v any, path string) (any, bool) {
	items, ok := v.([]any)
	if !ok {
		if _, isObj := v.(map[string]any); !isObj {
			return c.fail(path, "must be an array of references ({\"uid\", \"_content_type_uid\"}).")
		}
		items = []any{v}
	}
	if !refMultiple(f) && len(items) > 1 {
		return c.fail(path, "takes a single reference.")
	}
	out := make([]any, 0, len(items))
	for i, it := range items {
		ip := fmt.Sprintf("%s.%d", path, i)
		uid, ct := refParts(it)
		if ct == "" && len(f.ReferenceTo) == 1 {
			ct = f.ReferenceTo[0]
		}
		switch {
		case uid == "":
			c.p.add(ip+".uid", "is required.")
		case ct == "":
			c.p.add(ip+"._content_type_uid", "is required: the field references several content types.")
		case !slices.Contains(f.ReferenceTo, ct):
			c.p.add(ip+"._content_type_uid", "%q is not a content type this field references.", ct)
		default:
			out = append(out, map[string]any{"uid": uid, "_content_type_uid": ct})
			c.v.Refs = append(c.v.Refs, EntryRef{Path: ip, UID: uid, ContentType: ct})
		}
	}
	return out, true
}

func refParts(v any) (uid, ct string) {
	switch x := v.(type) {
	case string:
		return x, ""
	case map[string]any:
		uid, _ = x["uid"].(string)
		ct, _ = x["_content_type_uid"].(string)
	}
	return uid, ct
}

// refMultiple reads field_metadata.ref_multiple; references are multiple
// unless it says false.
func refMultiple(f Field) bool {
	var md struct {
		RefMultiple *bool `json:"ref_multiple"`
	}
	if raw, ok := f.Extra["field_metadata"]; ok && json.Unmarshal(raw, &md) == nil && md.RefMultiple != nil {
		return *md.RefMultiple || f.Multiple
	}
	return true
}

// blocks checks a modular blocks field: an array of objects, each with
// one key naming a block whose value holds that block's fields.
func (c *entryChecker) blocks(f Field, v any, path string) (any, bool) {
	items, ok := v.([]any)
	if !ok {
		return c.fail(path, "must be an array of blocks.")
	}
	out := make([]any, 0, len(items))
	for i, it := range items {
		ip := fmt.Sprintf("%s.%d", path, i)
		obj, ok := it.(map[string]any)
		var keys []string
		for k := range obj {
			if k != "_metadata" {
				keys = append(keys, k)
			}
		}
		if !ok || len(keys) != 1 {
			c.p.add(ip, "must be an object with exactly one key: the uid of a block.")
			continue
		}
		b, found := blockByUID(f.Blocks, keys[0])
		body, isObj := obj[keys[0]].(map[string]any)
		switch {
		case !found:
			c.p.add(ip+"."+keys[0], "is not a block of this field.")
		case !isObj:
			c.p.add(ip+"."+keys[0], "must be an object.")
		default:
			out = append(out, map[string]any{b.UID: c.object(b.Schema, body, ip+"."+b.UID, false)})
		}
	}
	return out, true
}

// isEmpty reports whether a value counts as absent: null, "" or [].
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.000", "2006-01-02T15:04:05", "2006-01-02"}

func validDate(s string) bool {
	for _, l := range dateLayouts {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}
	return false
}

func joinPath(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// NonLocalizable returns the uids of the top-level fields marked
// non_localizable: their values are the master locale's in every locale.
func NonLocalizable(fields []Field) []string {
	var out []string
	for _, f := range fields {
		if f.NonLocalizable && f.UID != "title" {
			out = append(out, f.UID)
		}
	}
	return out
}

// ProjectData keeps the top-level keys of data that are fields of the
// schema: values of fields removed from a content type are not shown.
func ProjectData(fields []Field, data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for _, f := range fields {
		if v, ok := data[f.UID]; ok && f.UID != "title" {
			out[f.UID] = v
		}
	}
	return out
}
