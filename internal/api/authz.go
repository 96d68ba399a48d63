package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// reqCtx is what authorization learned about a request.
type reqCtx struct {
	user        *domain.User            // the user of the authtoken or console session
	authtoken   string                  // the raw authtoken, echoed on GET /v3/user; "" for a console session
	sessionHash string                  // hash of the authtoken or console session secret
	csrf        string                  // the console session's CSRF token; "" for other credentials
	ssoOrg      string                  // the organization whose SSO opened the console session
	token       *domain.ManagementToken // the management token
	stack       *domain.Stack           // the stack named by api_key, for stack routes
	principal   domain.Principal
}

// console reports whether the request is authenticated by a console
// session cookie.
func (rc *reqCtx) console() bool { return rc != nil && rc.csrf != "" }

// serve turns a route into an http.Handler: authorize, then run the handler.
func (a *API) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.creds != anyone && rt.stack != noStack {
			r = a.withView(r)
		}
		rc, err := a.authorize(r, rt)
		if err == nil {
			err = a.limit(w, r, rt, rc)
		}
		if err == nil {
			err = rt.h(w, r, rc)
		}
		a.noteActivity(r, rt, rc, err == nil)
		if err != nil {
			writeError(w, r, a.Log, err)
			return
		}
		a.touchToken(r, rc)
	})
}

// touchToken records a management token's use after a request succeeded
// (a refused or failed request writes nothing), at most once a minute.
func (a *API) touchToken(r *http.Request, rc *reqCtx) {
	now := a.Now()
	if rc == nil || rc.token == nil || now.UnixMilli()-rc.token.LastUsedAt < touchEvery.Milliseconds() {
		return
	}
	if err := a.Store.TouchManagementToken(r.Context(), rc.token.UID, now); err != nil {
		a.Log.WarnContext(r.Context(), "could not record token use", "token_uid", rc.token.UID, "err", err)
		return
	}
	if v := store.ViewFrom(r.Context()); v != nil {
		v.TokenTouched(rc.token.UID, now)
	}
}

// withView attaches to r the current view of the stack its api_key names
// (store.StackView: one indexed read, which replaces the reads of the
// stack, its tokens, schemas, locales and environments). Without a stack,
// or for an unknown one, r is returned as it is and authorization reads
// and answers as it always did.
func (a *API) withView(r *http.Request) *http.Request {
	key := r.PathValue("api_key") // the GraphQL endpoint names the stack in its path
	if key == "" {
		key = r.Header.Get("api_key")
	}
	if key == "" {
		return r
	}
	v, err := a.Store.View(r.Context(), key)
	if err != nil {
		return r
	}
	return r.WithContext(store.WithView(r.Context(), v))
}

// authorize settles who is calling and whether they may, in the order the
// API promises: bad, expired or revoked credentials, a delivery token, or a
// management token of another stack (401); unknown stack or non-member
// (412); valid credentials without the right (403).
func (a *API) authorize(r *http.Request, rt route) (*reqCtx, error) {
	rc := &reqCtx{}
	if rt.creds == anyone {
		return rc, nil
	}
	if err := a.authenticate(r, rc); err != nil {
		return nil, err
	}
	apiKey := r.Header.Get("api_key")
	if rt.stack == needStack || (rt.stack == optionalStack && apiKey != "") {
		if err := a.resolveStack(r, apiKey, rc); err != nil {
			return nil, err
		}
	}
	if !rt.creds.Has(rc.principal.Kind) {
		return nil, domain.ErrForbidden()
	}
	if rt.stack == needOrg {
		if err := a.authorizeOrg(r, rt, rc); err != nil {
			return nil, err
		}
		return rc, nil
	}
	if rc.stack == nil {
		return rc, nil
	}
	branch, err := requestBranch(r)
	if err != nil {
		return nil, err
	}
	rc.principal.Branch = branch
	if !domain.Decide(rc.principal, rt.perm, targetOf(r)) {
		return nil, domain.ErrForbidden()
	}
	return rc, nil
}

// authenticate identifies the credential. An authtoken wins when a client
// sends both it and an authorization header (the official clients never do);
// either header wins over the console's session cookie, which API clients
// never send.
func (a *API) authenticate(r *http.Request, rc *reqCtx) error {
	if tok := r.Header.Get("authtoken"); tok != "" {
		u, err := a.Auth.Authenticate(r.Context(), tok)
		if err != nil {
			return err
		}
		rc.user, rc.authtoken, rc.sessionHash = &u, tok, auth.HashToken(tok)
		rc.principal = domain.Principal{Kind: domain.CredUser, UserUID: u.UID}
		return nil
	}
	if secret := managementSecret(r); secret != "" {
		return a.authenticateToken(r, secret, rc)
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		return a.authenticateConsole(r, c.Value, rc)
	}
	if r.Header.Get("access_token") != "" {
		return domain.ErrUnauthorized("access_token") // delivery tokens work on the CDA only
	}
	return domain.ErrUnauthorized("authtoken")
}

// managementSecret reads the authorization header: the raw token as the
// official clients send it, or with a "Bearer " prefix.
func managementSecret(r *http.Request) string {
	v := strings.TrimSpace(r.Header.Get("authorization"))
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		v = strings.TrimSpace(v[7:])
	}
	return v
}

// touchEvery bounds how stale a token's last_used_at may be, so that using
// a token costs a write at most once a minute instead of on every request.
const touchEvery = time.Minute

func (a *API) authenticateToken(r *http.Request, secret string, rc *reqCtx) error {
	now := a.Now()
	t, err := a.Store.ManagementTokenBySecret(r.Context(), auth.HashToken(secret), now)
	if err != nil {
		return err
	}
	if t.Expired(now) {
		return domain.ErrUnauthorized("authorization")
	}
	_, scope, err := domain.ParseScope(t.Scope)
	if err != nil {
		return domain.ErrUnauthorized("authorization") // a token whose stored scope is unusable grants nothing
	}
	rc.token = &t
	rc.principal = domain.Principal{Kind: domain.CredManagement, Token: scope}
	return nil
}

// authorizeOrg decides a route on the organization named by {org_uid}
// (only user credentials reach it): an organization the caller does not
// belong to is not found (422, as GET /v3/organizations/{org_uid} answers),
// and the caller's role there must allow the permission (403).
func (a *API) authorizeOrg(r *http.Request, rt route, rc *reqCtx) error {
	m, err := a.Store.UserOrg(r.Context(), rc.user.UID, r.PathValue("org_uid"))
	if err != nil {
		return err
	}
	if !domain.DecideOrg(m.Role, rt.perm) {
		return domain.ErrForbidden()
	}
	return nil
}

// resolveStack finds the stack and the caller's place in it. An unknown
// key and a stack the user is not a member of get the same 412, so an
// outsider cannot tell that a stack exists; a management token presented
// with any api_key but its own stack's is not a valid credential there (401).
func (a *API) resolveStack(r *http.Request, apiKey string, rc *reqCtx) error {
	if apiKey == "" {
		return domain.ErrStackUnknown()
	}
	if rc.token != nil && rc.token.APIKey != apiKey {
		return domain.ErrUnauthorized("authorization")
	}
	st, err := a.Store.Stack(r.Context(), apiKey)
	if err != nil {
		return err
	}
	rc.stack = &st
	if rc.user == nil {
		return nil
	}
	acc, err := a.Store.StackAccess(r.Context(), apiKey, rc.user.UID)
	if err != nil {
		return err
	}
	if !acc.Member {
		return domain.ErrStackUnknown()
	}
	if err := checkStrictSSO(st, acc, rc); err != nil {
		return err
	}
	rc.principal.IsOwner = st.OwnerUID == rc.user.UID
	rc.principal.Builtins = acc.Builtins
	rc.principal.Rules = acc.Rules
	rc.principal.RoleUIDs = acc.RoleUIDs
	return nil
}

// requestBranch returns the branch a request names. Only the default
// branch exists until branches are built; any other is a 422 (905).
func requestBranch(r *http.Request) (string, error) {
	b := r.Header.Get("branch")
	if b == "" {
		b = r.URL.Query().Get("branch")
	}
	if b == "" || b == domain.DefaultBranch {
		return domain.DefaultBranch, nil
	}
	return "", domain.Errorf(domain.KindInvalid, domain.CodeBranchNotFound, "The branch '%s' does not exist.", b).
		WithField("branch", "is not valid.")
}

// targetOf reads the object a request acts on from the path parameters
// every route names the same way, and the locale from the query.
func targetOf(r *http.Request) domain.Target {
	t := domain.Target{
		ContentType: r.PathValue("content_type_uid"),
		Asset:       r.PathValue("asset_uid"),
		Folder:      r.PathValue("folder_uid"),
		Environment: r.PathValue("environment_name"),
		Locale:      r.URL.Query().Get("locale"),
	}
	if code := r.PathValue("locale_code"); code != "" {
		t.Locale = code
	}
	return t
}

// auditEntry prepares the audit item of a write: who (a user uid, or a
// management token's uid and name and nothing personal), what, and from where.
func (a *API) auditEntry(r *http.Request, rc *reqCtx, apiKey string, module domain.Module, event, uid, title string) *domain.AuditEntry {
	e := &domain.AuditEntry{UID: domain.NewUID(), APIKey: apiKey, Module: string(module), EventType: event,
		RequestID: requestID(r), RemoteAddr: a.clientIP(r), MetaUID: uid, MetaTitle: title, CreatedAt: a.Now()}
	if rc.token != nil {
		e.ActorKind, e.TokenUID, e.TokenName = "management_token", rc.token.UID, rc.token.Name
	} else if rc.user != nil {
		e.ActorKind, e.UserUID = "user", rc.user.UID
	}
	return e
}

// audit is auditEntry for the request's own stack.
func (a *API) audit(r *http.Request, rc *reqCtx, module domain.Module, event, uid, title string) *domain.AuditEntry {
	return a.auditEntry(r, rc, rc.stack.APIKey, module, event, uid, title)
}
