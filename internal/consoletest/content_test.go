package consoletest

import (
	"strings"
	"testing"
)

// TestContentTypeEntryPublish: build content types with a group and a
// reference field (an error lands on the field that caused it), create and
// edit an entry, compare two versions, publish it, and read it through the
// CDA with a delivery token made in the console.
func TestContentTypeEntryPublish(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	key := signInWithStack(t, p, "Content")

	p.click("link", "Environments")
	p.fill("Environment name", "production")
	p.click("button", "Add environment")
	p.waitText("production")

	p.click("link", "Content types")
	p.click("link", "New content type")
	p.fill("Title", "Author")
	p.click("button", "Create content type")
	p.waitPath("/console/stacks/" + key + "/content-types/author")

	p.click("link", "Content types")
	p.click("link", "New content type")
	p.fill("Title", "Blog post")
	p.click("button", "Add field")
	f2 := p.in("group", "Field 2")
	f2.fill("Display name", "Byline")
	f2.choose("Type", "Group")
	p.click("button", "Add field to field 2")
	p.in("group", "Field 2.1").fill("Display name", "Name")
	p.click("button", "Add field")
	f3 := p.in("group", "Field 3")
	f3.fill("Display name", "Related")
	f3.choose("Type", "Reference")
	p.in("group", "Referenced content types").check("Author", true)
	p.click("button", "Add field")
	f4 := p.in("group", "Field 4")
	f4.fill("Display name", "Locale")
	p.click("button", "Create content type")
	p.waitText("is a system field of entries")
	p.shot("content-type-field-error")
	p.click("button", "Remove Field 4")
	p.click("button", "Create content type")
	p.waitPath("/console/stacks/" + key + "/content-types/blog_post")
	p.shot("content-type-builder")

	p.click("link", "Entries")
	p.click("link", "New Author entry")
	p.fill("Title", "Ann")
	p.click("button", "Create entry")
	p.waitRole("button", "Save entry")

	p.click("link", "Entries")
	p.click("link", "New Blog post entry")
	p.fill("Title", "Hello")
	p.in("group", "Byline").fill("Name", "Ann")
	p.click("button", "Add reference to Related")
	p.click("button", "Choose Ann")
	p.click("button", "Create entry")
	p.waitRole("button", "Save entry")
	entryPath := p.path()
	uid := strings.Split(strings.TrimPrefix(entryPath, "/console/stacks/"+key+"/entries/blog_post/"), "?")[0]

	p.fill("Title", "Hello world")
	p.click("button", "Save entry")
	p.waitText("Version 2 in en-us")
	p.shot("entry-editor")

	p.click("link", "Compare versions")
	p.waitRole("table", "Version 1 and version 2, side by side")
	p.waitText("1 field(s) differ between version 1 and version 2.")
	cmp := p.text("table", "Version 1 and version 2, side by side")
	if !strings.Contains(cmp, "Hello\t") && !strings.Contains(cmp, "Hello\n") || !strings.Contains(cmp, "Hello world") {
		t.Errorf("the comparison does not show both titles:\n%s", cmp)
	}
	p.shot("entry-versions-compare")

	p.click("link", "Back to the entry")
	p.in("group", "Environments").check("production", true)
	p.click("button", "Publish")
	p.waitText("production (en-us): version 2")
	p.shot("entry-published")

	p.click("link", "Delivery tokens")
	p.fill("Token name", "website")
	p.click("button", "Create token")
	p.waitText("website")
	token := strings.TrimSpace(p.textByName("Delivery token of website"))
	code, body := call(t, "GET", s.CDA+"/v3/content_types/blog_post/entries/"+uid+"?environment=production",
		map[string]string{"api_key": key, "access_token": token}, "")
	if code != 200 {
		t.Fatalf("CDA read = %d %v", code, body)
	}
	e, _ := body["entry"].(map[string]any)
	if e["title"] != "Hello world" {
		t.Errorf("the CDA serves %v", e)
	}
	if g, _ := e["byline"].(map[string]any); g == nil || g["name"] != "Ann" {
		t.Errorf("the CDA serves byline %v", e["byline"])
	}
	if r, _ := e["related"].([]any); len(r) != 1 {
		t.Errorf("the CDA serves related %v", e["related"])
	}
}
