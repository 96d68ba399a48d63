package api

import (
	"encoding/json"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// listRoles is GET /v3/roles.
func (a *API) listRoles(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	roles, err := a.Store.Roles(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	withRules := q.Get("include_rules") == "true" || q.Get("include_permissions") == "true"
	items := make([]map[string]any, 0, len(roles))
	for _, role := range roles {
		items = append(items, roleJSON(role, withRules))
	}
	writeJSON(w, http.StatusOK, listBody("roles", items, p))
	return nil
}

// getRole is GET /v3/roles/{role_uid}; rules are always included.
func (a *API) getRole(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	role, err := a.Store.Role(r.Context(), rc.stack.APIKey, r.PathValue("role_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"role": roleJSON(role, true)})
	return nil
}

type roleBody struct {
	Role struct {
		Name        *string         `json:"name"`
		Description *string         `json:"description"`
		Rules       json.RawMessage `json:"rules"`
	} `json:"role"`
}

// createRole is POST /v3/roles: a custom role with validated rules.
func (a *API) createRole(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body roleBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	role := domain.Role{UID: domain.NewUID(), APIKey: rc.stack.APIKey, CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyRole(&role, body); err != nil {
		return err
	}
	if err := a.Store.CreateRole(r.Context(), role, a.audit(r, rc, domain.ModRole, "create", role.UID, role.Name)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "The role created successfully.", "role": roleJSON(role, true)})
	return nil
}

// applyRole copies the fields a body gives onto role and validates them.
func applyRole(role *domain.Role, body roleBody) error {
	setIf(&role.Name, body.Role.Name)
	setIf(&role.Description, body.Role.Description)
	if err := domain.ValidateName("name", role.Name, true, 255); err != nil {
		return err
	}
	if body.Role.Rules != nil || len(role.Rules) == 0 {
		if _, err := domain.ParseRules(body.Role.Rules); err != nil {
			return err
		}
		role.Rules = body.Role.Rules
	}
	return nil
}

// updateRole is PUT /v3/roles/{role_uid}; built-in roles are refused.
func (a *API) updateRole(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body roleBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("role_uid")
	role, err := a.Store.UpdateRole(r.Context(), rc.stack.APIKey, uid, func(role *domain.Role) error {
		role.UpdatedBy, role.UpdatedAt = actorUID(rc), a.Now()
		return applyRole(role, body)
	}, a.audit(r, rc, domain.ModRole, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "The role updated successfully.", "role": roleJSON(role, true)})
	return nil
}

// deleteRole is DELETE /v3/roles/{role_uid}.
func (a *API) deleteRole(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("role_uid")
	if err := a.Store.DeleteRole(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModRole, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("The role deleted successfully."))
	return nil
}

// actorUID is the uid written into created_by/updated_by: the user's, or
// for a management token the token's (never a person's).
func actorUID(rc *reqCtx) string {
	if rc.user != nil {
		return rc.user.UID
	}
	if rc.token != nil {
		return rc.token.UID
	}
	return ""
}
