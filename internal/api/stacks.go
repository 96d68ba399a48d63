package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

type stackBody struct {
	Stack struct {
		Name         *string `json:"name"`
		Description  *string `json:"description"`
		MasterLocale *string `json:"master_locale"`
	} `json:"stack"`
}

// createStack is POST /v3/stacks, in the organization named by the
// organization_uid header; any member of that organization may create one.
func (a *API) createStack(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	orgUID := r.Header.Get("organization_uid")
	if orgUID == "" {
		return domain.ErrInvalid("organization_uid", "header is required.")
	}
	var body stackBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	m, err := a.Store.UserOrg(r.Context(), rc.user.UID, orgUID)
	if err != nil {
		return err
	}
	now := a.Now()
	st := domain.Stack{UID: domain.NewUID(), APIKey: domain.NewUID(), OrgUID: m.Org.UID, OwnerUID: rc.user.UID,
		MasterLocale: "en-us", CreatedAt: now, UpdatedAt: now}
	setIf(&st.Name, body.Stack.Name)
	setIf(&st.Description, body.Stack.Description)
	setIf(&st.MasterLocale, body.Stack.MasterLocale)
	st.MasterLocale = strings.ToLower(st.MasterLocale)
	if err := domain.ValidateStack(&st); err != nil {
		return err
	}
	if err := a.Store.CreateStack(r.Context(), st, builtinRoles(st, now), a.auditEntry(r, rc, st.APIKey, domain.ModStack, "create", st.UID, st.Name)); err != nil {
		return err
	}
	out, err := a.stackWithMembers(r.Context(), st, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Stack created successfully.", "stack": out})
	return nil
}

func builtinRoles(st domain.Stack, now time.Time) []domain.Role {
	roles := make([]domain.Role, 0, len(domain.BuiltinRoles))
	for _, b := range domain.BuiltinRoles {
		roles = append(roles, domain.Role{UID: domain.NewUID(), APIKey: st.APIKey, Name: b.Name, Description: b.Description,
			Builtin: b.Kind, Rules: domain.BuiltinRules(b.Kind), CreatedBy: st.OwnerUID, UpdatedBy: st.OwnerUID,
			CreatedAt: now, UpdatedAt: now})
	}
	return roles
}

// getStacks is GET /v3/stacks: the stack named by api_key, or without it
// every stack the caller is a member of.
func (a *API) getStacks(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if rc.stack != nil {
		out, err := a.stackWithMembers(r.Context(), *rc.stack, r.URL.Query().Get("include_collaborators") == "true")
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"stack": out})
		return nil
	}
	p, err := parseList(r)
	if err != nil {
		return err
	}
	stacks, err := a.Store.UserStacks(r.Context(), rc.user.UID, r.Header.Get("organization_uid"))
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

// updateStack is PUT /v3/stacks: name and description.
func (a *API) updateStack(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body stackBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Stack.MasterLocale != nil && *body.Stack.MasterLocale != rc.stack.MasterLocale {
		return domain.ErrInvalid("master_locale", "cannot be changed.")
	}
	st, err := a.Store.UpdateStack(r.Context(), rc.stack.APIKey, func(st *domain.Stack) error {
		setIf(&st.Name, body.Stack.Name)
		setIf(&st.Description, body.Stack.Description)
		st.UpdatedAt = a.Now()
		return domain.ValidateStack(st)
	}, a.audit(r, rc, domain.ModStack, "update", rc.stack.UID, rc.stack.Name))
	if err != nil {
		return err
	}
	out, err := a.stackWithMembers(r.Context(), st, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Stack updated successfully.", "stack": out})
	return nil
}

// deleteStack is DELETE /v3/stacks (owner only). The rows go in one
// transaction, then the asset files; a file that cannot be removed is
// logged and left behind.
func (a *API) deleteStack(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	keys, err := a.Store.StackAssetFileKeys(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	if err := a.Store.DeleteStack(r.Context(), rc.stack.APIKey); err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	for _, k := range keys {
		if err := a.Files.Delete(ctx, k); err != nil {
			a.Log.WarnContext(ctx, "could not remove an asset file of a deleted stack", "api_key", rc.stack.APIKey, "err", err)
		}
	}
	writeJSON(w, http.StatusOK, notice("Stack deleted successfully!"))
	return nil
}

// transferStack is POST /v3/stacks/transfer_ownership to an existing
// member. stackd has no email, so the transfer takes effect at once.
func (a *API) transferStack(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body struct {
		TransferTo string `json:"transfer_to"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	email, err := domain.NormalizeEmail(body.TransferTo)
	if err != nil {
		return domain.ErrInvalid("transfer_to", "is not a valid email address.")
	}
	u, err := a.Store.UserByEmail(r.Context(), email)
	if err != nil {
		return domain.ErrInvalid("transfer_to", "must be a member of the stack.")
	}
	if u.UID == rc.stack.OwnerUID {
		return domain.ErrInvalid("transfer_to", "already owns the stack.")
	}
	if err := a.Store.TransferOwnership(r.Context(), rc.stack.APIKey, u.UID, a.Now(), a.audit(r, rc, domain.ModStack, "transfer_ownership", u.UID, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Stack ownership transferred successfully."))
	return nil
}
