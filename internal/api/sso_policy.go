package api

import (
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// checkStrictSSO refuses (412) a user's session on a stack of an
// organization with strict single sign-on, unless the session was opened
// through that organization's SSO or the user owns the organization
// (acc.SSOStrict is false for the owner). A user who also belongs to
// organizations without strict SSO may sign in with a password (auth
// refuses the others), but such a session does not reach the strict
// organization's stacks. Management tokens are not users' sessions and
// are not concerned.
func checkStrictSSO(st domain.Stack, acc store.Access, rc *reqCtx) error {
	if rc.user == nil || !acc.SSOStrict || rc.ssoOrg == st.OrgUID {
		return nil
	}
	return domain.ErrSSOStack()
}
