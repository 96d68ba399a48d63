package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

type globalFieldBody struct {
	GlobalField *schemaBody `json:"global_field"`
}

func applyGlobalField(g *domain.GlobalField, b globalFieldBody, create bool) error {
	if err := applySchemaBody(b.GlobalField, "global_field", create, &g.UID, &g.Title, &g.Description, &g.Schema); err != nil {
		return err
	}
	return domain.ValidateGlobalField(g)
}

// globalFieldJSON shows a global field; gfs, when given, expands the
// global fields it embeds.
func globalFieldJSON(g domain.GlobalField, gfs map[string][]domain.Field) map[string]any {
	schema := g.Schema
	if gfs != nil {
		schema = domain.Expand(schema, gfs)
	}
	return map[string]any{
		"uid": g.UID, "title": g.Title, "description": g.Description, "schema": schema, "_version": g.Version,
		"created_by": g.CreatedBy, "updated_by": g.UpdatedBy, "created_at": isoTime(g.CreatedAt), "updated_at": isoTime(g.UpdatedAt),
		"inbuilt_class": false, "maintain_revisions": true, "last_activity": map[string]any{},
	}
}

// createGlobalField is POST /v3/global_fields. The api_version header the
// SDK sends (3.0) changes nothing: nested global fields always work.
func (a *API) createGlobalField(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body globalFieldBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	g := domain.GlobalField{APIKey: rc.stack.APIKey, Version: 1, CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyGlobalField(&g, body, true); err != nil {
		return err
	}
	if err := a.Store.CreateGlobalField(r.Context(), g, a.audit(r, rc, domain.ModGlobalField, "create", g.UID, g.Title)); err != nil {
		return err
	}
	setETag(w, g.Version)
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Global Field created successfully.", "global_field": globalFieldJSON(g, nil)})
	return nil
}

// listGlobalFields is GET /v3/global_fields.
func (a *API) listGlobalFields(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.writeGlobalFields(w, r, rc.stack.APIKey)
}

// writeGlobalFields answers a global field list of a stack; the CMA and
// the CDA list them alike.
func (a *API) writeGlobalFields(w http.ResponseWriter, r *http.Request, apiKey string) error {
	f, err := listFilter(r, apiKey)
	if err != nil {
		return err
	}
	gfs, err := a.globalSchemas(r, apiKey)
	if err != nil {
		return err
	}
	list, total, err := a.Store.GlobalFields(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(list))
	for _, g := range list {
		items = append(items, globalFieldJSON(g, gfs))
	}
	writeList(w, "global_fields", items, total, f)
	return nil
}

// getGlobalField is GET /v3/global_fields/{global_field_uid}.
func (a *API) getGlobalField(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.writeGlobalField(w, r, rc.stack.APIKey)
}

// writeGlobalField answers one global field of a stack (CMA and CDA).
func (a *API) writeGlobalField(w http.ResponseWriter, r *http.Request, apiKey string) error {
	gfs, err := a.globalSchemas(r, apiKey)
	if err != nil {
		return err
	}
	g, err := a.Store.GlobalField(r.Context(), apiKey, r.PathValue("global_field_uid"))
	if err != nil {
		return err
	}
	setETag(w, g.Version)
	writeJSON(w, http.StatusOK, map[string]any{"global_field": globalFieldJSON(g, gfs)})
	return nil
}

// updateGlobalField is PUT /v3/global_fields/{global_field_uid}.
func (a *API) updateGlobalField(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body globalFieldBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("global_field_uid")
	g, err := a.Store.UpdateGlobalField(r.Context(), rc.stack.APIKey, uid, func(g *domain.GlobalField) error {
		if err := im.Check("global field", g.Version); err != nil { // on the locked row
			return err
		}
		g.UpdatedBy, g.UpdatedAt = actorUID(rc), a.Now()
		return applyGlobalField(g, body, false)
	}, a.audit(r, rc, domain.ModGlobalField, "update", uid, ""))
	if err != nil {
		return err
	}
	setETag(w, g.Version)
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Global Field updated successfully.", "global_field": globalFieldJSON(g, nil)})
	return nil
}

// deleteGlobalField is DELETE /v3/global_fields/{global_field_uid}: refused
// while a content type or another global field embeds it.
func (a *API) deleteGlobalField(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	uid := r.PathValue("global_field_uid")
	if err := a.Store.DeleteGlobalField(r.Context(), rc.stack.APIKey, uid, im, a.audit(r, rc, domain.ModGlobalField, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Global Field deleted successfully."))
	return nil
}
