package domain

import (
	"encoding/json"
	"testing"
)

func mustScope(t *testing.T, raw string) *Scope {
	t.Helper()
	_, s, err := ParseScope(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustRules(t *testing.T, raw string) []Rule {
	t.Helper()
	r, err := ParseRules(json.RawMessage(raw))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDecide(t *testing.T) {
	p := func(m Module, a Action) Permission { return Permission{Module: m, Action: a} }
	user := func(b ...Builtin) Principal { return Principal{Kind: CredUser, Builtins: b, Branch: "main"} }
	owner := Principal{Kind: CredUser, IsOwner: true}
	rwAll := Principal{Kind: CredManagement, Branch: "main", Token: mustScope(t, `[{"module":"$all","acl":{"read":true,"write":true}},{"module":"branch","branches":["main"]}]`)}
	roAll := Principal{Kind: CredManagement, Branch: "main", Token: mustScope(t, `[{"module":"$all","acl":{"read":true}},{"module":"branch","branches":["main"]}]`)}
	entryOnly := Principal{Kind: CredManagement, Branch: "main", Token: mustScope(t, `[{"module":"entry","acl":{"read":true,"write":true}},{"module":"branch","branches":["main"]}]`)}
	devBranch := Principal{Kind: CredManagement, Branch: "main", Token: mustScope(t, `[{"module":"$all","acl":{"read":true,"write":true}},{"module":"branch","branches":["dev"]}]`)}
	custom := Principal{Kind: CredUser, Branch: "main", Rules: mustRules(t, `[
		{"module":"branch","branches":["main"],"acl":{"read":true}},
		{"module":"content_type","content_types":["blog"],"acl":{"read":true,"sub_acl":{"read":true,"create":true}}},
		{"module":"locale","locales":["fr-fr"],"restrict":true,"acl":{"read":true,"sub_acl":{"create":true}}}]`)}
	blog := Target{ContentType: "blog"}
	tests := []struct {
		name string
		who  Principal
		perm Permission
		on   Target
		want bool
	}{
		{"owner deletes the stack", owner, p(ModStack, ActDelete), Target{}, true},
		{"admin may not delete the stack", user(RoleAdmin), p(ModStack, ActDelete), Target{}, false},
		{"admin may not transfer", user(RoleAdmin), p(ModStack, ActTransfer), Target{}, false},
		{"admin manages tokens", user(RoleAdmin), p(ModManagementToken, ActCreate), Target{}, true},
		{"developer may not create management tokens", user(RoleDeveloper), p(ModManagementToken, ActCreate), Target{}, false},
		{"developer manages delivery tokens", user(RoleDeveloper), p(ModDeliveryToken, ActCreate), Target{}, true},
		{"developer reads the audit log", user(RoleDeveloper), p(ModAuditLog, ActRead), Target{}, true},
		{"developer shares", user(RoleDeveloper), p(ModStackUsers, ActShare), Target{}, true},
		{"developer may not unshare", user(RoleDeveloper), p(ModStackUsers, ActUnshare), Target{}, false},
		{"admin changes the stack settings", user(RoleAdmin), p(ModStackSettings, ActUpdate), Target{}, true},
		{"developer reads the stack settings", user(RoleDeveloper), p(ModStackSettings, ActRead), Target{}, true},
		{"developer may not change the stack settings", user(RoleDeveloper), p(ModStackSettings, ActUpdate), Target{}, false},
		{"content manager may not read the stack settings", user(RoleContentManager), p(ModStackSettings, ActRead), Target{}, false},
		{"member without role may not read the stack settings", user(), p(ModStackSettings, ActRead), Target{}, false},
		{"content manager publishes entries", user(RoleContentManager), p(ModEntry, ActPublish), blog, true},
		{"content manager may not edit content types", user(RoleContentManager), p(ModContentType, ActUpdate), blog, false},
		{"content manager may not read the audit log", user(RoleContentManager), p(ModAuditLog, ActRead), Target{}, false},
		{"member without role reads the stack", user(), p(ModStack, ActRead), Target{}, true},
		{"member without role may not read entries", user(), p(ModEntry, ActRead), blog, false},
		{"custom role creates blog entries", custom, p(ModEntry, ActCreate), blog, true},
		{"custom role may not delete blog entries", custom, p(ModEntry, ActDelete), blog, false},
		{"custom role may not touch other content types", custom, p(ModEntry, ActRead), Target{ContentType: "page"}, false},
		{"custom role's locale exception", custom, p(ModEntry, ActCreate), Target{ContentType: "blog", Locale: "fr-fr"}, false},
		{"custom role may not manage roles", custom, p(ModRole, ActCreate), Target{}, false},
		{"token writes entries", rwAll, p(ModEntry, ActCreate), blog, true},
		{"token may never touch the stack", rwAll, p(ModStack, ActRead), Target{}, false},
		{"token may never manage tokens", rwAll, p(ModManagementToken, ActRead), Target{}, false},
		{"token may never share", rwAll, p(ModStackUsers, ActShare), Target{}, false},
		{"token may never read the stack settings", rwAll, p(ModStackSettings, ActRead), Target{}, false},
		{"read-only token reads", roAll, p(ModContentType, ActRead), blog, true},
		{"read-only token may not write", roAll, p(ModEntry, ActUpdate), blog, false},
		{"entry token may not read assets", entryOnly, p(ModAsset, ActRead), Target{}, false},
		{"entry token bulk publishes", entryOnly, p(ModBulk, ActPublish), Target{}, true},
		{"any read scope opens the audit log", entryOnly, p(ModAuditLog, ActRead), Target{}, true},
		{"branch-scoped token on another branch", devBranch, p(ModEntry, ActRead), blog, false},
		{"delivery tokens decide nothing on the CMA", Principal{Kind: CredDelivery}, p(ModEntry, ActRead), blog, false},
		{"no credentials", Principal{}, p(ModStack, ActRead), Target{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Decide(tt.who, tt.perm, tt.on); got != tt.want {
				t.Errorf("Decide = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseScopeAndRules(t *testing.T) {
	for _, bad := range []string{``, `{}`, `[{"module":"entry","acl":{"read":true}}]`, `[{"module":"nope"},{"module":"branch","branches":["main"]}]`,
		`[{"module":"branch","branches":["Not A Branch"]}]`} {
		if _, _, err := ParseScope(json.RawMessage(bad)); err == nil {
			t.Errorf("ParseScope(%s) accepted", bad)
		}
	}
	for _, bad := range []string{``, `[]`, `[{"module":"content_type","content_types":["$all"]}]`, `[{"module":"x"}]`, `"rules"`} {
		if _, err := ParseRules(json.RawMessage(bad)); err == nil {
			t.Errorf("ParseRules(%s) accepted", bad)
		}
	}
}

func TestDecideOrg(t *testing.T) {
	cases := []struct {
		role OrgRole
		perm Permission
		want bool
	}{
		{OrgOwner, Permission{ModOrgSSO, ActRead}, true},
		{OrgOwner, Permission{ModOrgSSO, ActUpdate}, true},
		{OrgOwner, Permission{ModOrgSSO, ActDelete}, true},
		{OrgAdmin, Permission{ModOrgSSO, ActRead}, false},
		{OrgAdmin, Permission{ModOrgSSO, ActUpdate}, false},
		{OrgMember, Permission{ModOrgSSO, ActRead}, false},
		{OrgMember, Permission{ModOrganization, ActRead}, true},
		{OrgMember, Permission{ModOrganization, ActUpdate}, false},
		{OrgOwner, Permission{ModStack, ActRead}, false},
	}
	for _, c := range cases {
		if got := DecideOrg(c.role, c.perm); got != c.want {
			t.Errorf("DecideOrg(%q, %v) = %v, want %v", c.role, c.perm, got, c.want)
		}
	}
}
