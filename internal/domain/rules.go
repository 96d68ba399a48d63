package domain

import (
	"encoding/json"
	"fmt"
	"slices"
)

// RuleACL is a role rule's grant: verbs on the objects named, and sub_acl
// for their children (entries of a content type, assets in a folder).
type RuleACL struct {
	Read    bool     `json:"read"`
	Create  bool     `json:"create"`
	Update  bool     `json:"update"`
	Delete  bool     `json:"delete"`
	Publish bool     `json:"publish"`
	SubACL  *RuleACL `json:"sub_acl,omitempty"`
}

// Rule is one rule of a custom role, as Contentstack writes it.
type Rule struct {
	Module        string   `json:"module"`
	Restrict      bool     `json:"restrict,omitempty"`
	ACL           RuleACL  `json:"acl"`
	Branches      []string `json:"branches,omitempty"`
	BranchAliases []string `json:"branch_aliases,omitempty"`
	ContentTypes  []string `json:"content_types,omitempty"`
	Assets        []string `json:"assets,omitempty"`
	Folders       []string `json:"folders,omitempty"`
	Environments  []string `json:"environments,omitempty"`
	Locales       []string `json:"locales,omitempty"`
	Taxonomies    []string `json:"taxonomies,omitempty"`
	Terms         []string `json:"terms,omitempty"`
}

// RuleModules are the modules a role rule may name.
var RuleModules = []string{"branch", "branch_alias", "content_type", "asset", "folder", "environment", "locale", "taxonomy"}

// ParseRules validates a role's rules: known modules, valid branch uids,
// no NUL or invalid UTF-8. A branch or branch-alias rule is required. Taxonomy rules are stored and shown but not enforced until
// taxonomies exist.
func ParseRules(raw json.RawMessage) ([]Rule, error) {
	var rules []Rule
	if len(raw) == 0 || string(raw) == "null" {
		return nil, ErrInvalid("rules.branch", "is required: a role must name the branches it applies to.")
	}
	if err := json.Unmarshal(raw, &rules); err != nil {
		return nil, ErrInvalid("rules", "must be an array of rule objects.")
	}
	if err := CleanJSON("rules", raw); err != nil {
		return nil, err
	}
	branch := false
	for i, r := range rules {
		if !slices.Contains(RuleModules, r.Module) {
			return nil, ErrInvalid(fmt.Sprintf("rules.%d.module", i), fmt.Sprintf("%q is not a known module.", r.Module))
		}
		for _, b := range r.Branches {
			if b != "$all" && !ValidBranchUID(b) {
				return nil, ErrInvalid(fmt.Sprintf("rules.%d.branches", i), fmt.Sprintf("%q is not a valid branch uid.", b))
			}
		}
		if r.Module == "branch" && len(r.Branches) > 0 || r.Module == "branch_alias" && len(r.BranchAliases) > 0 {
			branch = true
		}
	}
	if !branch {
		return nil, ErrInvalid("rules.branch", "is required: a role must name the branches it applies to.")
	}
	return rules, nil
}

// objects returns the instances a rule names and whether it is about the
// module m (content types also answer for their entries, folders for the
// assets inside).
func (r Rule) objects() []string {
	switch r.Module {
	case "content_type":
		return r.ContentTypes
	case "asset":
		return r.Assets
	case "folder":
		return r.Folders
	case "environment":
		return r.Environments
	case "locale":
		return r.Locales
	}
	return nil
}

func (a RuleACL) has(act Action) bool {
	switch act {
	case ActRead:
		return a.Read
	case ActCreate:
		return a.Create
	case ActUpdate:
		return a.Update
	case ActDelete:
		return a.Delete
	case ActPublish:
		return a.Publish
	}
	return false
}

// matches reports whether a rule grants (or, for restrict rules, denies)
// perm on t.
func (r Rule) matches(perm Permission, t Target) bool {
	names := r.objects()
	named := func(x string) bool { return slices.Contains(names, "$all") || (x != "" && slices.Contains(names, x)) }
	sub := r.ACL.SubACL != nil && r.ACL.SubACL.has(perm.Action)
	switch {
	case r.Module == "content_type" && perm.Module == ModContentType:
		return named(t.ContentType) && r.ACL.has(perm.Action)
	case r.Module == "content_type" && perm.Module == ModEntry:
		return named(t.ContentType) && sub
	case r.Module == "asset" && perm.Module == ModAsset:
		return named(t.Asset) && r.ACL.has(perm.Action)
	case r.Module == "folder" && perm.Module == ModAsset:
		return t.Folder != "" && named(t.Folder) && sub
	case r.Module == "environment" && perm.Module == ModEnvironment:
		return named(t.Environment) && r.ACL.has(perm.Action)
	case r.Module == "locale" && perm.Module == ModLocale:
		return named(t.Locale) && r.ACL.has(perm.Action)
	}
	return false
}

// rulesAllow decides a custom-role request: some rule must grant it, no
// restrict rule may deny it, and where the request names a locale the
// role must not be barred from it by a restrict locale rule.
func rulesAllow(rules []Rule, perm Permission, t Target) bool {
	granted := false
	for _, r := range rules {
		if r.Restrict {
			if r.matches(perm, t) || r.Module == "locale" && t.Locale != "" && lockedLocale(r, perm, t) {
				return false
			}
			continue
		}
		if r.matches(perm, t) {
			granted = true
		}
	}
	return granted
}

// lockedLocale applies a restrict locale rule to entry work in that locale.
func lockedLocale(r Rule, perm Permission, t Target) bool {
	if perm.Module != ModEntry || !(slices.Contains(r.Locales, t.Locale) || slices.Contains(r.Locales, "$all")) {
		return false
	}
	return r.ACL.has(perm.Action) || r.ACL.SubACL != nil && r.ACL.SubACL.has(perm.Action)
}
