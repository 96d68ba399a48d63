package api

import (
	"encoding/json"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

func environmentJSON(e domain.Environment) map[string]any {
	return map[string]any{
		"uid": e.UID, "name": e.Name, "urls": e.URLs, "servers": e.Servers, "deploy_content": e.DeployContent,
		"api_key": e.APIKey, "created_by": e.CreatedBy, "updated_by": e.UpdatedBy,
		"created_at": isoTime(e.CreatedAt), "updated_at": isoTime(e.UpdatedAt), "ACL": []any{}, "_version": 1,
	}
}

type environmentBody struct {
	Environment struct {
		Name          *string         `json:"name"`
		URLs          json.RawMessage `json:"urls"`
		Servers       json.RawMessage `json:"servers"`
		DeployContent *bool           `json:"deploy_content"`
	} `json:"environment"`
}

func applyEnvironment(e *domain.Environment, b environmentBody) error {
	setIf(&e.Name, b.Environment.Name)
	if b.Environment.URLs != nil {
		e.URLs = b.Environment.URLs
	}
	if b.Environment.Servers != nil {
		e.Servers = b.Environment.Servers
	}
	if b.Environment.DeployContent != nil {
		e.DeployContent = *b.Environment.DeployContent
	}
	return domain.ValidateEnvironment(e)
}

// createEnvironment is POST /v3/environments.
func (a *API) createEnvironment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body environmentBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	e := domain.Environment{UID: domain.NewUID(), APIKey: rc.stack.APIKey, DeployContent: true,
		URLs: json.RawMessage("[]"), Servers: json.RawMessage("[]"),
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyEnvironment(&e, body); err != nil {
		return err
	}
	if err := a.Store.CreateEnvironment(r.Context(), e, a.audit(r, rc, domain.ModEnvironment, "create", e.UID, e.Name)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Environment created successfully.", "environment": environmentJSON(e)})
	return nil
}

// listEnvironments is GET /v3/environments.
func (a *API) listEnvironments(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	envs, err := a.Store.Environments(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(envs))
	for _, e := range envs {
		items = append(items, environmentJSON(e))
	}
	writeJSON(w, http.StatusOK, listBody("environments", items, p))
	return nil
}

// getEnvironment is GET /v3/environments/{environment_name}.
func (a *API) getEnvironment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	e, err := a.Store.Environment(r.Context(), rc.stack.APIKey, r.PathValue("environment_name"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"environment": environmentJSON(e)})
	return nil
}

// updateEnvironment is PUT /v3/environments/{environment_name}.
func (a *API) updateEnvironment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body environmentBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	name := r.PathValue("environment_name")
	e, err := a.Store.UpdateEnvironment(r.Context(), rc.stack.APIKey, name, func(e *domain.Environment) error {
		e.UpdatedBy, e.UpdatedAt = actorUID(rc), a.Now()
		return applyEnvironment(e, body)
	}, a.audit(r, rc, domain.ModEnvironment, "update", "", name))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Environment updated successfully.", "environment": environmentJSON(e)})
	return nil
}

// deleteEnvironment is DELETE /v3/environments/{environment_name}.
func (a *API) deleteEnvironment(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	name := r.PathValue("environment_name")
	if err := a.Store.DeleteEnvironment(r.Context(), rc.stack.APIKey, name, a.audit(r, rc, domain.ModEnvironment, "delete", "", name)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Environment deleted successfully."))
	return nil
}
