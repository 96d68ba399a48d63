package api

import (
	"context"

	"github.com/stackd/stackd/internal/domain"
)

// userJSON is a user as the Administration API shows it. authtoken is
// included only when non-empty (login and GET /v3/user echo the caller's own).
func userJSON(u domain.User, orgs []domain.Membership, authtoken string) map[string]any {
	orgList := make([]map[string]any, 0, len(orgs))
	own, shared := []string{}, []string{}
	for _, m := range orgs {
		o := orgJSON(m)
		orgList = append(orgList, o)
		if m.Role == domain.OrgOwner {
			own = append(own, m.Org.UID)
		} else {
			shared = append(shared, m.Org.UID)
		}
	}
	tfa := "disabled"
	if u.TFAEnabled {
		tfa = "verified"
	}
	out := map[string]any{
		"uid": u.UID, "email": u.Email, "username": u.Username,
		"first_name": u.FirstName, "last_name": u.LastName,
		"created_at": isoTime(u.CreatedAt), "updated_at": isoTime(u.UpdatedAt),
		"active": true, "failed_attempts": u.Failed, "tfa_status": tfa,
		"profile_type": "standard", "org_uid": own, "shared_org_uid": shared,
		"organizations": orgList,
	}
	if authtoken != "" {
		out["authtoken"] = authtoken
	}
	return out
}

func orgJSON(m domain.Membership) map[string]any {
	return map[string]any{
		"uid": m.Org.UID, "name": m.Org.Name, "owner_uid": m.Org.OwnerUID,
		"is_owner": m.Role == domain.OrgOwner, "org_roles": []map[string]any{{"name": string(m.Role)}},
		"enabled": true, "created_at": isoTime(m.Org.CreatedAt), "updated_at": isoTime(m.Org.UpdatedAt),
	}
}

func stackJSON(st domain.Stack) map[string]any {
	return map[string]any{
		"uid": st.UID, "api_key": st.APIKey, "name": st.Name, "description": st.Description,
		"org_uid": st.OrgUID, "owner_uid": st.OwnerUID, "master_locale": st.MasterLocale,
		"created_at": isoTime(st.CreatedAt), "updated_at": isoTime(st.UpdatedAt),
		"is_asset_download_public": true,
	}
}

// stackUserJSON is a stack member as GET /v3/stacks/users shows it.
func stackUserJSON(su domain.StackUser) map[string]any {
	return map[string]any{
		"uid": su.User.UID, "email": su.User.Email, "username": su.User.Username,
		"first_name": su.User.FirstName, "last_name": su.User.LastName, "active": true,
		"created_at": isoTime(su.User.CreatedAt), "updated_at": isoTime(su.User.UpdatedAt),
		"is_owner": su.IsOwner, "roles": nonNil(su.RoleUIDs), "metadata": map[string]any{"idp_user": false},
	}
}

func roleJSON(r domain.Role, withRules bool) map[string]any {
	out := map[string]any{
		"uid": r.UID, "name": r.Name, "description": r.Description, "api_key": r.APIKey,
		"created_by": r.CreatedBy, "updated_by": r.UpdatedBy,
		"created_at": isoTime(r.CreatedAt), "updated_at": isoTime(r.UpdatedAt),
	}
	if withRules {
		out["rules"] = r.Rules
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// stackWithMembers adds user_uids (and, when asked, collaborators) to a stack.
func (a *API) stackWithMembers(ctx context.Context, st domain.Stack, collaborators bool) (map[string]any, error) {
	out := stackJSON(st)
	users, err := a.Store.StackUsers(ctx, st.APIKey)
	if err != nil {
		return nil, err
	}
	uids := make([]string, 0, len(users))
	collab := make([]map[string]any, 0, len(users))
	for _, u := range users {
		uids = append(uids, u.User.UID)
		collab = append(collab, stackUserJSON(u))
	}
	out["user_uids"] = uids
	if collaborators {
		out["collaborators"] = collab
	}
	return out, nil
}
