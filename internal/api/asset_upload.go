package api

import (
	"context"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
)

func (a *API) maxUpload() int64 {
	if a.MaxUpload > 0 {
		return a.MaxUpload
	}
	return DefaultMaxUpload
}

// uploadForm is an upload read by input.ReadUpload, with its image's size
// read from the file's header (0 when not an image); kept marks a file
// that belongs to a saved version now.
type uploadForm struct {
	*input.Upload
	width, height int
	kept          bool
}

// apply sets an asset's file, size and metadata from the form.
func (f *uploadForm) apply(as *domain.Asset) error {
	if err := f.Apply(as); err != nil {
		return err
	}
	as.Width, as.Height = f.width, f.height
	return nil
}

// readUpload reads a multipart upload for asset uid: the file streams
// into the file store, the text fields into memory. On error nothing stays
// in the file store. The caller must call discard once done, which
// removes the file unless kept was set.
func (a *API) readUpload(w http.ResponseWriter, r *http.Request, apiKey, uid string) (*uploadForm, error) {
	up, err := input.ReadUpload(w, r, a.Files, apiKey+"/"+uid+"/", a.maxUpload())
	form := &uploadForm{Upload: up}
	if err != nil {
		a.discard(r, form)
		return nil, err
	}
	if form.File != nil {
		form.width, form.height = a.imageSize(r.Context(), form.File.Key, form.File.ContentType)
	}
	return form, nil
}

// discard removes the form's file from the file store unless it was kept.
func (a *API) discard(r *http.Request, form *uploadForm) {
	if form == nil || form.File == nil || form.kept {
		return
	}
	ctx := context.WithoutCancel(r.Context())
	if err := a.Files.Delete(ctx, form.File.Key); err != nil {
		a.Log.WarnContext(ctx, "could not remove the file of a failed upload", "key", form.File.Key, "err", err)
	}
}

// uploadAsset is POST /v3/assets: the file is stored first, then the row;
// when the row cannot be written the file is removed again.
func (a *API) uploadAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := domain.NewUID()
	form, err := a.readUpload(w, r, rc.stack.APIKey, uid)
	if err != nil {
		return err
	}
	defer a.discard(r, form)
	if form.File == nil {
		return input.ErrNoUpload()
	}
	now := a.Now()
	as := domain.Asset{UID: uid, APIKey: rc.stack.APIKey, Version: 1,
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	if err := form.apply(&as); err != nil {
		return err
	}
	if err := a.Store.CreateAsset(r.Context(), as, a.audit(r, rc, domain.ModAsset, "create", uid, as.Title)); err != nil {
		return err
	}
	form.kept = true
	setETag(w, as.Version)
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Asset created successfully.", "asset": a.assetJSON(r, as)})
	return nil
}

// replaceAsset is PUT /v3/assets/{asset_uid} with a multipart body: a new
// version with a new file (and any metadata fields sent with it). The
// earlier versions keep their files.
func (a *API) replaceAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx, im domain.IfMatch) error {
	uid := r.PathValue("asset_uid")
	cur, err := a.Store.Asset(r.Context(), rc.stack.APIKey, uid)
	if err != nil {
		return err // before reading a possibly large body
	}
	if err := im.Check("asset", cur.Version); err != nil {
		return err // early; the check that counts is made again under lock
	}
	form, err := a.readUpload(w, r, rc.stack.APIKey, uid)
	if err != nil {
		return err
	}
	defer a.discard(r, form)
	if form.File == nil {
		return input.ErrNoUpload()
	}
	as, err := a.Store.UpdateAsset(r.Context(), rc.stack.APIKey, uid, func(as *domain.Asset) error {
		if err := im.Check("asset", as.Version); err != nil {
			return err
		}
		as.UpdatedBy, as.UpdatedAt = actorUID(rc), a.Now()
		return form.apply(as)
	}, a.audit(r, rc, domain.ModAsset, "update", uid, ""))
	if err != nil {
		return err
	}
	form.kept = true
	setETag(w, as.Version)
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Asset updated successfully.", "asset": a.assetJSON(r, as)})
	return nil
}
