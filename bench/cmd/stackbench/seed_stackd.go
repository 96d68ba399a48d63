package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
)

// stackdSeed is what the run seeded in stackd and the load needs.
type stackdSeed struct {
	APIKey, Mgmt, Delivery string
	EntryUID               string // an entry published to the environment
	ImagePath              string // the path of a published 1200×800 PNG's file URL
}

// The bench's content type: a title and a body, as in the figures.
// Each article references one of benchAuthors published authors, for the
// include[] scenario.
var articleType = map[string]any{"content_type": map[string]any{"title": "Article", "uid": "article", "schema": []any{
	map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true},
	map[string]any{"display_name": "Body", "uid": "body", "data_type": "text"},
	map[string]any{"display_name": "Author", "uid": "author", "data_type": "reference", "reference_to": []any{"author"}},
}}}

var authorType = map[string]any{"content_type": map[string]any{"title": "Author", "uid": "author", "schema": []any{
	map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true},
}}}

const benchAuthors = 10

// seedStackd logs in as the owner, creates the stack, the content type, an
// environment, n entries published there, a management token that may
// read and write entries, and a delivery token of the environment.
func seedStackd(ctx context.Context, cma, email, password string, n int) (stackdSeed, error) {
	var s stackdSeed
	login, _, err := call(ctx, "POST", cma+"/v3/user-session", nil,
		map[string]any{"user": map[string]any{"email": email, "password": password}}, 200)
	if err != nil {
		return s, err
	}
	auth := map[string]string{"authtoken": str(login, "user", "authtoken"), "organization_uid": str(login, "user", "organizations", 0, "uid")}
	st, _, err := call(ctx, "POST", cma+"/v3/stacks", auth, map[string]any{"stack": map[string]any{"name": "Bench", "master_locale": "en-us"}}, 201)
	if err != nil {
		return s, err
	}
	s.APIKey = str(st, "stack", "api_key")
	auth["api_key"] = s.APIKey
	if err := seedStackdContent(ctx, cma, auth, &s, n); err != nil {
		return s, err
	}
	return s, seedStackdTokens(ctx, cma, auth, &s)
}

func seedStackdContent(ctx context.Context, cma string, auth map[string]string, s *stackdSeed, n int) error {
	for _, ct := range []map[string]any{authorType, articleType} {
		if _, _, err := call(ctx, "POST", cma+"/v3/content_types", auth, ct, 201); err != nil {
			return err
		}
	}
	if _, _, err := call(ctx, "POST", cma+"/v3/environments", auth, map[string]any{"environment": map[string]any{"name": "production"}}, 201); err != nil {
		return err
	}
	authors := make([]string, benchAuthors)
	for i := range authors {
		uid, err := createPublished(ctx, cma, auth, "author", map[string]any{"title": fmt.Sprintf("Author %d", i)})
		if err != nil {
			return err
		}
		authors[i] = uid
	}
	for i := range n {
		uid, err := createPublished(ctx, cma, auth, "article", map[string]any{"title": fmt.Sprintf("Entry %d", i), "body": entryBody,
			"author": []any{map[string]any{"uid": authors[i%benchAuthors], "_content_type_uid": "author"}}})
		if err != nil {
			return err
		}
		if i == n/2 {
			s.EntryUID = uid
		}
	}
	return seedImage(ctx, cma, auth, s)
}

// createPublished creates an entry of ct and publishes it to production.
func createPublished(ctx context.Context, cma string, auth map[string]string, ct string, entry map[string]any) (string, error) {
	e, _, err := call(ctx, "POST", cma+"/v3/content_types/"+ct+"/entries", auth, map[string]any{"entry": entry}, 201)
	if err != nil {
		return "", err
	}
	uid := str(e, "entry", "uid")
	pub := map[string]any{"entry": map[string]any{"environments": []any{"production"}, "locales": []any{"en-us"}}, "locale": "en-us"}
	_, _, err = call(ctx, "POST", cma+"/v3/content_types/"+ct+"/entries/"+uid+"/publish", auth, pub, 200)
	return uid, err
}

// seedImage uploads and publishes a 1200×800 PNG and keeps its file URL's path.
func seedImage(ctx context.Context, cma string, auth map[string]string, s *stackdSeed) error {
	img := image.NewNRGBA(image.Rect(0, 0, 1200, 800))
	for y := range 800 {
		for x := range 1200 {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), uint8(x + y), 255})
		}
	}
	var file bytes.Buffer
	if err := png.Encode(&file, img); err != nil {
		return err
	}
	as, err := upload(ctx, cma+"/v3/assets", auth, "bench.png", file.Bytes())
	if err != nil {
		return err
	}
	uid := str(as, "asset", "uid")
	pub := map[string]any{"asset": map[string]any{"environments": []any{"production"}, "locales": []any{"en-us"}}}
	if _, _, err := call(ctx, "POST", cma+"/v3/assets/"+uid+"/publish", auth, pub, 200); err != nil {
		return err
	}
	u, err := url.Parse(str(as, "asset", "url"))
	if err != nil {
		return err
	}
	s.ImagePath = u.Path
	return nil
}

// upload posts one file as the SDKs do (multipart, field asset[upload]).
func upload(ctx context.Context, target string, headers map[string]string, name string, data []byte) (map[string]any, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("asset[upload]", name)
	if err != nil {
		return nil, err
	}
	if _, err := part.Write(data); err != nil {
		return nil, err
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", target, &body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 {
		return nil, fmt.Errorf("upload: status %d: %s", resp.StatusCode, raw)
	}
	return decodeObject(raw)
}

func seedStackdTokens(ctx context.Context, cma string, auth map[string]string, s *stackdSeed) error {
	mt, _, err := call(ctx, "POST", cma+"/v3/stacks/management_tokens", auth, map[string]any{"token": map[string]any{"name": "bench", "scope": []any{
		map[string]any{"module": "content_type", "acl": map[string]any{"read": true, "write": true}},
		map[string]any{"module": "entry", "acl": map[string]any{"read": true, "write": true}},
		map[string]any{"module": "branch", "branches": []any{"main"}, "acl": map[string]any{"read": true}},
	}}}, 201)
	if err != nil {
		return err
	}
	s.Mgmt = str(mt, "token", "token")
	dt, _, err := call(ctx, "POST", cma+"/v3/stacks/delivery_tokens", auth, map[string]any{"token": map[string]any{"name": "bench", "scope": []any{
		map[string]any{"module": "environment", "environments": []any{"production"}, "acl": map[string]any{"read": true}},
		map[string]any{"module": "branch", "branches": []any{"main"}, "acl": map[string]any{"read": true}},
	}}}, 201)
	if err != nil {
		return err
	}
	s.Delivery = str(dt, "token", "token")
	return nil
}
