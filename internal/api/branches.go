package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// branchRoutes: the branches a stack has. Only the default branch exists
// until branches are built; listing it lets the CLI's branch commands and
// exports work.
func (a *API) branchRoutes() []route {
	return []route{
		{"GET", "/v3/stacks/branches", userOrMgmt, needStack, perm(domain.ModBranch, domain.ActRead), a.listBranches},
		{"GET", "/v3/stacks/branches/{branch_uid}", userOrMgmt, needStack, perm(domain.ModBranch, domain.ActRead), a.getBranch},
	}
}

func mainBranchJSON(st *domain.Stack) map[string]any {
	return map[string]any{
		"uid": domain.DefaultBranch, "source": "", "alias": []any{}, "api_key": st.APIKey,
		"created_by": st.OwnerUID, "updated_by": st.OwnerUID,
		"created_at": isoTime(st.CreatedAt), "updated_at": isoTime(st.CreatedAt), "deleted_at": false,
	}
}

// listBranches is GET /v3/stacks/branches.
func (a *API) listBranches(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, listBody("branches", []map[string]any{mainBranchJSON(rc.stack)}, p))
	return nil
}

// getBranch is GET /v3/stacks/branches/{branch_uid}.
func (a *API) getBranch(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("branch_uid")
	if uid != domain.DefaultBranch {
		return domain.Errorf(domain.KindInvalid, domain.CodeBranchNotFound, "The branch '%s' does not exist.", uid).
			WithField("uid", "is not valid.")
	}
	writeJSON(w, http.StatusOK, map[string]any{"branch": mainBranchJSON(rc.stack)})
	return nil
}
