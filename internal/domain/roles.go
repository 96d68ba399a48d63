package domain

import (
	"encoding/json"
	"time"
)

// Builtin names the built-in role a Role is, or "" for a custom role.
type Builtin string

// The built-in stack roles every new stack gets.
const (
	RoleAdmin          Builtin = "admin"
	RoleDeveloper      Builtin = "developer"
	RoleContentManager Builtin = "content_manager"
)

// BuiltinRoles lists the built-in roles with their display names, in the
// order they are created.
var BuiltinRoles = []struct {
	Kind        Builtin
	Name        string
	Description string
}{
	{RoleAdmin, "Admin", "Admin can perform all actions and manage all settings of the stack, except the ability to delete or transfer ownership of the stack."},
	{RoleDeveloper, "Developer", "Developer can perform all Content Manager's actions, view audit logs, create roles, invite users, manage content types, languages, and environments."},
	{RoleContentManager, "Content Manager", "Content Managers can view all content types, manage entries and assets. They cannot edit content types or access stack settings."},
}

// Role is a named set of rights on one stack.
type Role struct {
	UID         string
	APIKey      string
	Name        string
	Description string
	Builtin     Builtin
	Rules       json.RawMessage // Contentstack's rules array, as given
	CreatedBy   string
	UpdatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// BuiltinRules returns the rules array shown for a built-in role. The
// rights themselves are decided by Decide, not read from these rules.
func BuiltinRules(b Builtin) json.RawMessage {
	switch b {
	case RoleContentManager:
		return json.RawMessage(`[{"module":"branch","branches":["main"],"acl":{"read":true}},{"module":"content_type","content_types":["$all"],"acl":{"read":true,"sub_acl":{"read":true,"create":true,"update":true,"delete":true,"publish":true}}},{"module":"asset","assets":["$all"],"acl":{"read":true,"create":true,"update":true,"delete":true,"publish":true}},{"module":"environment","environments":["$all"],"acl":{"read":true}},{"module":"locale","locales":["$all"],"acl":{"read":true}}]`)
	default:
		return json.RawMessage(`[{"module":"branch","branches":["main"],"acl":{"read":true}},{"module":"$all","acl":{"read":true,"create":true,"update":true,"delete":true,"publish":true}}]`)
	}
}
