package main

import (
	"context"
	"fmt"
)

// stackdSeed is what the run seeded in stackd and the load needs.
type stackdSeed struct {
	APIKey, Mgmt, Delivery string
	EntryUID               string // an entry published to the environment
}

// The bench's content type: a title and a body, as in the figures.
var articleType = map[string]any{"content_type": map[string]any{"title": "Article", "uid": "article", "schema": []any{
	map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true},
	map[string]any{"display_name": "Body", "uid": "body", "data_type": "text"},
}}}

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
	if _, _, err := call(ctx, "POST", cma+"/v3/content_types", auth, articleType, 201); err != nil {
		return err
	}
	if _, _, err := call(ctx, "POST", cma+"/v3/environments", auth, map[string]any{"environment": map[string]any{"name": "production"}}, 201); err != nil {
		return err
	}
	pub := map[string]any{"entry": map[string]any{"environments": []any{"production"}, "locales": []any{"en-us"}}, "locale": "en-us"}
	for i := range n {
		e, _, err := call(ctx, "POST", cma+"/v3/content_types/article/entries", auth,
			map[string]any{"entry": map[string]any{"title": fmt.Sprintf("Entry %d", i), "body": entryBody}}, 201)
		if err != nil {
			return err
		}
		uid := str(e, "entry", "uid")
		if _, _, err := call(ctx, "POST", cma+"/v3/content_types/article/entries/"+uid+"/publish", auth, pub, 200); err != nil {
			return err
		}
		if i == n/2 {
			s.EntryUID = uid
		}
	}
	return nil
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
