package consoletest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// seed fills a stack through the API (as an SDK would) so that every
// console page has something to show. It returns the stack's api_key.
type seed struct {
	t          *testing.T
	s          *stackd
	auth, key  string
	entry      string
	tokenName  string
	tokenUID   string
	tokenValue string
}

func (sd *seed) do(method, path string, headers map[string]string, body any, want int) map[string]any {
	sd.t.Helper()
	h := map[string]string{"authtoken": sd.auth, "api_key": sd.key}
	for k, v := range headers {
		h[k] = v
	}
	raw, _ := json.Marshal(body)
	if body == nil {
		raw = nil
	}
	code, out := call(sd.t, method, sd.s.URL+path, h, string(raw))
	if code != want {
		sd.t.Fatalf("%s %s = %d %v, want %d", method, path, code, out, want)
	}
	return out
}

func seedStack(t *testing.T, s *stackd) *seed {
	t.Helper()
	sd := &seed{t: t, s: s, auth: apiLogin(t, s)}
	_, user := s.get(t, "/v3/user", map[string]string{"authtoken": sd.auth})
	org := user["user"].(map[string]any)["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	st := sd.do("POST", "/v3/stacks", map[string]string{"organization_uid": org}, map[string]any{"stack": map[string]any{"name": "Showcase"}}, 201)
	sd.key = st["stack"].(map[string]any)["api_key"].(string)
	sd.do("POST", "/v3/environments", nil, map[string]any{"environment": map[string]any{"name": "production"}}, 201)
	sd.do("POST", "/v3/locales", nil, map[string]any{"locale": map[string]any{"code": "fr-fr", "name": "French - France"}}, 201)
	sd.do("POST", "/v3/global_fields", nil, map[string]any{"global_field": map[string]any{"title": "SEO", "uid": "seo",
		"schema": []any{map[string]any{"display_name": "Keywords", "uid": "keywords", "data_type": "text"}}}}, 201)
	sd.do("POST", "/v3/content_types", nil, map[string]any{"content_type": allTypes()}, 201)
	e := sd.do("POST", "/v3/content_types/page/entries", nil, map[string]any{"entry": map[string]any{
		"title": "Home", "body": "Welcome", "views": 3, "day": "2026-01-31", "live": true, "site": map[string]any{"title": "x", "href": "https://example.com"},
		"meta": map[string]any{"a": 1}, "seo": map[string]any{"keywords": "home"}, "author": map[string]any{"name": "Ann"},
		"sections": []any{map[string]any{"hero": map[string]any{"heading": "Hi"}}}}}, 201)
	sd.entry = e["entry"].(map[string]any)["uid"].(string)
	sd.do("PUT", "/v3/content_types/page/entries/"+sd.entry, nil, map[string]any{"entry": map[string]any{"title": "Home page"}}, 200)
	tok := sd.do("POST", "/v3/stacks/management_tokens", nil, map[string]any{"token": map[string]any{"name": "ci", "scope": []any{
		map[string]any{"module": "$all", "acl": map[string]any{"read": true, "write": true}},
		map[string]any{"module": "branch", "branches": []string{"main"}}}}}, 201)
	t2 := tok["token"].(map[string]any)
	sd.tokenName, sd.tokenUID, sd.tokenValue = "ci", t2["uid"].(string), t2["token"].(string)
	code, out := call(t, "POST", s.URL+"/v3/labels", map[string]string{"authorization": sd.tokenValue, "api_key": sd.key},
		`{"label":{"name":"Made by a token","content_types":["page"]}}`)
	if code != 201 {
		t.Fatalf("label by token = %d %v", code, out)
	}
	sd.do("POST", "/v3/stacks/delivery_tokens", nil, map[string]any{"token": map[string]any{"name": "website", "scope": []any{
		map[string]any{"module": "environment", "environments": []string{"production"}, "acl": map[string]any{"read": true}},
		map[string]any{"module": "branch", "branches": []string{"main"}, "acl": map[string]any{"read": true}}}}}, 201)
	sd.do("POST", "/v3/roles", nil, map[string]any{"role": map[string]any{"name": "Editor", "rules": []any{
		map[string]any{"module": "branch", "branches": []string{"main"}, "acl": map[string]any{"read": true}},
		map[string]any{"module": "content_type", "content_types": []string{"$all"}, "acl": map[string]any{"read": true, "sub_acl": map[string]any{"read": true, "update": true}}}}}}, 201)
	sd.do("POST", "/v3/bulk/publish", nil, map[string]any{"entries": []any{map[string]any{"uid": sd.entry, "content_type": "page", "locale": "en-us"}},
		"locales": []string{"en-us"}, "environments": []string{"production"}}, 200)
	wf := sd.do("POST", "/v3/workflows", nil, map[string]any{"workflow": map[string]any{"name": "Review", "content_types": []string{"page"},
		"workflow_stages": []any{
			map[string]any{"name": "Draft", "SYS_ACL": map[string]any{"users": map[string]any{"uids": []string{"$all"}}}, "next_available_stages": []string{"$all"}},
			map[string]any{"name": "Ready", "SYS_ACL": map[string]any{"users": map[string]any{"uids": []string{"$all"}}}, "next_available_stages": []string{"$all"}}}}}, 201)
	w := wf["workflow"].(map[string]any)
	stage := w["workflow_stages"].([]any)[1].(map[string]any)["uid"].(string)
	sd.do("POST", "/v3/workflows/publishing_rules", nil, map[string]any{"publishing_rule": map[string]any{"workflow": w["uid"], "workflow_stage": stage,
		"environment": "production", "actions": []string{"publish"}}}, 201)
	sd.do("POST", "/v3/webhooks", nil, map[string]any{"webhook": map[string]any{"name": "Deploy", "destinations": []any{
		map[string]any{"target_url": "https://hooks.example.com/deploy"}}, "channels": []string{"content_types.entries.publish"}}}, 201)
	return sd
}

// allTypes is a content type with a field of every data type stackd knows.
func allTypes() map[string]any {
	f := func(name, uid, typ string, more ...any) map[string]any {
		m := map[string]any{"display_name": name, "uid": uid, "data_type": typ}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i].(string)] = more[i+1]
		}
		return m
	}
	return map[string]any{"title": "Page", "uid": "page", "schema": []any{
		f("Title", "title", "text", "mandatory", true, "unique", true),
		f("Body", "body", "text", "field_metadata", map[string]any{"multiline": true}),
		f("Views", "views", "number"), f("Day", "day", "isodate"), f("Live", "live", "boolean"),
		f("Image", "image", "file"), f("Site", "site", "link"), f("Meta", "meta", "json"),
		f("Tags list", "keywords", "text", "multiple", true),
		f("Related", "related", "reference", "reference_to", []string{"page"}),
		f("Author", "author", "group", "schema", []any{f("Name", "name", "text")}),
		f("Sections", "sections", "blocks", "blocks", []any{map[string]any{"title": "Hero", "uid": "hero",
			"schema": []any{f("Heading", "heading", "text")}}}),
		f("SEO", "seo", "global_field", "reference_to", "seo"),
	}}
}

// TestEveryPageRenders visits every console page of a stack filled through
// the API, takes a screenshot of each, and checks that each shows its
// heading, no error and no control without an accessible name. The audit log shows the token's write as the
// token, and a filter by that token finds it.
func TestEveryPageRenders(t *testing.T) {
	s := startServer(t)
	sd := seedStack(t, s)
	p := newPage(t, s.URL)
	p.signIn(ownerEmail, ownerPassword)
	p.waitPath("/console/orgs/")
	p.shot("page-organization")
	stack := "/console/stacks/" + sd.key
	pages := []struct{ path, heading string }{
		{"/console/profile", "Your profile"},
		{stack + "/entries", "Entries of Showcase"},
		{stack + "/entries/page", "Page entries"},
		{stack + "/entries/page/" + sd.entry, "Home page"},
		{stack + "/entries/page/" + sd.entry + "?locale=fr-fr", "Home page"},
		{stack + "/entries/page/" + sd.entry + "/versions", "Versions"},
		{stack + "/content-types", "Content types"},
		{stack + "/content-types/page", "Page"},
		{stack + "/global-fields", "Global fields"},
		{stack + "/global-fields/seo", "SEO"},
		{stack + "/assets", "Assets"},
		{stack + "/publish-queue", "Publish queue"},
	}
	for _, sec := range []struct{ path, heading string }{{"environments", "Environments"}, {"locales", "Locales"},
		{"management-tokens", "Management tokens"}, {"delivery-tokens", "Delivery tokens"}, {"users", "Users"}, {"roles", "Roles"},
		{"audit-log", "Audit log"}, {"webhooks", "Webhooks"}, {"labels", "Labels"}, {"workflows", "Workflows"}, {"publish-rules", "Publish rules"}} {
		pages = append(pages, struct{ path, heading string }{stack + "/settings/" + sec.path, sec.heading})
	}
	for _, pg := range pages {
		p.open(pg.path)
		p.waitRole("heading", pg.heading)
		if p.has("heading", "This page could not be shown") {
			t.Errorf("%s: %s", pg.path, p.bodyText())
		}
		if bad := p.unnamedControls(); len(bad) > 0 {
			t.Errorf("%s: controls without an accessible name: %v", pg.path, bad)
		}
		p.shot("page-" + sanitize(strings.TrimPrefix(strings.TrimPrefix(pg.path, stack), "/console/")))
	}

	// The check above can fail: a button without a name is found.
	eval[bool](p, `document.getElementById('main').appendChild(document.createElement('button')) !== null`)
	if bad := p.unnamedControls(); len(bad) != 1 {
		t.Errorf("an unnamed button added to the page: the check found %v, want it alone", bad)
	}

	p.open(stack + "/settings/audit-log")
	p.waitText(fmt.Sprintf("Management token “%s”", sd.tokenName))
	p.choose("Actor", "Token: ci")
	p.click("button", "Filter")
	p.waitPath(stack + "/settings/audit-log?actor=token")
	p.waitText("Made by a token")
	rows := p.text("table", "Audit log events, newest first")
	if strings.Contains(rows, ownerEmail) {
		t.Errorf("a filter by the token shows a person's events:\n%s", rows)
	}
	p.shot("page-audit-log-by-token")

	p.open(stack + "/publish-queue")
	p.click("link", "Bulk job "+bulkJobID(t, sd))
	p.waitRole("table", "Items of the job")
	p.waitText("1 succeeded, 0 failed of 1.")
	p.shot("page-bulk-job")
}

func bulkJobID(t *testing.T, sd *seed) string {
	t.Helper()
	q := sd.do("GET", "/v3/publish-queue", nil, nil, 200)
	for _, it := range q["queue"].([]any) {
		if id, ok := it.(map[string]any)["bulkJobId"].(string); ok {
			return id
		}
	}
	t.Fatal("no bulk job in the queue")
	return ""
}
