package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// addWorkflowState sets _workflow on each entry of a content type that an
// enabled workflow governs: the workflow's uid and the entry's stage in
// the locale it is shown in. An entry never moved is in the workflow's
// first stage (domain.CurrentStage); it shows the entry's creation as the
// stage's time and author and version 1. Entries of a content type no
// workflow governs get no _workflow.
func (a *API) addWorkflowState(r *http.Request, rc *reqCtx, items []map[string]any) error {
	if len(items) == 0 {
		return nil
	}
	ctx, apiKey := r.Context(), rc.stack.APIKey
	wf, ok, err := a.Store.WorkflowFor(ctx, apiKey, r.PathValue("content_type_uid"), rc.principal.Branch)
	if err != nil || !ok {
		return err
	}
	uids := make([]string, 0, len(items))
	for _, it := range items {
		if uid, ok := it["uid"].(string); ok {
			uids = append(uids, uid)
		}
	}
	stages, err := a.Store.EntryStages(ctx, apiKey, uids)
	if err != nil {
		return err
	}
	byKey := make(map[[2]string]*domain.EntryStage, len(stages))
	for i, st := range stages {
		byKey[[2]string{st.EntryUID, st.Locale}] = &stages[i]
	}
	for _, it := range items {
		uid, _ := it["uid"].(string)
		locale, _ := it["locale"].(string)
		it["_workflow"] = entryWorkflowJSON(wf, byKey[[2]string{uid, locale}], it)
	}
	return nil
}

// entryWorkflowJSON shows an entry's place in workflow w given its stored
// stage st (nil when never moved) and the entry as entryJSON shows it.
func entryWorkflowJSON(w domain.Workflow, st *domain.EntryStage, entry map[string]any) map[string]any {
	uid := domain.CurrentStage(w, st)
	stage, _ := w.Stage(uid)
	out := map[string]any{"uid": w.UID}
	view := map[string]any{"uid": stage.UID, "title": stage.Name, "color": stage.Color}
	if st == nil || st.WorkflowUID != w.UID || st.StageUID != uid {
		out["updated_at"], out["updated_by"], out["version"] = entry["created_at"], entry["created_by"], 1
		view["updated_at"], view["updated_by"] = entry["created_at"], entry["created_by"]
		view["comment"], view["due_date"] = "", ""
		view["assigned_to"], view["assigned_by_roles"] = []domain.Assignee{}, []domain.RoleRef{}
	} else {
		at := isoTime(st.UpdatedAt)
		out["updated_at"], out["updated_by"], out["version"] = at, st.UpdatedBy, st.EntryVersion
		view["updated_at"], view["updated_by"] = at, st.UpdatedBy
		view["comment"], view["due_date"] = st.Comment, st.DueDate
		view["assigned_to"], view["assigned_by_roles"] = assigneesJSON(st.AssignedTo), roleRefsJSON(st.AssignedByRoles)
	}
	out["stage"] = view
	return out
}

func assigneesJSON(as []domain.Assignee) []domain.Assignee {
	if as == nil {
		return []domain.Assignee{}
	}
	return as
}

func roleRefsJSON(rs []domain.RoleRef) []domain.RoleRef {
	if rs == nil {
		return []domain.RoleRef{}
	}
	return rs
}
