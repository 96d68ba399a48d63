package domain

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// FuzzEntry: an entry body checked against a schema is refused with a 422,
// or accepted as values that store as clean text and that, read back and
// sent again (an update that changes nothing), are accepted unchanged.
func FuzzEntry(f *testing.F) {
	full := fuzzSchemaSeeds[1]
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
		f.Add(full, e)
	}
	f.Add(fuzzSchemaSeeds[0], `{"title":"Home","url":"/"}`)
	f.Fuzz(func(t *testing.T, schema, entry string) {
		fields, err := ParseSchema(json.RawMessage(schema))
		if err != nil {
			return
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

// FuzzScope: a management token's scope is refused with a 422, or
// accepted with known modules and valid branches, stored as clean text,
// and read back to the same scope.
func FuzzScope(f *testing.F) {
	for _, s := range []string{
		`[{"module":"content_type","acl":{"read":true,"write":true}},{"module":"branch","branches":["main"],"acl":{"read":true}}]`,
		`[{"module":"$all","acl":{"read":true}},{"module":"branch","branches":["$all"]}]`,
		`[{"module":"entry","acl":{"write":true}},{"module":"asset","acl":{"read":true}},{"module":"branch_alias","branch_aliases":["deploy"],"acl":{"read":true}}]`,
		`[{"module":"environment","environments":["production"],"acl":{"read":true}},{"module":"branch","branches":["dev-1"]}]`,
		`[{"module":"user","acl":{"read":true}},{"module":"branch","branches":["main"]}]`,
		`[{"module":"branch","branches":["Main Branch"]}]`, `[{"module":"entry"}]`, `[]`, `{}`, `null`, ``,
		`[{"module":"branch","branches":"main"}]`, `[{"module":"branch","branches":["main"],"acl":{"read":"yes"}}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		items, scope, err := ParseScope(json.RawMessage(raw))
		if err != nil {
			checkClientError(t, "ParseScope", err, KindInvalid)
			return
		}
		for m := range scope.Modules {
			if !slices.Contains(ScopeModules, m) {
				t.Fatalf("unknown module %q accepted", m)
			}
		}
		for _, b := range scope.Branches {
			if b != "$all" && !ValidBranchUID(b) {
				t.Fatalf("invalid branch %q accepted", b)
			}
		}
		stored := mustStorable(t, items)
		items2, scope2, err := ParseScope(stored)
		if err != nil {
			t.Fatalf("ParseScope(its own output %s): %v", stored, err)
		}
		if diff := cmp.Diff(scope, scope2); diff != "" {
			t.Fatalf("scope changed on a second read (-first +second):\n%s", diff)
		}
		if b, _ := json.Marshal(items2); !bytes.Equal(b, stored) {
			t.Fatalf("scope items changed on a second read:\n%s\n%s", stored, b)
		}
		for _, p := range fuzzPermissions {
			_ = Decide(Principal{Kind: CredManagement, Token: scope, Branch: "main"}, p, Target{})
		}
	})
}

// FuzzRules: a custom role's rules are refused with a 422, or accepted
// with known modules, stored as clean text and read back unchanged;
// deciding with them never panics.
func FuzzRules(f *testing.F) {
	for _, s := range []string{
		`[{"module":"branch","branches":["main"],"acl":{"read":true}},
		  {"module":"content_type","content_types":["$all"],"acl":{"read":true,"sub_acl":{"read":true,"create":true,"update":true,"publish":true}}},
		  {"module":"asset","assets":["$all"],"acl":{"read":true,"update":true}},
		  {"module":"folder","folders":["blt1"],"acl":{"read":true,"sub_acl":{"read":true}}},
		  {"module":"environment","environments":["production"],"acl":{"read":true}},
		  {"module":"locale","locales":["fr-fr"],"restrict":true,"acl":{"update":true}}]`,
		`[{"module":"branch_alias","branch_aliases":["deploy"],"acl":{"read":true}},{"module":"taxonomy","taxonomies":["$all"],"terms":["t1"],"acl":{"read":true}}]`,
		`[{"module":"content_type","content_types":["blog"],"acl":{"read":true}}]`, `[{"module":"stack"}]`, `[]`, `null`, `{}`, ``,
		`[{"module":"branch","branches":["main"],"acl":{"sub_acl":{"sub_acl":{"sub_acl":{"read":true}}}}}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rules, err := ParseRules(json.RawMessage(raw))
		if err != nil {
			checkClientError(t, "ParseRules", err, KindInvalid)
			return
		}
		for _, r := range rules {
			if !slices.Contains(RuleModules, r.Module) {
				t.Fatalf("unknown module %q accepted", r.Module)
			}
		}
		stored := mustStorable(t, rules)
		rules2, err := ParseRules(stored)
		if err != nil {
			t.Fatalf("ParseRules(its own output %s): %v", stored, err)
		}
		if diff := cmp.Diff(rules, rules2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("rules changed on a second read (-first +second):\n%s", diff)
		}
		p := Principal{Kind: CredUser, Rules: rules, Branch: "main"}
		for _, perm := range fuzzPermissions {
			for _, tg := range []Target{{}, {ContentType: "blog", Locale: "fr-fr"}, {Asset: "blt1", Folder: "blt1"}, {Environment: "production"}} {
				_ = Decide(p, perm, tg)
			}
		}
	})
}

var fuzzPermissions = []Permission{
	{Module: ModEntry, Action: ActRead}, {Module: ModEntry, Action: ActPublish}, {Module: ModContentType, Action: ActUpdate},
	{Module: ModAsset, Action: ActDelete}, {Module: ModEnvironment, Action: ActRead}, {Module: ModLocale, Action: ActCreate},
	{Module: ModAuditLog, Action: ActRead}, {Module: ModBulk, Action: ActUpdate}, {Module: ModBranch, Action: ActRead},
	{Module: ModStack, Action: ActUpdate},
}

// FuzzExpiry: a token's expires_on is refused with a 422, or accepted as
// never (0) or a time after now.
func FuzzExpiry(f *testing.F) {
	for _, s := range []string{`null`, `""`, `"2030-01-31"`, `"2030-01-31T10:00:00.000Z"`, `"2030-01-31T10:00:00+05:30"`,
		`"2020-01-01"`, `"tomorrow"`, `1893456000000`, `"9999-12-31T23:59:59.999999999Z"`, `"2030-02-30"`, ``} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		ms, err := ParseExpiry(json.RawMessage(raw), now)
		if err != nil {
			checkClientError(t, "ParseExpiry", err, KindInvalid)
			return
		}
		if ms != 0 && ms <= now.UnixMilli() {
			t.Fatalf("ParseExpiry(%s) = %d, not after now (%d)", raw, ms, now.UnixMilli())
		}
	})
}

// FuzzExtension: an extension (from a JSON body or the SDK's multipart
// upload, whose config and scope arrive as text) is refused with a 422, or
// accepted with clean text and config and scope that are JSON objects
// stored as clean text.
func FuzzExtension(f *testing.F) {
	f.Add("Color Picker", "field", "text", "https://example.com/color.html", "", `{"default":"#fff"}`, "", "color,ui")
	f.Add("Dashboard", "dashboard", "", "", "<html><body>hi</body></html>", `"{}"`, "", "")
	f.Add("Sidebar", "widget", "", "https://example.com/w.html", "", ``, `{"content_types":["$all"]}`, "a, b,,c")
	f.Add("Sidebar", "widget", "", "https://example.com/w.html", "", `{}`, `{"content_types":["blog","blog"]}`, "")
	f.Add("Plugin", "rte_plugin", "", "https://example.com/p.js", "", `[]`, `[]`, "")
	f.Add("W", "widget", "", "https://example.com/w.html", "", `null`, `{"content_types":["$all"],"x":"\u0000"}`, "")
	f.Add("W", "widget", "", "https://example.com/w.html", "", `{}`, "{\"content_types\":[\"$all\"],\"x\":\"\xff\"}", "")
	f.Fuzz(func(t *testing.T, title, typ, dataType, src, srcdoc, config, scope, tags string) {
		x := Extension{Title: title, Type: typ, DataType: dataType, Src: src, Srcdoc: srcdoc, Tags: SplitList(tags)}
		if scope != "" {
			x.Scope = json.RawMessage(scope)
		}
		cfg, err := ParseExtensionConfig(json.RawMessage(config))
		if err != nil {
			checkClientError(t, "ParseExtensionConfig", err, KindInvalid)
			return
		}
		x.Config = cfg
		if err := ValidateExtension(&x); err != nil {
			checkClientError(t, "ValidateExtension", err, KindInvalid)
			return
		}
		mustStorable(t, append([]string{x.Title, x.Type, x.DataType, x.Src, x.Srcdoc}, x.Tags...))
		for _, raw := range []json.RawMessage{x.Config, x.Scope} {
			var obj map[string]any
			if raw == nil {
				continue
			}
			if !utf8.Valid(raw) || json.Unmarshal(raw, &obj) != nil || obj == nil {
				t.Fatalf("accepted %q: not a JSON object in UTF-8", raw)
			}
			mustStorable(t, obj)
		}
	})
}

// FuzzWebhook: a webhook body is refused with a 422, or accepted as a
// webhook stored as clean text whose secrets, taken out to be sealed and
// put back, are the ones sent, and none left in clear.
func FuzzWebhook(f *testing.F) {
	for _, s := range []string{
		`{"name":"Deploy","destinations":[{"target_url":"https://hooks.example.com/x","http_basic_auth":"user","http_basic_password":"pw",
		  "custom_header":[{"header_name":"X-Token","value":"s3cr3t"},{"header_name":"X-Env","value":""}]}],
		  "channels":["content_types.entries.publish.success","assets.create"],"branches":["main"],"retry_policy":"manual",
		  "notifiers":["ops@example.com"],"disabled":false,"concise_payload":true}`,
		`{"name":"OAuth","destinations":[{"target_url":"http://127.0.0.1:9000/h","authentication_type":"OAuth2","access_token_url":"https://auth.example.com/t",
		  "client_id":"id","client_secret":"sec","request_query_parameters":"a=1"},{"target_url":"https://b.example.com","authentication_type":"Bearer","bearer_token":"t"}],
		  "channels":["entries"],"retry_policy":"automatic","notifiers":"a@example.com, b@example.com"}`,
		`{"name":"x","destinations":[{"target_url":"ftp://x"}],"channels":["a"],"retry_policy":"manual"}`,
		`{"name":"x","destinations":[{"target_url":"https://x","custom_header":[{"header_name":"A B","value":"v"}]}],"channels":["a"],"retry_policy":"manual"}`,
		`{"name":"x","destinations":[{"target_url":"https://x","custom_header":[{"header_name":"","value":"v"}]}],"channels":["a"],"retry_policy":"manual"}`,
		`{"name":"x","destinations":[],"channels":["a"],"retry_policy":"manual"}`, `{"name":"x"}`, `{}`,
		`{"name":"x","destinations":[{"target_url":"https://x/"}],"channels":["a\u0000"],"retry_policy":"manual"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var b struct {
			Name           string               `json:"name"`
			Destinations   []WebhookDestination `json:"destinations"`
			Channels       []string             `json:"channels"`
			Branches       []string             `json:"branches"`
			Notifiers      json.RawMessage      `json:"notifiers"`
			RetryPolicy    string               `json:"retry_policy"`
			Disabled       bool                 `json:"disabled"`
			ConcisePayload bool                 `json:"concise_payload"`
		}
		if !utf8.ValidString(raw) || json.Unmarshal([]byte(raw), &b) != nil { // the HTTP layer refuses these (400)
			return
		}
		notifiers, err := ParseStringList("notifiers", b.Notifiers)
		if err != nil {
			checkClientError(t, "ParseStringList", err, KindInvalid)
			return
		}
		w := Webhook{Name: b.Name, Destinations: b.Destinations, Channels: b.Channels, Branches: b.Branches, Notifiers: notifiers,
			RetryPolicy: b.RetryPolicy, Disabled: b.Disabled, ConcisePayload: b.ConcisePayload}
		if err := ValidateWebhook(&w); err != nil {
			checkClientError(t, "ValidateWebhook", err, KindInvalid)
			return
		}
		mustStorable(t, w)
		bare, secrets := w.WithoutSecrets()
		if bare.HasSecretsInClear() {
			t.Fatalf("secrets left in clear: %+v", bare.Destinations)
		}
		sealed := mustStorable(t, secrets)
		var opened []WebhookSecrets
		if err := json.Unmarshal(sealed, &opened); err != nil {
			t.Fatal(err)
		}
		back, err := bare.WithSecrets(opened)
		if err != nil {
			t.Fatalf("WithSecrets: %v", err)
		}
		if diff := cmp.Diff(w, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("secrets changed on the way through the seal (-sent +back):\n%s", diff)
		}
	})
}

// FuzzWorkflow: a workflow body (read as the HTTP layer reads it) is
// refused with a 422, or accepted as a workflow stored as clean text with
// distinct stage uids, which a second normalization leaves unchanged;
// moving between its stages never panics.
func FuzzWorkflow(f *testing.F) {
	for _, s := range []string{
		`{"name":"Review","description":"Two steps","enabled":true,"branches":["main"],"content_types":["$all"],
		  "admin_users":{"users":["blt1"],"roles":[]},"workflow_stages":[
		  {"name":"Draft","color":"#2196f3","SYS_ACL":{"roles":{"uids":[]},"users":{"uids":["$all"]},"others":{}},"next_available_stages":["$all"],"entry_lock":"$none"},
		  {"name":"Approved","color":"#74ba76","SYS_ACL":{"roles":{"uids":["bltrole"]},"users":{"uids":[]},"others":{}},"next_available_stages":[],"entry_lock":"$others"}]}`,
		`{"name":"W","branches":["main"],"content_types":["blog","page"],"workflow_stages":[{"uid":"s1","name":"A"},{"uid":"s1","name":"B"}]}`,
		`{"name":"W","branches":["main"],"content_types":["blog"],"workflow_stages":[{"name":"A","color":"red"},{"name":"B"}]}`,
		`{"name":"W","branches":["main"],"content_types":["Blog"],"workflow_stages":[{"name":"A"},{"name":"A"}]}`,
		`{"name":"W","branches":[],"content_types":[],"workflow_stages":[]}`, `{}`,
		`{"name":"W\u0000","branches":["main"],"content_types":["blog"],"workflow_stages":[{"name":"A"},{"name":"B"}]}`,
		`{"name":"W","branches":["main"],"content_types":["blog"],"workflow_stages":[{"name":"A","SYS_ACL":{"others":{"x":"\u0000"}}},{"name":"B"}]}`,
		`{"name":"W","branches":["main"],"content_types":["blog"],"admin_users":{"users":["\u0000"]},"workflow_stages":[{"name":"A"},{"name":"B"}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var b struct {
			Name         string          `json:"name"`
			Description  string          `json:"description"`
			Enabled      bool            `json:"enabled"`
			Branches     []string        `json:"branches"`
			ContentTypes []string        `json:"content_types"`
			AdminUsers   Principals      `json:"admin_users"`
			Stages       []WorkflowStage `json:"workflow_stages"`
		}
		if !utf8.ValidString(raw) || json.Unmarshal([]byte(raw), &b) != nil { // the HTTP layer refuses these (400)
			return
		}
		w := Workflow{Name: b.Name, Description: b.Description, Enabled: b.Enabled, Branches: b.Branches,
			ContentTypes: b.ContentTypes, AdminUsers: b.AdminUsers, Stages: b.Stages}
		AssignStageUIDs(w.Stages, nil)
		if err := NormalizeWorkflow(&w); err != nil {
			checkClientError(t, "NormalizeWorkflow", err, KindInvalid)
			return
		}
		mustStorable(t, w)
		seen := map[string]bool{}
		for _, s := range w.Stages {
			if seen[s.UID] {
				t.Fatalf("stage uid %q accepted twice", s.UID)
			}
			seen[s.UID] = true
		}
		again := w
		again.Stages = slices.Clone(w.Stages)
		if err := NormalizeWorkflow(&again); err != nil {
			t.Fatalf("a normalized workflow is refused: %v", err)
		}
		if diff := cmp.Diff(w, again); diff != "" {
			t.Fatalf("a second normalization changed the workflow (-first +second):\n%s", diff)
		}
		m := Mover{UserUID: "blt1", RoleUIDs: []string{"bltrole"}}
		for _, from := range w.Stages {
			for _, to := range w.Stages {
				_ = CheckStageMove(w, from.UID, to.UID, m)
			}
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
