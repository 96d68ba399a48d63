package domain

// CredKind is the kind of credential a request presents. Route declarations
// combine kinds as a bit set.
type CredKind uint8

// Credential kinds.
const (
	CredNone       CredKind = 1 << iota // no credentials at all (login, health)
	CredUser                            // an authtoken
	CredManagement                      // a management token (authorization header)
	CredDelivery                        // a delivery token (CDA only)
)

// Has reports whether the set k contains c.
func (k CredKind) Has(c CredKind) bool { return k&c != 0 }

// Module names the part of the API a route belongs to.
type Module string

// Modules.
const (
	ModUserSession     Module = "user_session"
	ModUser            Module = "user"
	ModOrganization    Module = "organization"
	ModStack           Module = "stack"
	ModStackUsers      Module = "stack_users"
	ModStackSettings   Module = "stack_settings"
	ModManagementToken Module = "management_token"
	ModDeliveryToken   Module = "delivery_token"
	ModRole            Module = "role"
	ModEnvironment     Module = "environment"
	ModLocale          Module = "locale"
	ModContentType     Module = "content_type"
	ModGlobalField     Module = "global_field"
	ModEntry           Module = "entry"
	ModAsset           Module = "asset"
	ModLabel           Module = "label"
	ModExtension       Module = "extension"
	ModWebhook         Module = "webhook"
	ModRelease         Module = "release"
	ModWorkflow        Module = "workflow"
	ModPublishRule     Module = "publishing_rule"
	ModAuditLog        Module = "audit_log"
	ModPublishQueue    Module = "publish_queue"
	ModBulk            Module = "bulk"
	ModTaxonomy        Module = "taxonomy"
	ModBranch          Module = "branch"
)

// Action is what a route does within its module.
type Action string

// Actions.
const (
	ActRead     Action = "read"
	ActCreate   Action = "create"
	ActUpdate   Action = "update"
	ActDelete   Action = "delete"
	ActPublish  Action = "publish" // publish and unpublish
	ActShare    Action = "share"
	ActUnshare  Action = "unshare"
	ActRoles    Action = "assign_roles"
	ActTransfer Action = "transfer"
)

// Permission is the right a route needs.
type Permission struct {
	Module Module
	Action Action
}

// Target narrows a permission to the object a request acts on, for the
// fine-grained rules of custom roles.
type Target struct {
	ContentType string // entries and content types
	Locale      string
	Asset       string
	Folder      string
	Environment string
}

// Principal is who makes a request on a stack, after authentication.
type Principal struct {
	Kind     CredKind
	UserUID  string
	IsOwner  bool      // the user owns the stack
	Builtins []Builtin // built-in roles the user holds on the stack
	RoleUIDs []string  // uids of all the user's roles on the stack (workflow stage rules name them)
	Rules    []Rule    // rules of the user's custom roles
	Token    *Scope    // a management token's scope
	Branch   string    // the branch the request names ("main" when none)
}

// Decide reports whether p may do perm on t. It is the single place where
// rights on a stack are decided; authentication (401) and membership (412)
// are settled before it is called.
func Decide(p Principal, perm Permission, t Target) bool {
	switch p.Kind {
	case CredUser:
		return decideUser(p, perm, t)
	case CredManagement:
		return p.Token != nil && p.Token.Allows(perm, p.Branch)
	}
	return false
}

func decideUser(p Principal, perm Permission, t Target) bool {
	if p.IsOwner {
		return true
	}
	if memberRight(perm) {
		return true
	}
	for _, b := range p.Builtins {
		if builtinAllows(b, perm) {
			return true
		}
	}
	return rulesAllow(p.Rules, perm, t)
}

// memberRight is what every member of a stack may do, with or without a role.
func memberRight(perm Permission) bool {
	return perm.Action == ActRead && (perm.Module == ModStack || perm.Module == ModStackUsers || perm.Module == ModBranch)
}

// builtinAllows holds the rights of the built-in roles (spec §5.1).
func builtinAllows(b Builtin, perm Permission) bool {
	switch b {
	case RoleAdmin:
		return !(perm.Module == ModStack && (perm.Action == ActDelete || perm.Action == ActTransfer))
	case RoleDeveloper:
		switch perm.Module {
		case ModStack, ModManagementToken:
			return false
		case ModStackSettings:
			return perm.Action == ActRead
		case ModStackUsers:
			return perm.Action == ActShare
		case ModAuditLog, ModPublishQueue:
			return perm.Action == ActRead || perm.Module == ModPublishQueue
		}
		return true
	case RoleContentManager:
		switch perm.Module {
		case ModEntry, ModAsset, ModBulk, ModRelease, ModPublishQueue:
			return true
		case ModContentType, ModGlobalField, ModEnvironment, ModLocale, ModLabel, ModExtension,
			ModWorkflow, ModPublishRule, ModTaxonomy, ModBranch:
			return perm.Action == ActRead
		}
	}
	return false
}
