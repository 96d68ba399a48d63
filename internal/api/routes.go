package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// stackMode says whether a route acts on one stack (named by api_key).
type stackMode int

const (
	noStack       stackMode = iota // not stack-scoped
	needStack                      // api_key required
	optionalStack                  // stack-scoped only when api_key is sent (GET /v3/stacks)
	needOrg                        // acts on the organization named by {org_uid}; the caller's role there decides (domain.DecideOrg)
)

// handlerFunc is a route's handler. It returns an error instead of writing
// one, so every failure goes through writeError.
type handlerFunc func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error

// route declares one endpoint: the credentials it accepts, whether it acts
// on a stack, and the permission it needs there.
type route struct {
	method string
	path   string
	creds  domain.CredKind
	stack  stackMode
	perm   domain.Permission
	h      handlerFunc
}

// The credential kinds of the route tables. "user" is an authtoken or the
// web console's session cookie: the two are one kind with the same rights
// (the cookie adds its same-origin and CSRF checks in authenticate).
const (
	anyone     = domain.CredNone
	user       = domain.CredUser
	userOrMgmt = domain.CredUser | domain.CredManagement
)

func perm(m domain.Module, a domain.Action) domain.Permission {
	return domain.Permission{Module: m, Action: a}
}

// routeTable declares every CMA route. A route missing here does not
// exist; the permission tests read this table and compare it with
// expectations written separately. Each group of modules declares its
// routes in its own routes_*.go file.
func (a *API) routeTable() []route {
	var all []route
	for _, group := range [][]route{a.coreRoutes(), a.tokenRoutes(), a.branchRoutes(), a.contentRoutes(), a.publishRoutes(), a.assetRoutes(),
		a.workflowRoutes(), a.extraRoutes(), a.ssoRoutes()} {
		all = append(all, group...)
	}
	return all
}

// coreRoutes: sessions, users, organizations, stacks, their members and
// their settings.
func (a *API) coreRoutes() []route {
	return []route{
		{"POST", "/v3/user-session", anyone, noStack, perm(domain.ModUserSession, domain.ActCreate), a.login},
		{"DELETE", "/v3/user-session", user, noStack, perm(domain.ModUserSession, domain.ActDelete), a.logout},
		{"DELETE", "/v3/user-sessions", user, noStack, perm(domain.ModUserSession, domain.ActDelete), a.logoutEverywhere},
		{"GET", "/v3/user", user, noStack, perm(domain.ModUser, domain.ActRead), a.getUser},
		{"PUT", "/v3/user", user, noStack, perm(domain.ModUser, domain.ActUpdate), a.updateUser},
		{"POST", "/v3/user/two_factor", user, noStack, perm(domain.ModUser, domain.ActUpdate), a.startTFA},
		{"POST", "/v3/user/two_factor/confirm", user, noStack, perm(domain.ModUser, domain.ActUpdate), a.confirmTFA},
		{"DELETE", "/v3/user/two_factor", user, noStack, perm(domain.ModUser, domain.ActUpdate), a.disableTFA},

		{"GET", "/v3/organizations", user, noStack, perm(domain.ModOrganization, domain.ActRead), a.listOrgs},
		{"GET", "/v3/organizations/{org_uid}", user, noStack, perm(domain.ModOrganization, domain.ActRead), a.getOrg},
		{"GET", "/v3/organizations/{org_uid}/stacks", user, noStack, perm(domain.ModOrganization, domain.ActRead), a.orgStacks},

		{"POST", "/v3/stacks", user, noStack, perm(domain.ModStack, domain.ActCreate), a.createStack},
		{"GET", "/v3/stacks", user, optionalStack, perm(domain.ModStack, domain.ActRead), a.getStacks},
		{"PUT", "/v3/stacks", user, needStack, perm(domain.ModStack, domain.ActUpdate), a.updateStack},
		{"DELETE", "/v3/stacks", user, needStack, perm(domain.ModStack, domain.ActDelete), a.deleteStack},
		{"POST", "/v3/stacks/transfer_ownership", user, needStack, perm(domain.ModStack, domain.ActTransfer), a.transferStack},
		{"GET", "/v3/stacks/users", user, needStack, perm(domain.ModStackUsers, domain.ActRead), a.stackUsers},
		{"POST", "/v3/stacks/share", user, needStack, perm(domain.ModStackUsers, domain.ActShare), a.shareStack},
		{"POST", "/v3/stacks/unshare", user, needStack, perm(domain.ModStackUsers, domain.ActUnshare), a.unshareStack},
		{"POST", "/v3/stacks/users/roles", user, needStack, perm(domain.ModStackUsers, domain.ActRoles), a.assignRoles},
		{"GET", "/v3/stacks/settings", user, needStack, perm(domain.ModStackSettings, domain.ActRead), a.getStackSettings},
		{"POST", "/v3/stacks/settings", user, needStack, perm(domain.ModStackSettings, domain.ActUpdate), a.updateStackSettings},
		{"POST", "/v3/stacks/settings/reset", user, needStack, perm(domain.ModStackSettings, domain.ActUpdate), a.resetStackSettings},
	}
}

// RouteDecl is a route's declaration without its handler, for tests and docs.
type RouteDecl struct {
	Method, Path string
	Creds        domain.CredKind
	Stack        bool // acts on the stack named by api_key (always or when sent)
	Org          bool // acts on the organization named by {org_uid}
	Perm         domain.Permission
}

// Routes returns the declaration of every CMA route.
func Routes() []RouteDecl {
	var out []RouteDecl
	for _, rt := range (&API{}).routeTable() {
		out = append(out, RouteDecl{Method: rt.method, Path: rt.path, Creds: rt.creds, Stack: rt.stack == needStack || rt.stack == optionalStack,
			Org: rt.stack == needOrg, Perm: rt.perm})
	}
	return out
}
