package domain

import (
	"encoding/json"
	"testing"
)

// BenchmarkDecide measures the permission decision of every request: a
// management token's scope, a built-in role, and custom role rules.
func BenchmarkDecide(b *testing.B) {
	_, scope, err := ParseScope(json.RawMessage(`[{"module":"entry","acl":{"read":true,"write":true}},{"module":"branch","branches":["main"]}]`))
	if err != nil {
		b.Fatal(err)
	}
	rules, err := ParseRules(json.RawMessage(`[{"module":"branch","branches":["main"],"acl":{"read":true}},
		{"module":"content_type","content_types":["blog"],"acl":{"read":true,"sub_acl":{"read":true,"create":true}}},
		{"module":"locale","locales":["fr-fr"],"restrict":true,"acl":{"read":true,"sub_acl":{"create":true}}}]`))
	if err != nil {
		b.Fatal(err)
	}
	read := Permission{Module: ModEntry, Action: ActRead}
	target := Target{ContentType: "blog"}
	for _, c := range []struct {
		name string
		p    Principal
	}{
		{"management token", Principal{Kind: CredManagement, Branch: "main", Token: scope}},
		{"developer", Principal{Kind: CredUser, Branch: "main", Builtins: []Builtin{RoleDeveloper}}},
		{"custom role", Principal{Kind: CredUser, Branch: "main", Rules: rules}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !Decide(c.p, read, target) {
					b.Fatal("denied")
				}
			}
		})
	}
}
