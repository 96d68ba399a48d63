package domain

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// Fuzz targets for access: management token scopes and expiries, role
// rules.

// FuzzScope: a management token's scope is refused with a 422, or
// accepted with known modules and valid branches, stored as clean text,
// and read back to the same scope.
func FuzzScope(f *testing.F) {
	for _, s := range []string{
		`[{"module":"content_type","acl":{"read":true,"write":true}},{"module":"branch","branches":["main"],"acl":{"read":true}}]`,
		`[{"module":"$all","acl":{"read":true}},{"module":"branch","branches":["$all"]}]`,
		`[{"module":"entry","acl":{"write":true}},{"module":"asset","acl":{"read":true}},{"module":"branch_alias","branch_aliases":["deploy"],"acl":{"read":true}}]`,
		`[{"module":"environment","environments":["production"],"acl":{"read":true}},{"module":"branch","branches":["dev-1"]}]`,
		`[{"module":"user","acl":{"read":true}},{"module":"branch","branches":["main"]}]`,
		`[{"module":"branch","branches":["Main Branch"]}]`, `[{"module":"entry"}]`, `[]`, `{}`, `null`, ``,
		`[{"module":"branch","branches":"main"}]`, `[{"module":"branch","branches":["main"],"acl":{"read":"yes"}}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		items, scope, err := ParseScope(json.RawMessage(raw))
		if err != nil {
			checkClientError(t, "ParseScope", err, KindInvalid)
			return
		}
		for m := range scope.Modules {
			if !slices.Contains(ScopeModules, m) {
				t.Fatalf("unknown module %q accepted", m)
			}
		}
		for _, b := range scope.Branches {
			if b != "$all" && !ValidBranchUID(b) {
				t.Fatalf("invalid branch %q accepted", b)
			}
		}
		stored := mustStorable(t, items)
		items2, scope2, err := ParseScope(stored)
		if err != nil {
			t.Fatalf("ParseScope(its own output %s): %v", stored, err)
		}
		if diff := cmp.Diff(scope, scope2); diff != "" {
			t.Fatalf("scope changed on a second read (-first +second):\n%s", diff)
		}
		if b, _ := json.Marshal(items2); !bytes.Equal(b, stored) {
			t.Fatalf("scope items changed on a second read:\n%s\n%s", stored, b)
		}
		for _, p := range fuzzPermissions {
			_ = Decide(Principal{Kind: CredManagement, Token: scope, Branch: "main"}, p, Target{})
		}
	})
}

// FuzzRules: a custom role's rules are refused with a 422, or accepted
// with known modules, stored as clean text and read back unchanged;
// deciding with them never panics.
func FuzzRules(f *testing.F) {
	for _, s := range []string{
		`[{"module":"branch","branches":["main"],"acl":{"read":true}},
		  {"module":"content_type","content_types":["$all"],"acl":{"read":true,"sub_acl":{"read":true,"create":true,"update":true,"publish":true}}},
		  {"module":"asset","assets":["$all"],"acl":{"read":true,"update":true}},
		  {"module":"folder","folders":["blt1"],"acl":{"read":true,"sub_acl":{"read":true}}},
		  {"module":"environment","environments":["production"],"acl":{"read":true}},
		  {"module":"locale","locales":["fr-fr"],"restrict":true,"acl":{"update":true}}]`,
		`[{"module":"branch_alias","branch_aliases":["deploy"],"acl":{"read":true}},{"module":"taxonomy","taxonomies":["$all"],"terms":["t1"],"acl":{"read":true}}]`,
		`[{"module":"content_type","content_types":["blog"],"acl":{"read":true}}]`, `[{"module":"stack"}]`, `[]`, `null`, `{}`, ``,
		`[{"module":"branch","branches":["main"],"acl":{"sub_acl":{"sub_acl":{"sub_acl":{"read":true}}}}}]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		rules, err := ParseRules(json.RawMessage(raw))
		if err != nil {
			checkClientError(t, "ParseRules", err, KindInvalid)
			return
		}
		for _, r := range rules {
			if !slices.Contains(RuleModules, r.Module) {
				t.Fatalf("unknown module %q accepted", r.Module)
			}
		}
		stored := mustStorable(t, rules)
		rules2, err := ParseRules(stored)
		if err != nil {
			t.Fatalf("ParseRules(its own output %s): %v", stored, err)
		}
		if diff := cmp.Diff(rules, rules2, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("rules changed on a second read (-first +second):\n%s", diff)
		}
		p := Principal{Kind: CredUser, Rules: rules, Branch: "main"}
		for _, perm := range fuzzPermissions {
			for _, tg := range []Target{{}, {ContentType: "blog", Locale: "fr-fr"}, {Asset: "blt1", Folder: "blt1"}, {Environment: "production"}} {
				_ = Decide(p, perm, tg)
			}
		}
	})
}

var fuzzPermissions = []Permission{
	{Module: ModEntry, Action: ActRead}, {Module: ModEntry, Action: ActPublish}, {Module: ModContentType, Action: ActUpdate},
	{Module: ModAsset, Action: ActDelete}, {Module: ModEnvironment, Action: ActRead}, {Module: ModLocale, Action: ActCreate},
	{Module: ModAuditLog, Action: ActRead}, {Module: ModBulk, Action: ActUpdate}, {Module: ModBranch, Action: ActRead},
	{Module: ModStack, Action: ActUpdate},
}

// FuzzExpiry: a token's expires_on is refused with a 422, or accepted as
// never (0) or a time after now.
func FuzzExpiry(f *testing.F) {
	for _, s := range []string{`null`, `""`, `"2030-01-31"`, `"2030-01-31T10:00:00.000Z"`, `"2030-01-31T10:00:00+05:30"`,
		`"2020-01-01"`, `"tomorrow"`, `1893456000000`, `"9999-12-31T23:59:59.999999999Z"`, `"2030-02-30"`, ``} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		ms, err := ParseExpiry(json.RawMessage(raw), now)
		if err != nil {
			checkClientError(t, "ParseExpiry", err, KindInvalid)
			return
		}
		if ms != 0 && ms <= now.UnixMilli() {
			t.Fatalf("ParseExpiry(%s) = %d, not after now (%d)", raw, ms, now.UnixMilli())
		}
	})
}
