package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

func workflowJSON(w domain.Workflow) map[string]any {
	stages := make([]map[string]any, 0, len(w.Stages))
	for _, s := range w.Stages {
		stages = append(stages, stageJSON(s))
	}
	return map[string]any{
		"uid": w.UID, "api_key": w.APIKey, "name": w.Name, "description": w.Description, "enabled": w.Enabled,
		"branches": nonNil(w.Branches), "content_types": nonNil(w.ContentTypes), "admin_users": principalsJSON(w.AdminUsers),
		"workflow_stages": stages,
		"created_by":      w.CreatedBy, "updated_by": w.UpdatedBy, "created_at": isoTime(w.CreatedAt), "updated_at": isoTime(w.UpdatedAt),
	}
}

func stageJSON(s domain.WorkflowStage) map[string]any {
	return map[string]any{
		"uid": s.UID, "name": s.Name, "color": s.Color,
		"SYS_ACL": map[string]any{
			"roles":  map[string]any{"uids": nonNil(s.SysACL.Roles.UIDs)},
			"users":  map[string]any{"uids": nonNil(s.SysACL.Users.UIDs)},
			"others": s.SysACL.Others,
		},
		"next_available_stages": nonNil(s.NextAvailableStages),
		"allStages":             s.AllStages, "allUsers": s.AllUsers, "specificStages": s.SpecificStages, "specificUsers": s.SpecificUsers,
		"entry_lock": s.EntryLock,
	}
}

func principalsJSON(p domain.Principals) map[string]any {
	return map[string]any{"users": nonNil(p.Users), "roles": nonNil(p.Roles)}
}

// stageBody is a stage as a client sends it; allStages, allUsers,
// specificStages and specificUsers are derived, so they are not read.
type stageBody struct {
	UID                 string           `json:"uid"`
	Name                string           `json:"name"`
	Color               string           `json:"color"`
	SysACL              *domain.StageACL `json:"SYS_ACL"`
	NextAvailableStages []string         `json:"next_available_stages"`
	EntryLock           string           `json:"entry_lock"`
}

// stage converts b: a stage sent without SYS_ACL is open to all users and
// one without next_available_stages may move to any stage.
func (b stageBody) stage() domain.WorkflowStage {
	s := domain.WorkflowStage{UID: b.UID, Name: b.Name, Color: b.Color, EntryLock: b.EntryLock,
		NextAvailableStages: b.NextAvailableStages, SysACL: domain.DefaultStageACL()}
	if s.NextAvailableStages == nil {
		s.NextAvailableStages = []string{domain.All}
	}
	if b.SysACL != nil {
		s.SysACL = *b.SysACL
	}
	return s
}

type workflowBody struct {
	Workflow struct {
		Name         *string            `json:"name"`
		Description  *string            `json:"description"`
		Enabled      *bool              `json:"enabled"`
		Branches     []string           `json:"branches"`
		ContentTypes []string           `json:"content_types"`
		AdminUsers   *domain.Principals `json:"admin_users"`
		Stages       []stageBody        `json:"workflow_stages"`
	} `json:"workflow"`
}

// applyWorkflow copies the fields a body gives onto w and validates the
// result. Stages, when given, replace w's; a stage without a uid keeps
// the uid of w's stage of the same name, or gets a new one.
func applyWorkflow(w *domain.Workflow, b workflowBody) error {
	in := b.Workflow
	setIf(&w.Name, in.Name)
	setIf(&w.Description, in.Description)
	if in.Enabled != nil {
		w.Enabled = *in.Enabled
	}
	if in.Branches != nil {
		w.Branches = in.Branches
	}
	if in.ContentTypes != nil {
		w.ContentTypes = in.ContentTypes
	}
	if in.AdminUsers != nil {
		w.AdminUsers = *in.AdminUsers
	}
	if in.Stages != nil {
		stages := make([]domain.WorkflowStage, 0, len(in.Stages))
		for _, s := range in.Stages {
			stages = append(stages, s.stage())
		}
		domain.AssignStageUIDs(stages, w.Stages)
		w.Stages = stages
	}
	return domain.NormalizeWorkflow(w)
}

// createWorkflow is POST /v3/workflows.
func (a *API) createWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body workflowBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	wf := domain.Workflow{UID: domain.NewUID(), APIKey: rc.stack.APIKey, Enabled: true,
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyWorkflow(&wf, body); err != nil {
		return err
	}
	if err := a.Store.CreateWorkflow(r.Context(), wf, a.audit(r, rc, domain.ModWorkflow, "create", wf.UID, wf.Name)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Workflow created successfully.", "workflow": workflowJSON(wf)})
	return nil
}

// listWorkflows is GET /v3/workflows.
func (a *API) listWorkflows(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	wfs, err := a.Store.Workflows(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(wfs))
	for _, wf := range wfs {
		items = append(items, workflowJSON(wf))
	}
	writeJSON(w, http.StatusOK, listBody("workflows", items, p))
	return nil
}

// getWorkflow is GET /v3/workflows/{workflow_uid}.
func (a *API) getWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	wf, err := a.Store.Workflow(r.Context(), rc.stack.APIKey, r.PathValue("workflow_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"workflow": workflowJSON(wf)})
	return nil
}

// updateWorkflow is PUT /v3/workflows/{workflow_uid}.
func (a *API) updateWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body workflowBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("workflow_uid")
	wf, err := a.Store.UpdateWorkflow(r.Context(), rc.stack.APIKey, uid, func(wf *domain.Workflow) error {
		wf.UpdatedBy, wf.UpdatedAt = actorUID(rc), a.Now()
		return applyWorkflow(wf, body)
	}, a.audit(r, rc, domain.ModWorkflow, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Workflow updated successfully.", "workflow": workflowJSON(wf)})
	return nil
}

// deleteWorkflow is DELETE /v3/workflows/{workflow_uid}; the workflow's
// publish rules are deleted with it.
func (a *API) deleteWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("workflow_uid")
	if _, err := a.Store.DeleteWorkflow(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModWorkflow, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Workflow deleted successfully."))
	return nil
}

// enableWorkflow is GET /v3/workflows/{workflow_uid}/enable.
func (a *API) enableWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.setWorkflowEnabled(w, r, rc, true)
}

// disableWorkflow is GET /v3/workflows/{workflow_uid}/disable.
func (a *API) disableWorkflow(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.setWorkflowEnabled(w, r, rc, false)
}

func (a *API) setWorkflowEnabled(w http.ResponseWriter, r *http.Request, rc *reqCtx, enabled bool) error {
	uid := r.PathValue("workflow_uid")
	event, msg := "disable", "Workflow disabled successfully."
	if enabled {
		event, msg = "enable", "Workflow enabled successfully."
	}
	wf, err := a.Store.UpdateWorkflow(r.Context(), rc.stack.APIKey, uid, func(wf *domain.Workflow) error {
		wf.Enabled, wf.UpdatedBy, wf.UpdatedAt = enabled, actorUID(rc), a.Now()
		return nil
	}, a.audit(r, rc, domain.ModWorkflow, event, uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": msg, "workflow": workflowJSON(wf)})
	return nil
}
