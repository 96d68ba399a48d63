package api_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/apitest"
)

// TestStackSettingsScenarios: the settings start empty, POST merges the sections it sends value
// by value (null removes a value), reset starts again from the defaults, and the csdx export
// and import (with the login) read and write them this way.
func TestStackSettingsScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		stackEnv(t, e)
		owner := hdr("owner", "api_key")
		empty := map[string]any{"stack_variables": map[string]any{}, "discrete_variables": map[string]any{},
			"live_preview": map[string]any{}, "rte": map[string]any{}}
		e.Run(t, []apitest.Scenario{
			{Name: "the defaults", Method: "GET", Path: "/v3/stacks/settings", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"stack_settings": empty}},
			{Name: "add", Method: "POST", Path: "/v3/stacks/settings", Headers: owner,
				Body: `{"stack_settings":{"stack_variables":{"enforce_unique_urls":true,"sys_rte_allowed_tags":"style,figure"},
					"live_preview":{"enabled":true,"default-env":"bltenv"}}}`, WantStatus: 201,
				WantJSON: map[string]any{"notice": "Stack settings updated successfully.", "stack_settings": map[string]any{
					"stack_variables": map[string]any{"enforce_unique_urls": true}, "live_preview": map[string]any{"enabled": true}}}},
			{Name: "merge one value, remove another", Method: "POST", Path: "/v3/stacks/settings", Headers: owner,
				Body: `{"stack_settings":{"stack_variables":{"enforce_unique_urls":false,"sys_rte_allowed_tags":null}}}`, WantStatus: 201},
			{Name: "an unknown section", Method: "POST", Path: "/v3/stacks/settings", Headers: owner,
				Body: `{"stack_settings":{"colours":{}}}`, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"stack_settings.colours": []any{
					"is not a section of the stack settings (stack_variables, discrete_variables, live_preview, rte)."}}}},
			{Name: "a section that is not an object", Method: "POST", Path: "/v3/stacks/settings", Headers: owner,
				Body: `{"stack_settings":{"rte":[1]}}`, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"stack_settings.rte": []any{"must be an object."}}}},
			{Name: "no stack_settings", Method: "POST", Path: "/v3/stacks/settings", Headers: owner, Body: `{}`, WantStatus: 422},
			{Name: "a content manager may not read them", Method: "GET", Path: "/v3/stacks/settings", Headers: hdr("cm", "api_key"),
				WantStatus: 403},
		})
		_, got := e.Do("GET", "/v3/stacks/settings", owner, nil)
		want := map[string]any{"stack_settings": map[string]any{"stack_variables": map[string]any{"enforce_unique_urls": false},
			"discrete_variables": map[string]any{}, "live_preview": map[string]any{"enabled": true, "default-env": "bltenv"}, "rte": map[string]any{}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("settings after the updates (-want +got):\n%s", diff)
		}
		e.Run(t, []apitest.Scenario{
			{Name: "reset, with a value", Method: "POST", Path: "/v3/stacks/settings/reset", Headers: owner,
				Body: `{"stack_settings":{"rte":{"cs_only_breakline":true}}}`, WantStatus: 201},
			{Name: "reset without a body's settings", Method: "POST", Path: "/v3/stacks/settings/reset", Headers: owner,
				Body: `{}`, WantStatus: 201, WantJSON: map[string]any{"stack_settings": empty}},
		})
		_, got = e.Do("GET", "/v3/stacks/settings", owner, nil)
		if diff := cmp.Diff(map[string]any{"stack_settings": empty}, got); diff != "" {
			t.Errorf("settings after the reset (-want +got):\n%s", diff)
		}
		// Each change, and no refused request, has its audit item.
		_, log := e.Do("GET", "/v3/audit-logs?limit=100", owner, nil)
		var events []string
		for _, it := range log["logs"].([]any) {
			if item := it.(map[string]any); item["module"] == "stack_settings" {
				events = append(events, item["event_type"].(string))
			}
		}
		slices.Sort(events)
		if diff := cmp.Diff([]string{"reset", "reset", "update", "update"}, events); diff != "" {
			t.Errorf("audit items of the settings (-want +got):\n%s", diff)
		}
	})
}
