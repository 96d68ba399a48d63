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
	ModUserSession  Module = "user_session"
	ModUser         Module = "user"
	ModOrganization Module = "organization"
	ModStack        Module = "stack"
	ModStackUsers   Module = "stack_users"
	ModRole         Module = "role"
)

// Action is what a route does within its module.
type Action string

// Actions.
const (
	ActRead     Action = "read"
	ActCreate   Action = "create"
	ActUpdate   Action = "update"
	ActDelete   Action = "delete"
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

// Principal is who makes a request on a stack, after authentication.
type Principal struct {
	Kind     CredKind
	UserUID  string
	IsOwner  bool      // the user owns the stack
	Builtins []Builtin // built-in roles the user holds on the stack
}

// has reports whether the principal holds built-in role b.
func (p Principal) has(b Builtin) bool {
	for _, r := range p.Builtins {
		if r == b {
			return true
		}
	}
	return false
}

// Decide reports whether p may do perm on its stack. It is the single place
// where stack rights are decided; membership (412) and authentication (401)
// are settled before it is called.
func Decide(p Principal, perm Permission) bool {
	if p.Kind != CredUser {
		return false
	}
	if p.IsOwner {
		return true
	}
	switch perm.Module {
	case ModStack:
		switch perm.Action {
		case ActRead:
			return true
		case ActUpdate:
			return p.has(RoleAdmin)
		}
		return false // delete and transfer stay with the owner
	case ModStackUsers:
		if perm.Action == ActRead {
			return true
		}
		return p.has(RoleAdmin)
	case ModRole:
		return perm.Action == ActRead && (p.has(RoleAdmin) || p.has(RoleDeveloper))
	}
	return false
}
