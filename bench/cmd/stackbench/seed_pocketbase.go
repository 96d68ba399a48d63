package main

import (
	"context"
	"fmt"
)

// pbSeed is what the run seeded in PocketBase and the load needs.
type pbSeed struct {
	Token    string // a user's auth token: the collection's rules require one
	RecordID string
}

// authRule is the rule of every action on the bench collection: a signed-in
// user, so PocketBase checks a credential on every request, as stackd does.
const authRule = `@request.auth.id != ""`

// seedPocketBase signs in as the superuser (created by `superuser upsert`
// before serve), creates the entries collection with title and body and
// the auth rule, a user, and n records created as that user.
func seedPocketBase(ctx context.Context, base, email, password string, n int) (pbSeed, error) {
	var s pbSeed
	su, _, err := call(ctx, "POST", base+"/api/collections/_superusers/auth-with-password", nil,
		map[string]any{"identity": email, "password": password}, 200)
	if err != nil {
		return s, err
	}
	admin := map[string]string{"Authorization": str(su, "token")}
	coll := map[string]any{"name": "entries", "type": "base", "fields": []any{
		map[string]any{"name": "title", "type": "text", "required": true},
		map[string]any{"name": "body", "type": "text"},
	}, "listRule": authRule, "viewRule": authRule, "createRule": authRule}
	if _, _, err := call(ctx, "POST", base+"/api/collections", admin, coll, 200); err != nil {
		return s, err
	}
	user := map[string]any{"email": "reader@example.com", "password": password, "passwordConfirm": password}
	if _, _, err := call(ctx, "POST", base+"/api/collections/users/records", admin, user, 200); err != nil {
		return s, err
	}
	ua, _, err := call(ctx, "POST", base+"/api/collections/users/auth-with-password", nil,
		map[string]any{"identity": "reader@example.com", "password": password}, 200)
	if err != nil {
		return s, err
	}
	s.Token = str(ua, "token")
	for i := range n {
		rec, _, err := call(ctx, "POST", base+"/api/collections/entries/records", map[string]string{"Authorization": s.Token},
			map[string]any{"title": fmt.Sprintf("Entry %d", i), "body": entryBody}, 200)
		if err != nil {
			return s, err
		}
		if i == n/2 {
			s.RecordID = str(rec, "id")
		}
	}
	return s, nil
}
