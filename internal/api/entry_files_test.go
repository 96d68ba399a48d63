package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// TestEntryFileScenarios: CMA entry reads show file fields as asset objects, as Contentstack
// does (the csdx import finds the assets to rewrite that way, and the SDK's update turns the
// objects back into uids); a write takes uids or the objects shown; an asset that is gone
// stays a uid.
func TestEntryFileScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		owner := hdr("owner", "api_key")
		upload(t, e, "logo", apitest.Form{apitest.Field("asset[title]", "Logo"), apitest.FilePart("logo.png", "", pngBytes)})
		upload(t, e, "doc", apitest.Form{apitest.Field("asset[title]", "Doc"), apitest.FilePart("doc.txt", "", []byte("doc"))})
		upload(t, e, "gone", apitest.Form{apitest.FilePart("gone.txt", "", []byte("gone"))})
		mustDo(t, e, "POST", "/v3/global_fields", owner, map[string]any{"global_field": map[string]any{"title": "SEO", "uid": "seo",
			"schema": []any{map[string]any{"display_name": "Image", "uid": "image", "data_type": "file"}}}}, 201)
		createType(t, e, `{"content_type":{"title":"Post","uid":"post","schema":[
			{"display_name":"Title","uid":"title","data_type":"text","mandatory":true},
			{"display_name":"Cover","uid":"cover","data_type":"file"},
			{"display_name":"Files","uid":"files","data_type":"file","multiple":true},
			{"display_name":"SEO","uid":"seo","data_type":"global_field","reference_to":"seo"},
			{"display_name":"Parts","uid":"parts","data_type":"blocks","blocks":[{"title":"Pic","uid":"pic","schema":[
				{"display_name":"Image","uid":"image","data_type":"file"}]}]}]}}`)
		createEntryVar(t, e, "post", "/v3/content_types/post/entries", `{"entry":{"title":"P","cover":"{logo}",
			"files":["{doc}","{gone}"],"seo":{"image":"{logo}"},"parts":[{"pic":{"image":"{doc}"}}]}}`)
		mustDo(t, e, "DELETE", "/v3/assets/{gone}", owner, nil, 200)
		logo := map[string]any{"uid": "{logo}", "filename": "logo.png", "title": "Logo", "content_type": "image/png", "is_dir": false}
		doc := map[string]any{"uid": "{doc}", "filename": "doc.txt", "title": "Doc"}
		entry := map[string]any{"cover": logo, "files": []any{doc, "{gone}"}, "seo": map[string]any{"image": logo},
			"parts": []any{map[string]any{"pic": map[string]any{"image": doc}}}}
		e.Run(t, []apitest.Scenario{
			{Name: "an entry", Method: "GET", Path: "/v3/content_types/post/entries/{post}", Headers: owner, WantStatus: 200,
				WantJSON: map[string]any{"entry": entry}},
			{Name: "a list", Method: "GET", Path: "/v3/content_types/post/entries?include_publish_details=true", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entries": []any{entry}}},
			{Name: "the objects shown are taken back", Method: "PUT", Path: "/v3/content_types/post/entries/{post}", Headers: owner,
				Body: map[string]any{"entry": map[string]any{"cover": map[string]any{"uid": "{doc}", "filename": "doc.txt", "url": "x"}}}, WantStatus: 200},
			{Name: "and stored as uids", Method: "GET", Path: "/v3/content_types/post/entries/{post}?only[BASE][]=cover", Headers: owner,
				WantStatus: 200, WantJSON: map[string]any{"entry": map[string]any{"cover": doc}}},
		})
	})
}
