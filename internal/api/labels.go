package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// labelJSON is a label as Contentstack shows it. A single label is shown
// as an object (Contentstack's documentation shows an array there, which
// the official SDK cannot read back).
func labelJSON(l domain.Label) map[string]any {
	return map[string]any{
		"uid": l.UID, "name": l.Name, "parent": nonNil(l.Parent), "content_types": nonNil(l.ContentTypes),
		"ACL": map[string]any{}, "_version": l.Version, "created_by": l.CreatedBy, "updated_by": l.UpdatedBy,
		"created_at": isoTime(l.CreatedAt), "updated_at": isoTime(l.UpdatedAt),
	}
}

// labelBody is the body of POST and PUT. Fields left out keep their
// value; the SDK sends the whole label back on update, system fields
// included, and those are ignored.
type labelBody struct {
	Label *struct {
		Name         *string   `json:"name"`
		Parent       *[]string `json:"parent"`
		ContentTypes *[]string `json:"content_types"`
	} `json:"label"`
}

func applyLabel(l *domain.Label, b labelBody) error {
	if b.Label == nil {
		return domain.ErrInvalid("label", "is required.")
	}
	setIf(&l.Name, b.Label.Name)
	if b.Label.Parent != nil {
		l.Parent = *b.Label.Parent
	}
	if b.Label.ContentTypes != nil {
		l.ContentTypes = *b.Label.ContentTypes
	}
	return domain.ValidateLabel(l)
}

// createLabel is POST /v3/labels.
func (a *API) createLabel(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body labelBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	l := domain.Label{UID: domain.NewUID(), APIKey: rc.stack.APIKey, Parent: []string{}, ContentTypes: []string{}, Version: 1,
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyLabel(&l, body); err != nil {
		return err
	}
	if err := a.Store.CreateLabel(r.Context(), l, a.audit(r, rc, domain.ModLabel, "create", l.UID, l.Name)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Label created successfully.", "label": labelJSON(l)})
	return nil
}

// listLabels is GET /v3/labels.
func (a *API) listLabels(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	q, err := parseExtrasQuery(r)
	if err != nil {
		return err
	}
	labels, err := a.Store.Labels(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(labels))
	for _, l := range labels {
		items = append(items, labelJSON(l))
	}
	writeJSON(w, http.StatusOK, listBody("labels", q.filter(items), p))
	return nil
}

// getLabel is GET /v3/labels/{label_uid}.
func (a *API) getLabel(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	l, err := a.Store.Label(r.Context(), rc.stack.APIKey, r.PathValue("label_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"label": labelJSON(l)})
	return nil
}

// updateLabel is PUT /v3/labels/{label_uid}.
func (a *API) updateLabel(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body labelBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("label_uid")
	l, err := a.Store.UpdateLabel(r.Context(), rc.stack.APIKey, uid, func(l *domain.Label) error {
		l.UpdatedBy, l.UpdatedAt = actorUID(rc), a.Now()
		return applyLabel(l, body)
	}, a.audit(r, rc, domain.ModLabel, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Label updated successfully.", "label": labelJSON(l)})
	return nil
}

// deleteLabel is DELETE /v3/labels/{label_uid}.
func (a *API) deleteLabel(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("label_uid")
	if err := a.Store.DeleteLabel(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModLabel, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Label deleted successfully."))
	return nil
}
