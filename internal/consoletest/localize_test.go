package consoletest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// uploadAsset uploads a file through the API as the SDK does (multipart).
func (sd *seed) uploadAsset(name string, data []byte) string {
	sd.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("asset[upload]", name)
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest("POST", sd.s.URL+"/v3/assets", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("authtoken", sd.auth)
	req.Header.Set("api_key", sd.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		sd.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Asset struct{ UID string } }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 201 {
		sd.t.Fatalf("upload = %d %v", resp.StatusCode, err)
	}
	return out.Asset.UID
}

// setValue sets a field's value as a date or time picker would, and
// announces it to the page with an input event.
func (p *page) setValue(label, value string) {
	p.t.Helper()
	p.call(p.findEditable(label), `function(v){ this.value = v; this.dispatchEvent(new Event('input', {bubbles: true})); }`, value)
}

// TestAssetPickerLocalizeAndSchedule: pick an asset for a file field,
// localize the entry in a second locale, schedule a publish and cancel it
// in the publish queue.
func TestAssetPickerLocalizeAndSchedule(t *testing.T) {
	s := startServer(t)
	sd := &seed{t: t, s: s, auth: apiLogin(t, s)}
	_, user := s.get(t, "/v3/user", map[string]string{"authtoken": sd.auth})
	org := user["user"].(map[string]any)["organizations"].([]any)[0].(map[string]any)["uid"].(string)
	st := sd.do("POST", "/v3/stacks", map[string]string{"organization_uid": org}, map[string]any{"stack": map[string]any{"name": "Blog"}}, 201)
	sd.key = st["stack"].(map[string]any)["api_key"].(string)
	sd.do("POST", "/v3/environments", nil, map[string]any{"environment": map[string]any{"name": "production"}}, 201)
	sd.do("POST", "/v3/locales", nil, map[string]any{"locale": map[string]any{"code": "fr-fr", "name": "French - France"}}, 201)
	sd.do("POST", "/v3/content_types", nil, map[string]any{"content_type": map[string]any{"title": "Post", "uid": "post", "schema": []any{
		map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true},
		map[string]any{"display_name": "Cover", "uid": "cover", "data_type": "file"}}}}, 201)
	asset := sd.uploadAsset("cover.png", noisePNG(t, 16))
	e := sd.do("POST", "/v3/content_types/post/entries", nil, map[string]any{"entry": map[string]any{"title": "Hello"}}, 201)
	uid := e["entry"].(map[string]any)["uid"].(string)

	p := newPage(t, s.URL)
	p.signIn(ownerEmail, ownerPassword)
	p.waitPath("/console/orgs/")
	p.open("/console/stacks/" + sd.key + "/entries/post/" + uid)
	p.click("button", "Choose asset for Cover")
	p.click("button", "Choose cover.png")
	p.waitText(asset)
	p.click("button", "Save entry")
	p.waitText("Version 2 in en-us")
	got := sd.do("GET", "/v3/content_types/post/entries/"+uid, nil, nil, 200)["entry"].(map[string]any)
	if c, _ := got["cover"].(map[string]any); c == nil || c["uid"] != asset {
		t.Errorf("cover = %v, want the asset %s", got["cover"], asset)
	}

	p.choose("Locale", "fr-fr")
	p.waitText("This entry is not localized in fr-fr")
	p.fill("Title", "Bonjour")
	p.click("button", "Localize in fr-fr")
	p.waitText("Version 1 in fr-fr")
	p.shot("entry-localized")
	fr := sd.do("GET", "/v3/content_types/post/entries/"+uid+"?locale=fr-fr", nil, nil, 200)["entry"].(map[string]any)
	if fr["title"] != "Bonjour" || fr["locale"] != "fr-fr" {
		t.Errorf("the fr-fr entry is %v", fr)
	}

	p.in("group", "Environments").check("production", true)
	p.setValue("Schedule for (optional)", time.Now().Add(48*time.Hour).Format("2006-01-02T15:04"))
	p.click("button", "Publish")
	p.waitText("Scheduled for")
	p.click("link", "Publish queue")
	p.waitText("scheduled")
	p.shot("publish-queue-scheduled")
	p.click("button", "Cancel the scheduled publish")
	p.waitText("canceled")
	q := sd.do("GET", "/v3/publish-queue", nil, nil, 200)["queue"].([]any)
	if len(q) != 1 || !strings.Contains(q[0].(map[string]any)["publish_details"].(map[string]any)["status"].(string), "cancel") {
		t.Errorf("the queue is %v, want one canceled publish", q)
	}
}
