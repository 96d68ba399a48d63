package api

import (
	"encoding/json"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// schemaBody is the object under "content_type" or "global_field".
type schemaBody struct {
	Title       *string         `json:"title"`
	UID         *string         `json:"uid"`
	Description *string         `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Options     json.RawMessage `json:"options"`
}

type contentTypeBody struct {
	ContentType *schemaBody `json:"content_type"`
}

// applySchemaBody copies what b sets into a content type's or global
// field's uid, title, description and schema. On update the uid cannot
// change.
func applySchemaBody(b *schemaBody, key string, create bool, uid, title, description *string, schema *[]domain.Field) error {
	if b == nil {
		return domain.ErrInvalid(key, "is required.")
	}
	if b.UID != nil && !create && *b.UID != *uid {
		return domain.ErrInvalid("uid", "cannot be changed.")
	}
	if create {
		setIf(uid, b.UID)
	}
	setIf(title, b.Title)
	setIf(description, b.Description)
	if b.Schema != nil || create {
		fields, err := domain.ParseSchema(b.Schema)
		if err != nil {
			return err
		}
		*schema = fields
	}
	return nil
}

func applyContentType(ct *domain.ContentType, b contentTypeBody, create bool) error {
	if err := applySchemaBody(b.ContentType, "content_type", create, &ct.UID, &ct.Title, &ct.Description, &ct.Schema); err != nil {
		return err
	}
	if b.ContentType.Options != nil {
		ct.Options = b.ContentType.Options
	}
	return domain.ValidateContentType(ct)
}

// contentTypeJSON shows a content type; gfs, when given, expands its
// global fields (include_global_field_schema=true).
func contentTypeJSON(ct domain.ContentType, gfs map[string][]domain.Field) map[string]any {
	schema := ct.Schema
	if gfs != nil {
		schema = domain.Expand(schema, gfs)
	}
	options := ct.Options
	if len(options) == 0 || string(options) == "null" {
		options = json.RawMessage("{}")
	}
	return map[string]any{
		"uid": ct.UID, "title": ct.Title, "description": ct.Description, "schema": schema, "options": options,
		"_version": ct.Version, "created_by": ct.CreatedBy, "updated_by": ct.UpdatedBy,
		"created_at": isoTime(ct.CreatedAt), "updated_at": isoTime(ct.UpdatedAt),
		"inbuilt_class": false, "maintain_revisions": true, "last_activity": map[string]any{},
	}
}

// globalSchemas loads the stack's global fields when the request asks for
// include_global_field_schema; nil otherwise.
func (a *API) globalSchemas(r *http.Request, apiKey string) (map[string][]domain.Field, error) {
	if !boolParam(r, "include_global_field_schema") {
		return nil, nil
	}
	return a.Store.GlobalFieldSchemas(r.Context(), apiKey)
}

// createContentType is POST /v3/content_types.
func (a *API) createContentType(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body contentTypeBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	ct := domain.ContentType{APIKey: rc.stack.APIKey, Version: 1, Options: json.RawMessage("{}"),
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := applyContentType(&ct, body, true); err != nil {
		return err
	}
	if err := a.Store.CreateContentType(r.Context(), ct, a.audit(r, rc, domain.ModContentType, "create", ct.UID, ct.Title)); err != nil {
		return err
	}
	setETag(w, ct.Version)
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Content Type created successfully.", "content_type": contentTypeJSON(ct, nil)})
	return nil
}

// listContentTypes is GET /v3/content_types.
func (a *API) listContentTypes(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.writeContentTypes(w, r, rc.stack.APIKey)
}

// writeContentTypes answers a content type list of a stack; the CMA and
// the CDA list them alike.
func (a *API) writeContentTypes(w http.ResponseWriter, r *http.Request, apiKey string) error {
	f, err := listFilter(r, apiKey)
	if err != nil {
		return err
	}
	gfs, err := a.globalSchemas(r, apiKey)
	if err != nil {
		return err
	}
	cts, total, err := a.Store.ContentTypes(r.Context(), f)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(cts))
	for _, ct := range cts {
		items = append(items, contentTypeJSON(ct, gfs))
	}
	writeList(w, "content_types", items, total, f)
	return nil
}

// getContentType is GET /v3/content_types/{content_type_uid}, with the
// content type's ETag.
func (a *API) getContentType(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.writeContentType(w, r, rc.stack.APIKey, true)
}

// writeContentType answers one content type of a stack (CMA and CDA);
// etag sets the CMA's version ETag.
func (a *API) writeContentType(w http.ResponseWriter, r *http.Request, apiKey string, etag bool) error {
	gfs, err := a.globalSchemas(r, apiKey)
	if err != nil {
		return err
	}
	ct, err := a.Store.ContentType(r.Context(), apiKey, r.PathValue("content_type_uid"))
	if err != nil {
		return err
	}
	if etag {
		setETag(w, ct.Version)
	}
	writeJSON(w, http.StatusOK, map[string]any{"content_type": contentTypeJSON(ct, gfs)})
	return nil
}

// updateContentType is PUT /v3/content_types/{content_type_uid}.
func (a *API) updateContentType(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	var body contentTypeBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("content_type_uid")
	ct, err := a.Store.UpdateContentType(r.Context(), rc.stack.APIKey, uid, func(ct *domain.ContentType) error {
		if err := im.Check("content type", ct.Version); err != nil { // on the locked row
			return err
		}
		ct.UpdatedBy, ct.UpdatedAt = actorUID(rc), a.Now()
		return applyContentType(ct, body, false)
	}, a.audit(r, rc, domain.ModContentType, "update", uid, ""))
	if err != nil {
		return err
	}
	setETag(w, ct.Version)
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Content Type updated successfully.", "content_type": contentTypeJSON(ct, nil)})
	return nil
}

// deleteContentType is DELETE /v3/content_types/{content_type_uid}; with
// entries it needs force=true.
func (a *API) deleteContentType(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	uid := r.PathValue("content_type_uid")
	err = a.Store.DeleteContentType(r.Context(), rc.stack.APIKey, uid, boolParam(r, "force"), im,
		a.audit(r, rc, domain.ModContentType, "delete", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Content Type deleted successfully."))
	return nil
}
