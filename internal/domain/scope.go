package domain

import (
	"encoding/json"
	"fmt"
	"slices"
)

// ScopeModules lists the modules a management token's scope may name.
var ScopeModules = []string{"content_type", "entry", "asset", "environment", "locale", "global_field", "taxonomy",
	"label", "extension", "webhook", "release", "workflow", "publishing_rule", "role", "audit_log", "publish_queue", "$all"}

// ACL is a read/write grant.
type ACL struct {
	Read  bool `json:"read"`
	Write bool `json:"write"`
}

// ScopeItem is one entry of a token's scope, as Contentstack writes it.
type ScopeItem struct {
	Module        string   `json:"module"`
	ACL           ACL      `json:"acl"`
	Branches      []string `json:"branches,omitempty"`
	BranchAliases []string `json:"branch_aliases,omitempty"`
	Environments  []string `json:"environments,omitempty"`
}

// Scope is what a management token may touch.
type Scope struct {
	Modules  map[string]ACL
	Branches []string
	Aliases  []string
}

// tokenForbidden lists modules no management token may use, whatever its
// scope: administration of the organization, the stack, users and tokens.
var tokenForbidden = map[Module]bool{
	ModUserSession: true, ModUser: true, ModOrganization: true, ModStack: true, ModStackUsers: true, ModStackSettings: true,
	ModManagementToken: true, ModDeliveryToken: true,
}

// scopeModule maps a route module to the scope module that grants it.
func scopeModule(m Module) string {
	switch m {
	case ModBulk:
		return "entry" // bulk bodies are checked item by item as well
	case ModBranch:
		return "" // branch reads need only the branch scope
	}
	return string(m)
}

// Allows reports whether the scope grants perm on branch: reads need read,
// everything else write. The audit log opens to any read scope and never
// to writes.
func (s *Scope) Allows(perm Permission, branch string) bool {
	if tokenForbidden[perm.Module] || !s.hasBranch(branch) {
		return false
	}
	read := perm.Action == ActRead
	if perm.Module == ModAuditLog {
		return read && s.anyRead()
	}
	m := scopeModule(perm.Module)
	if m == "" {
		return read
	}
	acl, ok := s.Modules[m]
	if all, okAll := s.Modules["$all"]; okAll {
		acl = ACL{Read: acl.Read || all.Read, Write: acl.Write || all.Write}
		ok = true
	}
	if !ok {
		return false
	}
	if read {
		return acl.Read
	}
	return acl.Write
}

// AllowsModule is Allows for a scope module named directly (bulk items).
func (s *Scope) AllowsModule(module string, write bool, branch string) bool {
	act := ActRead
	if write {
		act = ActUpdate
	}
	return s.Allows(Permission{Module: Module(module), Action: act}, branch)
}

func (s *Scope) hasBranch(b string) bool {
	if b == "" {
		b = DefaultBranch
	}
	return slices.Contains(s.Branches, b) || slices.Contains(s.Branches, "$all")
}

func (s *Scope) anyRead() bool {
	for _, acl := range s.Modules {
		if acl.Read {
			return true
		}
	}
	return false
}

// ParseScope validates a token scope and returns it in both forms: the
// items as given (to store and show) and the Scope that decides.
func ParseScope(raw json.RawMessage) ([]ScopeItem, *Scope, error) {
	var items []ScopeItem
	if len(raw) == 0 || json.Unmarshal(raw, &items) != nil {
		return nil, nil, ErrInvalid("scope", "must be an array of scope objects.")
	}
	if err := CleanJSON("scope", raw); err != nil {
		return nil, nil, err
	}
	s := &Scope{Modules: map[string]ACL{}}
	for i, it := range items {
		switch it.Module {
		case "branch":
			s.Branches = append(s.Branches, it.Branches...)
		case "branch_alias":
			s.Aliases = append(s.Aliases, it.BranchAliases...)
		default:
			if !slices.Contains(ScopeModules, it.Module) {
				return nil, nil, ErrInvalid(fmt.Sprintf("scope.%d.module", i), fmt.Sprintf("%q is not a known module.", it.Module))
			}
			prev := s.Modules[it.Module]
			s.Modules[it.Module] = ACL{Read: prev.Read || it.ACL.Read || it.ACL.Write, Write: prev.Write || it.ACL.Write}
		}
	}
	if len(s.Branches) == 0 && len(s.Aliases) == 0 {
		return nil, nil, ErrInvalid("scope.branch_or_alias", "is required: name the branches or branch aliases the token may use.")
	}
	for _, b := range s.Branches {
		if b != "$all" && !ValidBranchUID(b) {
			return nil, nil, ErrInvalid("scope.branches", fmt.Sprintf("%q is not a valid branch uid.", b))
		}
	}
	return items, s, nil
}

// ValidBranchUID reports whether s can name a branch (lowercase letters,
// digits, _ and -, at most 15 characters, as Contentstack requires).
func ValidBranchUID(s string) bool {
	if s == "" || len(s) > 15 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
