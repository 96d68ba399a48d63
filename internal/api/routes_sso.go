package api

import "github.com/stackd/stackd/internal/domain"

// ssoRoutes: an organization's single sign-on settings (owner only, never
// a token) and the browser's OpenID Connect sign-in, which takes no
// credential: the identity provider's ID token is what it checks.
func (a *API) ssoRoutes() []route {
	return []route{
		{"GET", "/v3/organizations/{org_uid}/sso", user, needOrg, perm(domain.ModOrgSSO, domain.ActRead), a.getOrgSSO},
		{"PUT", "/v3/organizations/{org_uid}/sso", user, needOrg, perm(domain.ModOrgSSO, domain.ActUpdate), a.putOrgSSO},
		{"DELETE", "/v3/organizations/{org_uid}/sso", user, needOrg, perm(domain.ModOrgSSO, domain.ActDelete), a.deleteOrgSSO},
		{"GET", "/v3/sso/start", anyone, noStack, perm(domain.ModUserSession, domain.ActCreate), a.ssoStart},
		{"GET", "/v3/sso/callback", anyone, noStack, perm(domain.ModUserSession, domain.ActCreate), a.ssoCallback},
	}
}
