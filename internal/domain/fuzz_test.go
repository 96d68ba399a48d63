package domain

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// Fuzz targets for the parsers of user input in the domain: schemas,
// entries, management token scopes and expiries, role rules. Their common
// property: a refusal is always a domain error of a client kind (a 4xx
// with the error body), and what is accepted can be stored on both
// engines and read back to the same value.

// fuzzSchemaSeeds are schemas of the shapes Contentstack content types
// have (the csdx export and the SDK samples).
var fuzzSchemaSeeds = []string{
	`[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true,"unique":true,"field_metadata":{"_default":true}},
	  {"display_name":"URL","uid":"url","data_type":"text","field_metadata":{"_default":true}}]`,
	`[{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
	  {"display_name":"Pages","uid":"pages","data_type":"number"},
	  {"display_name":"Code","uid":"code","data_type":"text","format":"^[a-z0-9]+$","error_messages":{"format":"lowercase only"}},
	  {"display_name":"Published","uid":"published","data_type":"boolean"},
	  {"display_name":"Released","uid":"released","data_type":"isodate","field_metadata":{"description":"","default_value":""}},
	  {"display_name":"Keywords","uid":"keywords","data_type":"text","multiple":true},
	  {"display_name":"Cover","uid":"cover","data_type":"file","field_metadata":{"image":true}},
	  {"display_name":"Site","uid":"site","data_type":"link"},
	  {"display_name":"Author","uid":"author","data_type":"group","schema":[
		{"display_name":"Name","uid":"name","data_type":"text"},{"display_name":"Age","uid":"age","data_type":"number"}]},
	  {"display_name":"Editors","uid":"editors","data_type":"group","multiple":true,"schema":[
		{"display_name":"Name","uid":"name","data_type":"text","mandatory":true}]},
	  {"display_name":"Sections","uid":"sections","data_type":"blocks","blocks":[
		{"title":"Hero","uid":"hero","schema":[{"display_name":"Heading","uid":"heading","data_type":"text"}]},
		{"title":"SEO","uid":"seo","reference_to":"seo"}]},
	  {"display_name":"Related","uid":"related","data_type":"reference","reference_to":["book"],"field_metadata":{"ref_multiple":true}},
	  {"display_name":"Owner","uid":"owner","data_type":"reference","reference_to":"author","field_metadata":{"ref_multiple":false}},
	  {"display_name":"SEO","uid":"seo","data_type":"global_field","reference_to":"seo"},
	  {"display_name":"Meta","uid":"meta","data_type":"json","field_metadata":{"allow_json_rte":true}}]`,
	`[]`, `null`, `{}`, `[1]`, `[{"uid":"Title","data_type":"text"}]`, `[{"display_name":"x","uid":"x","data_type":"group","schema":[]}]`,
	`[{"display_name":"x","uid":"x","data_type":"text","format":"(["}]`, `[{"display_name":"x","uid":"uid","data_type":"text"}]`,
	`[{"display_name":"x","uid":"x","data_type":"blocks","blocks":[{"title":"a","uid":"a","schema":[{"display_name":"y","uid":"y","data_type":"blocks","blocks":[]}]}]}]`,
}

// fuzzGlobals gives every global field a schema fuzzed content can use: a
// global field named "seo" has one text field, any other embeds itself.
func fuzzGlobals(fields []Field) map[string][]Field {
	gfs := map[string][]Field{"seo": {{DisplayName: "Title", UID: "title", DataType: TypeText}}}
	walkGlobals(fields, func(uid string) {
		if _, ok := gfs[uid]; !ok {
			gfs[uid] = fields
		}
	})
	return gfs
}

// FuzzSchema: ParseSchema refuses with a 422 naming fields, or accepts a
// schema that stores as clean text and reads back to the same JSON; the
// functions that walk schemas never panic on what it accepts.
func FuzzSchema(f *testing.F) {
	for _, s := range fuzzSchemaSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		fields, err := ParseSchema(json.RawMessage(raw))
		if err != nil {
			checkClientError(t, "ParseSchema", err, KindInvalid)
			return
		}
		stored := mustStorable(t, fields)
		again, err := ParseSchema(stored)
		if err != nil {
			t.Fatalf("ParseSchema(its own output %s): %v", stored, err)
		}
		if b, _ := json.Marshal(again); !bytes.Equal(b, stored) {
			t.Fatalf("schema changed on a second read:\n%s\n%s", stored, b)
		}
		walkSchema(t, fields)
	})
}

// FuzzContentType: a content type's uid, title, description and options
// are refused with a 422, or accepted as values stored as clean text.
func FuzzContentType(f *testing.F) {
	f.Add("blog_post", "Blog Post", "Posts of the blog", `{"title":"title","is_page":true,"singleton":false,"url_pattern":"/:title","url_prefix":"/blog/","publishable":true,"sub_title":[]}`)
	f.Add("home", "Home", "", `{"singleton":true,"is_page":false}`)
	f.Add("a", "A", "", `null`)
	f.Add("A", "", "", `[]`)
	f.Add("page", "Page", "", `{"is_page":"yes"}`)
	f.Add("page", "Page", "", `{"url_pattern":true}`)
	f.Fuzz(func(t *testing.T, uid, title, description, options string) {
		ct := ContentType{UID: uid, Title: title, Description: description, Options: json.RawMessage(options)}
		if err := ValidateContentType(&ct); err != nil {
			checkClientError(t, "ValidateContentType", err, KindInvalid)
			return
		}
		mustStorable(t, []string{ct.UID, ct.Title, ct.Description})
		if len(ct.Options) > 0 {
			var o any
			if json.Unmarshal(ct.Options, &o) != nil {
				t.Fatalf("options %q accepted but not JSON", ct.Options)
			}
			mustStorable(t, o)
			if !utf8.Valid(ct.Options) {
				t.Fatalf("options %q accepted with invalid UTF-8", ct.Options)
			}
		}
		_ = ct.Singleton()
	})
}

// walkSchema runs every function that walks an accepted schema.
func walkSchema(t *testing.T, fields []Field) {
	gfs := fuzzGlobals(fields)
	expanded := Expand(fields, gfs)
	mustStorable(t, expanded)
	_ = SchemaRefs{Self: "x", ContentTypes: map[string]bool{"book": true}, GlobalFields: gfs}.Check(fields)
	_ = SchemaRefs{Self: "seo", SelfGlobal: true, GlobalFields: gfs}.Check(fields)
	_, _ = EmbeddedGlobalFields(fields), ReferencesContentType(fields, "book")
	_, _ = NonLocalizable(fields), ProjectData(fields, map[string]any{"title": "x"})
	for _, p := range schemaPaths(expanded, "", 0) {
		_, _ = SchemaPath(expanded, p)
	}
	if _, err := ValidateEntry(expanded, map[string]any{}); err != nil {
		checkClientError(t, "ValidateEntry({})", err, KindInvalid)
	}
}

// schemaPaths lists the dotted paths of fields (and blocks) in a schema.
func schemaPaths(fields []Field, at string, depth int) []string {
	if depth > maxSchemaDepth+2 {
		return nil
	}
	var out []string
	for _, f := range fields {
		p := joinPath(at, f.UID)
		out = append(out, p, p+".uid", p+".title")
		out = append(out, schemaPaths(f.Schema, p, depth+1)...)
		for _, b := range f.Blocks {
			out = append(out, schemaPaths(b.Schema, p+"."+b.UID, depth+1)...)
		}
	}
	return out
}

// FuzzEntry: an entry body checked against a schema (the fuzzed one when it
// parses, else one with a field of every type) is refused with a 422, or
// accepted as values that store as clean text and that, read back and sent
// again (an update that changes nothing), are accepted unchanged.
func FuzzEntry(f *testing.F) {
	for _, e := range []string{
		`{"title":"Alpha","pages":100,"code":"abc","published":true,"released":"2024-01-10","keywords":["go","sql"],
		  "cover":"blt0a1b2c3d4e5f6a7b","site":{"title":"Home","href":"/"},"author":{"name":"Ann","age":30},
		  "editors":[{"name":"Eve"},{"name":"Ed","_metadata":{"uid":"cs1"}}],
		  "sections":[{"hero":{"heading":"Hi","_metadata":{"uid":"cs2"}}},{"seo":{"title":"T"}}],
		  "related":[{"uid":"blt1","_content_type_uid":"book"}],"owner":[{"uid":"blt2"}],"seo":{"title":"S"},
		  "meta":{"type":"doc","children":[{"text":"x"}]},"tags":["a"," b ","a"]}`,
		`{"title":"x","pages":"5"}`, `{"title":5}`, `{"title":"x","pages":1e999}`, `{"title":"x","released":"yesterday"}`,
		`{"title":"x","editors":{"name":"Ed"}}`, `{"title":"x","sections":[{"hero":{},"seo":{}}]}`, `{"title":"x","owner":["a","b"]}`,
		`{"title":"x","related":"blt1"}`, `{"title":"x","code":"ABC"}`, `{"title":"x","tags":"a,b"}`, `{"title":"x\u0000"}`,
		`{"title":"x","cover":{"uid":"blt3","url":"/x.png"}}`, `{"title":""}`, `null`, `[]`, `{"title":"x","pages":-0.5e-3}`,
	} {
		f.Add(fuzzSchemaSeeds[1], e)
	}
	f.Add(fuzzSchemaSeeds[0], `{"title":"Home","url":"/"}`)
	full := mustSchema(f, fuzzSchemaSeeds[1])
	f.Fuzz(func(t *testing.T, schema, entry string) {
		fields, err := ParseSchema(json.RawMessage(schema))
		if err != nil { // most mutated schemas: check the entry against the full one
			fields = full
		}
		fields = Expand(fields, fuzzGlobals(fields))
		doc, err := DecodeEntryBody(json.RawMessage(entry))
		if err != nil {
			checkClientError(t, "DecodeEntryBody", err, KindInvalid)
			return
		}
		v, err := ValidateEntry(fields, doc)
		if err != nil {
			checkClientError(t, "ValidateEntry", err, KindInvalid)
			return
		}
		stored := mustStorable(t, v.Data)
		e := Entry{Title: v.Title, Tags: v.Tags}
		dec := json.NewDecoder(bytes.NewReader(stored))
		dec.UseNumber()
		if err := dec.Decode(&e.Data); err != nil {
			t.Fatalf("stored data %s does not decode: %v", stored, err)
		}
		v2, err := ValidateEntry(fields, e.Document())
		if err != nil {
			t.Fatalf("the stored entry is refused when sent again: %v\nstored: %s", err, stored)
		}
		if diff := cmp.Diff(v, v2, cmp.Comparer(func(a, b json.Number) bool { return a == b })); diff != "" {
			t.Fatalf("the stored entry changes when sent again (-first +second):\n%s", diff)
		}
	})
}

// checkClientError fails unless err is a domain error of kind want that
// names at least one field.
func checkClientError(t *testing.T, what string, err error, want Kind) {
	t.Helper()
	e, ok := AsError(err)
	if !ok || e.Kind != want || len(e.Fields) == 0 {
		t.Fatalf("%s: %v (%T); want a domain error of kind %d naming its fields", what, err, err, want)
	}
}

// mustStorable marshals v as the store does and fails unless the text can
// be stored on both engines: valid UTF-8 without NUL, not even escaped
// (jsonb refuses \u0000).
func mustStorable(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("accepted value does not marshal: %v", err)
	}
	var back any
	if !utf8.Valid(b) || json.Unmarshal(b, &back) != nil || NoNUL("", back) != nil {
		t.Fatalf("accepted value cannot be stored on PostgreSQL: %q", b)
	}
	return b
}
