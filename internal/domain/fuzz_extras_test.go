package domain

import (
	"encoding/json"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Fuzz targets for extensions, webhooks and workflows.

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
