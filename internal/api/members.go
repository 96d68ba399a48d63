package api

import (
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// stackUsers is GET /v3/stacks/users.
func (a *API) stackUsers(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	users, err := a.Store.StackUsers(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(users))
	for _, u := range users {
		items = append(items, stackUserJSON(u))
	}
	writeJSON(w, http.StatusOK, listBody("users", items, p))
	return nil
}

type shareBody struct {
	Emails []string            `json:"emails"`
	Roles  map[string][]string `json:"roles"`
}

// shareStack is POST /v3/stacks/share. Existing users join at once with
// the given roles; stackd sends no invitations, so unknown emails are a 422
// that names them, and nothing is shared.
func (a *API) shareStack(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body shareBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if len(body.Emails) == 0 {
		return domain.ErrInvalid("emails", "must list at least one email.")
	}
	roles := map[string][]string{}
	for e, rs := range body.Roles {
		roles[strings.ToLower(strings.TrimSpace(e))] = rs
	}
	grants := store.Grants{}
	var unknown []string
	for _, raw := range body.Emails {
		email, err := domain.NormalizeEmail(raw)
		if err != nil {
			return domain.ErrInvalid("emails", "contains an invalid email address: "+raw)
		}
		u, err := a.Store.UserByEmail(r.Context(), email)
		if err != nil {
			unknown = append(unknown, email)
			continue
		}
		grants[u.UID] = roles[email]
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return domain.ErrInvalid("emails", "has no stackd user for: "+strings.Join(unknown, ", ")+".")
	}
	if err := a.mayGrant(r, rc, grants); err != nil {
		return err
	}
	if err := a.Store.Share(r.Context(), rc.stack.APIKey, grants, a.Now(), a.audit(r, rc, domain.ModStackUsers, "share", "", strings.Join(body.Emails, ","))); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("The invitation has been sent successfully."))
	return nil
}

// mayGrant refuses a developer who shares the stack with the Admin role:
// inviting is theirs, handing out more rights than they hold is not.
func (a *API) mayGrant(r *http.Request, rc *reqCtx, g store.Grants) error {
	if rc.principal.IsOwner || slices.Contains(rc.principal.Builtins, domain.RoleAdmin) {
		return nil
	}
	admin := ""
	roles, err := a.Store.Roles(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	for _, role := range roles {
		if role.Builtin == domain.RoleAdmin {
			admin = role.UID
		}
	}
	for _, uids := range g {
		if slices.Contains(uids, admin) {
			return domain.ErrForbidden()
		}
	}
	return nil
}

// unshareStack is POST /v3/stacks/unshare.
func (a *API) unshareStack(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body struct {
		Email string `json:"email"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	email, err := domain.NormalizeEmail(body.Email)
	if err != nil {
		return err
	}
	u, err := a.Store.UserByEmail(r.Context(), email)
	if err != nil {
		return domain.ErrInvalid("email", "is not a member of this stack.")
	}
	if err := a.Store.Unshare(r.Context(), rc.stack.APIKey, u.UID, a.audit(r, rc, domain.ModStackUsers, "unshare", u.UID, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("The stack has been successfully unshared."))
	return nil
}

// assignRoles is POST /v3/stacks/users/roles: it replaces each named
// member's roles.
func (a *API) assignRoles(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body struct {
		Users map[string][]string `json:"users"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if len(body.Users) == 0 {
		return domain.ErrInvalid("users", "must name at least one user.")
	}
	if err := a.Store.SetRoles(r.Context(), rc.stack.APIKey, store.Grants(body.Users), a.audit(r, rc, domain.ModStackUsers, "assign_roles", "", "")); err != nil {
		return err
	}
	users := make([]map[string]any, 0, len(body.Users))
	for uid, roles := range body.Users {
		users = append(users, map[string]any{"uid": uid, "roles": nonNil(roles)})
	}
	sort.Slice(users, func(i, j int) bool { return users[i]["uid"].(string) < users[j]["uid"].(string) })
	writeJSON(w, http.StatusOK, map[string]any{"notice": "The roles were applied successfully.", "users": users})
	return nil
}
