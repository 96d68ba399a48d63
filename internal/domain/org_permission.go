package domain

// ModOrgSSO is an organization's single sign-on settings.
const ModOrgSSO Module = "organization_sso"

// DecideOrg reports whether a member with role may do perm on their
// organization: the organization-level counterpart of Decide, for routes
// that act on the organization named in their path. Only the owner may
// read or change single sign-on (it decides how everyone signs in); any
// member reads the organization itself.
func DecideOrg(role OrgRole, perm Permission) bool {
	switch perm.Module {
	case ModOrgSSO:
		return role == OrgOwner
	case ModOrganization:
		return perm.Action == ActRead
	}
	return false
}
