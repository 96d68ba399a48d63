package consoletest

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// noisePNG is a w×w PNG of random pixels (it does not compress, so its
// upload takes a while under a throttled connection).
func noisePNG(t *testing.T, w int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, w))
	r := rand.New(rand.NewPCG(1, 2))
	for y := range w {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// throttleUploads slows the tab's uploads to bytesPerSec (0: no limit).
func (p *page) throttleUploads(bytesPerSec float64) {
	p.t.Helper()
	up := bytesPerSec
	if up == 0 {
		up = -1
	}
	p.do("throttle", func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{DownloadThroughput: -1, UploadThroughput: up}}})
		return chromedp.Void{}, err
	})
}

// TestAssetUploadIntoFolderAndPublish: make a folder, upload an image into
// it over a slow connection while its progress bar moves, see its preview,
// and publish it.
func TestAssetUploadIntoFolderAndPublish(t *testing.T) {
	s := startServer(t)
	p := newPage(t, s.URL)
	key := signInWithStack(t, p, "Media")
	p.click("link", "Environments")
	p.fill("Environment name", "production")
	p.click("button", "Add environment")
	p.waitText("production")

	p.click("link", "Assets")
	p.fill("Folder name", "Photos")
	p.click("button", "Create folder")
	p.click("link", "Folder Photos")
	p.waitRole("heading", "Assets in Photos")
	folder := strings.TrimPrefix(p.path(), "/console/stacks/"+key+"/assets?folder=")

	file := writeFile(t, t.TempDir(), "photo.png", noisePNG(t, 200))
	p.throttleUploads(80_000)
	p.setFiles("Files to upload", file)
	p.click("button", "Upload")
	bar := p.find("progressbar", "Uploading photo.png")
	var seen []int
	for deadline := time.Now().Add(waitFor); ; {
		v := callOn[int](p, bar, `function(){ return this.value }`)
		if len(seen) == 0 || seen[len(seen)-1] != v {
			seen = append(seen, v)
		}
		if v > 0 && v < 100 && len(seen) == 2 {
			p.shot("asset-upload-progress")
		}
		if v == 100 || time.Now().After(deadline) {
			break
		}
		time.Sleep(40 * time.Millisecond)
	}
	p.throttleUploads(0)
	partial := false
	for _, v := range seen {
		partial = partial || v > 0 && v < 100
	}
	if !partial || seen[len(seen)-1] != 100 {
		t.Errorf("the progress bar went %v; want a value between 0 and 100, then 100", seen)
	}
	p.waitRole("link", "photo.png")
	p.waitText("photo.png: uploaded")
	p.shot("assets-folder")

	p.click("link", "photo.png")
	p.waitRole("image", "Preview of photo.png")
	if w := callOn[int](p, p.find("image", "Preview of photo.png"), `function(){ return this.naturalWidth }`); w != 200 {
		t.Errorf("the preview image is %d pixels wide, want 200 (loaded under the CSP)", w)
	}
	p.in("group", "Environments").check("production", true)
	p.click("button", "Publish")
	p.waitText("production (en-us): version 1")
	p.shot("asset-published")

	uid := strings.TrimPrefix(p.path(), "/console/stacks/"+key+"/assets/")
	auth := apiLogin(t, s)
	code, body := s.get(t, "/v3/assets/"+uid+"?include_publish_details=true", map[string]string{"authtoken": auth, "api_key": key})
	a, _ := body["asset"].(map[string]any)
	if code != 200 || a["parent_uid"] != folder || a["content_type"] != "image/png" {
		t.Fatalf("GET the asset = %d %v; want it in folder %s", code, body, folder)
	}
	if pd, _ := a["publish_details"].([]any); len(pd) != 1 {
		t.Errorf("publish_details = %v, want one environment", a["publish_details"])
	}
}

// apiLogin signs the owner in through the API (an authtoken, as an SDK does).
func apiLogin(t *testing.T, s *stackd) string {
	t.Helper()
	code, body := call(t, "POST", s.URL+"/v3/user-session", nil, `{"user":{"email":"`+ownerEmail+`","password":"`+ownerPassword+`"}}`)
	u, _ := body["user"].(map[string]any)
	tok, _ := u["authtoken"].(string)
	if code != 200 || tok == "" {
		t.Fatalf("API login = %d %v", code, body)
	}
	return tok
}
