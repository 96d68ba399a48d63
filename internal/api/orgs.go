package api

import (
	"net/http"
)

// listOrgs is GET /v3/organizations: the caller's organizations.
func (a *API) listOrgs(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	orgs, err := a.Store.UserOrgs(r.Context(), rc.user.UID)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(orgs))
	for _, m := range orgs {
		items = append(items, orgJSON(m))
	}
	writeJSON(w, http.StatusOK, listBody("organizations", items, p))
	return nil
}

// getOrg is GET /v3/organizations/{org_uid}, for its members.
func (a *API) getOrg(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := a.Store.UserOrg(r.Context(), rc.user.UID, r.PathValue("org_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"organization": orgJSON(m)})
	return nil
}

// orgStacks is GET /v3/organizations/{org_uid}/stacks: the stacks of that
// organization the caller is a member of.
func (a *API) orgStacks(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	m, err := a.Store.UserOrg(r.Context(), rc.user.UID, r.PathValue("org_uid"))
	if err != nil {
		return err
	}
	stacks, err := a.Store.UserStacks(r.Context(), rc.user.UID, m.Org.UID)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(stacks))
	for _, st := range stacks {
		items = append(items, stackJSON(st))
	}
	writeJSON(w, http.StatusOK, listBody("stacks", items, p))
	return nil
}
