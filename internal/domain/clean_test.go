package domain

import (
	"encoding/json"
	"testing"
)

// TestUncleanJSONRefused: JSON kept as sent (schema keys stackd does not
// read, content type options) and the strings of scopes and rules are
// refused with a 422 when they hold invalid UTF-8 or NUL: PostgreSQL
// cannot store the first, and the same input must get the same answer on
// both engines. Found by FuzzSchema (testdata/fuzz/FuzzSchema) and
// FuzzExtension.
func TestUncleanJSONRefused(t *testing.T) {
	parsers := map[string]func(json.RawMessage) error{
		"schema": func(raw json.RawMessage) error { _, err := ParseSchema(raw); return err },
		"options": func(raw json.RawMessage) error {
			return ValidateContentType(&ContentType{UID: "a", Title: "A", Options: raw})
		},
		"scope": func(raw json.RawMessage) error { _, _, err := ParseScope(raw); return err },
		"rules": func(raw json.RawMessage) error { _, err := ParseRules(raw); return err },
		"extension scope": func(raw json.RawMessage) error {
			return ValidateExtension(&Extension{Title: "W", Type: "widget", Src: "https://example.com", Config: json.RawMessage("{}"), Scope: raw})
		},
		"extension config": func(raw json.RawMessage) error { _, err := ParseExtensionConfig(raw); return err },
	}
	for _, tc := range []struct {
		name, parser, raw, field string
	}{
		{"invalid UTF-8 in field_metadata", "schema",
			"[{\"display_name\":\"0\",\"uid\":\"a\",\"data_type\":\"text\",\"field_metadata\":{\"\xff\":true}}]", "schema"},
		{"NUL in a display_name", "schema", `[{"display_name":"a\u0000","uid":"a","data_type":"text"}]`, "schema.0.display_name"},
		{"NUL in a key stackd keeps", "schema", `[{"display_name":"a","uid":"a","data_type":"text","x\u0000":1}]`, "schema.0"},
		{"invalid UTF-8 in an option", "options", "{\"url_pattern\":\"/\xc3\"}", "options"},
		{"NUL in an option stackd does not read", "options", `{"x":["\u0000"]}`, "options.x.0"},
		{"NUL in a branch alias", "scope", `[{"module":"branch_alias","branch_aliases":["a\u0000"]}]`, "scope.0.branch_aliases.0"},
		{"NUL in a content type uid", "rules",
			`[{"module":"branch","branches":["main"]},{"module":"content_type","content_types":["\u0000"]}]`, "rules.1.content_types.0"},
		{"an empty branch uid", "rules", `[{"module":"branch","branches":[""]}]`, "rules.0.branches"},
		{"an invalid branch uid", "rules", `[{"module":"branch","branches":["Main Branch"]}]`, "rules.0.branches"},
		// Found by FuzzExtension: the SDK's upload sends scope as text, kept as sent.
		{"invalid UTF-8 in an extension scope", "extension scope", "{\"content_types\":[\"$all\"],\"x\":\"\xff\"}", "scope"},
		{"NUL in an extension scope", "extension scope", `{"content_types":["$all"],"x":"\u0000"}`, "scope.x"},
		{"NUL in an extension config", "extension config", `"{\"a\":\"\\u0000\"}"`, "config.a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := parsers[tc.parser](json.RawMessage(tc.raw))
			e, ok := AsError(err)
			if !ok || e.Kind != KindInvalid || len(e.Fields[tc.field]) == 0 {
				t.Fatalf("got %v (fields %v); want a 422 naming %s", err, fieldsOf(e), tc.field)
			}
		})
	}
}

func fieldsOf(e *Error) map[string][]string {
	if e == nil {
		return nil
	}
	return e.Fields
}

// TestAssetTextRefused: an asset's text fields (an upload form's fields,
// a folder's name and parent) with NUL or invalid UTF-8 are a 422: they
// reached PostgreSQL and failed there (a 500). Found by FuzzUpload (seed
// with a NUL title).
func TestAssetTextRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		check func() error
		field string
	}{
		{"NUL in a title", func() error { return ValidateAsset(&Asset{Title: "a\x00b"}) }, "title"},
		{"invalid UTF-8 in a description", func() error { return ValidateAsset(&Asset{Title: "a", Description: "\xff"}) }, "description"},
		{"NUL in a parent folder", func() error { return ValidateAsset(&Asset{Title: "a", ParentUID: "blt\x00"}) }, "parent_uid"},
		{"invalid UTF-8 in a tag", func() error { return ValidateAsset(&Asset{Title: "a", Tags: []string{"\xc3"}}) }, "tags"},
		{"invalid UTF-8 in a folder name", func() error { return ValidateFolder(&Asset{Name: "x\xff"}) }, "name"},
		{"NUL in a folder's parent", func() error { return ValidateFolder(&Asset{Name: "x", ParentUID: "\x00"}) }, "parent_uid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check()
			if e, ok := AsError(err); !ok || e.Kind != KindInvalid || len(e.Fields[tc.field]) == 0 {
				t.Fatalf("got %v; want a 422 naming %s", err, tc.field)
			}
		})
	}
}

// TestWebhookTextRefused: NUL in a webhook's channels or a destination's
// credentials and headers is a 422, as everywhere else. Found by
// FuzzWebhook (its seed with a NUL channel).
func TestWebhookTextRefused(t *testing.T) {
	valid := func() Webhook {
		return Webhook{Name: "W", RetryPolicy: "manual", Channels: []string{"assets.create"},
			Destinations: []WebhookDestination{{TargetURL: "https://example.com/h", CustomHeader: []WebhookHeader{{HeaderName: "X-A", Value: "v"}}}}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(w *Webhook)
		field string
	}{
		{"NUL in a channel", func(w *Webhook) { w.Channels[0] = "a\x00" }, "channels"},
		{"NUL in a password", func(w *Webhook) { w.Destinations[0].HTTPBasicPassword = "p\x00" }, "destinations.0"},
		{"invalid UTF-8 in a header value", func(w *Webhook) { w.Destinations[0].CustomHeader[0].Value = "\xff" }, "destinations.0.custom_header.0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := valid()
			if err := ValidateWebhook(&w); err != nil {
				t.Fatalf("valid webhook refused: %v", err)
			}
			tc.edit(&w)
			err := ValidateWebhook(&w)
			if e, ok := AsError(err); !ok || e.Kind != KindInvalid || len(e.Fields[tc.field]) == 0 {
				t.Fatalf("got %v; want a 422 naming %s", err, tc.field)
			}
		})
	}
}

// TestWorkflowTextRefused: NUL in a workflow's name, a stage's name, the
// uids it names or a stage's SYS_ACL.others (kept as sent) is a 422. Found
// by FuzzWorkflow's seeds.
func TestWorkflowTextRefused(t *testing.T) {
	valid := func() Workflow {
		return Workflow{Name: "W", Branches: []string{"main"}, ContentTypes: []string{"blog"},
			Stages: []WorkflowStage{{UID: "a", Name: "A"}, {UID: "b", Name: "B"}}}
	}
	for _, tc := range []struct {
		name  string
		edit  func(w *Workflow)
		field string
	}{
		{"NUL in the name", func(w *Workflow) { w.Name = "W\x00" }, "name"},
		{"invalid UTF-8 in the description", func(w *Workflow) { w.Description = "\xff" }, "description"},
		{"NUL in an admin user", func(w *Workflow) { w.AdminUsers.Users = []string{"\x00"} }, "admin_users"},
		{"NUL in a stage name", func(w *Workflow) { w.Stages[1].Name = "B\x00" }, "workflow_stages.1.name"},
		{"NUL in a stage's role", func(w *Workflow) { w.Stages[0].SysACL.Roles.UIDs = []string{"r\x00"} }, "workflow_stages.0.SYS_ACL"},
		{"NUL in others", func(w *Workflow) { w.Stages[0].SysACL.Others = json.RawMessage(`{"x":"\u0000"}`) }, "workflow_stages.0.SYS_ACL.others.x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := valid()
			if err := NormalizeWorkflow(&w); err != nil {
				t.Fatalf("valid workflow refused: %v", err)
			}
			w = valid()
			tc.edit(&w)
			err := NormalizeWorkflow(&w)
			if e, ok := AsError(err); !ok || e.Kind != KindInvalid || len(e.Fields[tc.field]) == 0 {
				t.Fatalf("got %v (fields %v); want a 422 naming %s", err, fieldsOf(e), tc.field)
			}
		})
	}
}
