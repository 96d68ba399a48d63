package api

import (
	"encoding/json"
	"mime"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// extensionJSON is an extension as Contentstack shows it: the options of
// other extension types are left out.
func extensionJSON(x domain.Extension) map[string]any {
	config := x.Config
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	out := map[string]any{
		"uid": x.UID, "title": x.Title, "type": x.Type, "config": config, "tags": nonNil(x.Tags),
		"ACL": map[string]any{}, "_version": x.Version, "created_by": x.CreatedBy, "updated_by": x.UpdatedBy,
		"created_at": isoTime(x.CreatedAt), "updated_at": isoTime(x.UpdatedAt),
	}
	for key, v := range map[string]string{"data_type": x.DataType, "src": x.Src, "srcdoc": x.Srcdoc, "default_width": x.DefaultWidth} {
		if v != "" {
			out[key] = v
		}
	}
	for key, v := range map[string]*bool{"multiple": x.Multiple, "enable": x.Enable, "blur": x.Blur} {
		if v != nil {
			out[key] = *v
		}
	}
	if x.Width != nil {
		out["width"] = *x.Width
	}
	if x.Scope != nil {
		out["scope"] = x.Scope
	}
	return out
}

// extensionFields are the fields a client may set. Fields left out keep
// their value on update; the SDK sends the whole extension back, system
// fields included, and those are ignored.
type extensionFields struct {
	Title        *string         `json:"title"`
	Type         *string         `json:"type"`
	DataType     *string         `json:"data_type"`
	Src          *string         `json:"src"`
	Srcdoc       *string         `json:"srcdoc"`
	Multiple     *bool           `json:"multiple"`
	Config       json.RawMessage `json:"config"`
	Tags         json.RawMessage `json:"tags"`
	Scope        json.RawMessage `json:"scope"`
	Enable       *bool           `json:"enable"`
	DefaultWidth *string         `json:"default_width"`
	Width        *int            `json:"width"`
	Blur         *bool           `json:"blur"`
}

type extensionBody struct {
	Extension *extensionFields `json:"extension"`
}

func applyExtension(x *domain.Extension, f *extensionFields) error {
	if f == nil {
		return domain.ErrInvalid("extension", "is required.")
	}
	for _, s := range []struct{ dst, v *string }{{&x.Title, f.Title}, {&x.Type, f.Type}, {&x.DataType, f.DataType},
		{&x.Src, f.Src}, {&x.Srcdoc, f.Srcdoc}, {&x.DefaultWidth, f.DefaultWidth}} {
		setIf(s.dst, s.v)
	}
	for _, b := range []struct{ dst, v **bool }{{&x.Multiple, &f.Multiple}, {&x.Enable, &f.Enable}, {&x.Blur, &f.Blur}} {
		if *b.v != nil {
			*b.dst = *b.v
		}
	}
	if f.Width != nil {
		x.Width = f.Width
	}
	if f.Config != nil {
		cfg, err := domain.ParseExtensionConfig(f.Config)
		if err != nil {
			return err
		}
		x.Config = cfg
	}
	if f.Tags != nil {
		tags, err := domain.ParseStringList("tags", f.Tags)
		if err != nil {
			return err
		}
		x.Tags = tags
	}
	if f.Scope != nil && string(f.Scope) != "null" {
		x.Scope = f.Scope
	}
	if x.Type == "widget" && x.Scope == nil {
		x.Scope = json.RawMessage(`{"content_types":["$all"]}`)
	}
	return domain.ValidateExtension(x)
}

func (a *API) newExtension(rc *reqCtx) domain.Extension {
	now := a.Now()
	return domain.Extension{UID: domain.NewUID(), APIKey: rc.stack.APIKey, Config: json.RawMessage("{}"), Tags: []string{}, Version: 1,
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
}

// createExtension is POST /v3/extensions, with a JSON body or, as the SDK's
// extension().upload() sends it, a multipart form whose extension[upload]
// file becomes the extension's srcdoc.
func (a *API) createExtension(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var f *extensionFields
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		var err error
		// Extension files are small: the general body limit applies, not
		// the asset upload limit the middleware leaves multipart bodies to.
		r.Body = http.MaxBytesReader(w, r.Body, a.BodyLimit)
		if f, err = readExtensionUpload(r); err != nil {
			return err
		}
	} else {
		var body extensionBody
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
		f = body.Extension
	}
	x := a.newExtension(rc)
	if err := applyExtension(&x, f); err != nil {
		return err
	}
	if err := a.Store.CreateExtension(r.Context(), x, a.audit(r, rc, domain.ModExtension, "create", x.UID, x.Title)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Extension created successfully.", "extension": extensionJSON(x)})
	return nil
}

// listExtensions is GET /v3/extensions; the CLI and SDK filter it with
// query={"type":"field"} (or title).
func (a *API) listExtensions(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	q, err := parseExtrasQuery(r)
	if err != nil {
		return err
	}
	exts, err := a.Store.Extensions(r.Context(), rc.stack.APIKey)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(exts))
	for _, x := range exts {
		items = append(items, extensionJSON(x))
	}
	writeJSON(w, http.StatusOK, listBody("extensions", q.filter(items), p))
	return nil
}

// getExtension is GET /v3/extensions/{extension_uid}.
func (a *API) getExtension(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	x, err := a.Store.Extension(r.Context(), rc.stack.APIKey, r.PathValue("extension_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"extension": extensionJSON(x)})
	return nil
}

// updateExtension is PUT /v3/extensions/{extension_uid}.
func (a *API) updateExtension(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body extensionBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	uid := r.PathValue("extension_uid")
	x, err := a.Store.UpdateExtension(r.Context(), rc.stack.APIKey, uid, func(x *domain.Extension) error {
		x.UpdatedBy, x.UpdatedAt = actorUID(rc), a.Now()
		return applyExtension(x, body.Extension)
	}, a.audit(r, rc, domain.ModExtension, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Extension updated successfully.", "extension": extensionJSON(x)})
	return nil
}

// deleteExtension is DELETE /v3/extensions/{extension_uid}.
func (a *API) deleteExtension(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("extension_uid")
	if err := a.Store.DeleteExtension(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModExtension, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Extension deleted successfully."))
	return nil
}
