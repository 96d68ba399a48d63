package domain

import "time"

// Organization groups users and stacks.
type Organization struct {
	UID       string
	Name      string
	OwnerUID  string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OrgRole is a user's role in an organization.
type OrgRole string

// Organization roles.
const (
	OrgOwner  OrgRole = "owner"
	OrgAdmin  OrgRole = "admin"
	OrgMember OrgRole = "member"
)

// ValidOrgRole reports whether r can be given with `stackd user add`.
func ValidOrgRole(r string) bool { return r == string(OrgAdmin) || r == string(OrgMember) }

// Membership is one user's place in one organization.
type Membership struct {
	Org  Organization
	Role OrgRole
}
