package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// checkStrictSSO refuses (412) a user's session on a stack of an
// organization with strict single sign-on, unless the session was opened
// through that organization's SSO or the user owns the organization. A
// user who also belongs to organizations without strict SSO may sign in
// with a password (auth refuses the others), but such a session does not
// reach the strict organization's stacks. Management tokens are not
// users' sessions and are not concerned.
func (a *API) checkStrictSSO(r *http.Request, st domain.Stack, rc *reqCtx) error {
	if rc.user == nil || rc.ssoOrg == st.OrgUID {
		return nil
	}
	strict, owner, err := a.Store.OrgSSOPolicy(r.Context(), st.OrgUID)
	if err != nil {
		return err
	}
	if strict && owner != rc.user.UID {
		return domain.ErrSSOStack()
	}
	return nil
}
