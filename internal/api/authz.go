package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// reqCtx is what authorization learned about a request.
type reqCtx struct {
	user      *domain.User  // the authtoken's user
	authtoken string        // the raw authtoken, echoed on GET /v3/user
	stack     *domain.Stack // the stack named by api_key, for stack routes
	principal domain.Principal
}

// serve turns a route into an http.Handler: authorize, then run the handler.
func (a *API) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc, err := a.authorize(r, rt)
		if err == nil {
			err = rt.h(w, r, rc)
		}
		if err != nil {
			writeError(w, r, a.Log, err)
		}
	})
}

// authorize settles who is calling and whether they may, in the order the
// API promises: bad or missing credentials (401), unknown stack or
// non-member (412), missing right (403).
func (a *API) authorize(r *http.Request, rt route) (*reqCtx, error) {
	rc := &reqCtx{}
	if rt.creds == anyone {
		return rc, nil
	}
	if err := a.authenticate(r, rt, rc); err != nil {
		return nil, err
	}
	apiKey := r.Header.Get("api_key")
	if rt.stack == noStack || (rt.stack == optionalStack && apiKey == "") {
		return rc, nil
	}
	if err := a.resolveStack(r, apiKey, rc); err != nil {
		return nil, err
	}
	if err := checkBranch(r); err != nil {
		return nil, err
	}
	if !domain.Decide(rc.principal, rt.perm) {
		return nil, domain.ErrForbidden()
	}
	return rc, nil
}

// authenticate checks the credential the request presents against the kinds
// the route accepts.
func (a *API) authenticate(r *http.Request, rt route, rc *reqCtx) error {
	token := r.Header.Get("authtoken")
	switch {
	case token != "" && rt.creds.Has(domain.CredUser):
		u, err := a.Auth.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}
		rc.user, rc.authtoken = &u, token
		rc.principal = domain.Principal{Kind: domain.CredUser, UserUID: u.UID}
		return nil
	case r.Header.Get("authorization") != "" || r.Header.Get("access_token") != "":
		// Management and delivery tokens arrive with the token-model issue;
		// until then they are not valid credentials on the CMA.
		return domain.ErrUnauthorized("authorization")
	}
	return domain.ErrUnauthorized("authtoken")
}

// resolveStack finds the stack and the caller's place in it. An unknown
// key and a stack the user is not a member of get the same 412, so an
// outsider cannot tell that a stack exists.
func (a *API) resolveStack(r *http.Request, apiKey string, rc *reqCtx) error {
	if apiKey == "" {
		return domain.ErrStackUnknown()
	}
	st, err := a.Store.Stack(r.Context(), apiKey)
	if err != nil {
		return err
	}
	acc, err := a.Store.StackAccess(r.Context(), apiKey, rc.user.UID)
	if err != nil {
		return err
	}
	if !acc.Member {
		return domain.ErrStackUnknown()
	}
	rc.stack = &st
	rc.principal.IsOwner = st.OwnerUID == rc.user.UID
	rc.principal.Builtins = acc.Builtins
	return nil
}

// checkBranch accepts the default branch only, until branches are built.
func checkBranch(r *http.Request) error {
	b := r.Header.Get("branch")
	if b == "" {
		b = r.URL.Query().Get("branch")
	}
	if b == "" || b == domain.DefaultBranch {
		return nil
	}
	return domain.Errorf(domain.KindInvalid, domain.CodeBranchNotFound, "The branch '%s' does not exist.", b).
		WithField("branch", "is not valid.")
}
