package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// userAssignments is GET /v3/user/assignments: the entry locales assigned
// to the caller, directly or through one of their roles, in every stack
// they are a member of, or only in the stack named by an api_key header.
// Most recently assigned first; skip, limit, include_count, count, asc and
// desc as in other lists.
func (a *API) userAssignments(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	list, err := a.Store.Assignments(r.Context(), rc.user.UID, r.Header.Get("api_key"))
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(list))
	for _, as := range list {
		items = append(items, assignmentJSON(as))
	}
	writeJSON(w, http.StatusOK, listBody("assignments", items, p))
	return nil
}

func assignmentJSON(as domain.Assignment) map[string]any {
	st := as.Stage
	stage, _ := as.Workflow.Stage(st.StageUID)
	return map[string]any{
		"api_key": st.APIKey, "content_type": st.ContentType, "entry_uid": st.EntryUID, "entry_title": as.EntryTitle,
		"locale": st.Locale, "version": st.EntryVersion,
		"workflow":    map[string]any{"uid": as.Workflow.UID, "name": as.Workflow.Name},
		"stage":       map[string]any{"uid": stage.UID, "title": stage.Name, "color": stage.Color},
		"assigned_at": isoTime(st.UpdatedAt), "assigned_by": st.UpdatedBy, "due_date": st.DueDate, "comment": st.Comment,
		"assigned_to": assigneesJSON(st.AssignedTo), "assigned_by_roles": roleRefsJSON(st.AssignedByRoles),
	}
}
