package api

import (
	"encoding/json"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// folderBody is the body of folder creation and update.
type folderBody struct {
	Asset *struct {
		Name      *string         `json:"name"`
		ParentUID json.RawMessage `json:"parent_uid"`
	} `json:"asset"`
}

func decodeFolder(r *http.Request) (folderBody, error) {
	var b folderBody
	if err := decodeJSON(r, &b); err != nil {
		return b, err
	}
	if b.Asset == nil {
		return b, domain.ErrInvalid("asset", "is required.")
	}
	return b, nil
}

// createFolder is POST /v3/assets/folders.
func (a *API) createFolder(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	b, err := decodeFolder(r)
	if err != nil {
		return err
	}
	now := a.Now()
	f := domain.Asset{UID: domain.NewUID(), APIKey: rc.stack.APIKey, IsDir: true, ContentType: domain.FolderContentType, Version: 1,
		CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
	setIf(&f.Name, b.Asset.Name)
	if err := setParent(&f.ParentUID, b.Asset.ParentUID); err != nil {
		return err
	}
	if err := domain.ValidateFolder(&f); err != nil {
		return err
	}
	if err := a.Store.CreateFolder(r.Context(), f, a.audit(r, rc, domain.ModAsset, "create", f.UID, f.Name)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Folder created successfully.", "asset": folderJSON(f)})
	return nil
}

// getFolder is GET /v3/assets/folders/{folder_uid}.
func (a *API) getFolder(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f, err := a.Store.Folder(r.Context(), rc.stack.APIKey, r.PathValue("folder_uid"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"asset": folderJSON(f)})
	return nil
}

// updateFolder is PUT /v3/assets/folders/{folder_uid}: rename, and move
// when parent_uid is sent.
func (a *API) updateFolder(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	b, err := decodeFolder(r)
	if err != nil {
		return err
	}
	uid := r.PathValue("folder_uid")
	f, err := a.Store.UpdateFolder(r.Context(), rc.stack.APIKey, uid, func(f *domain.Asset) error {
		setIf(&f.Name, b.Asset.Name)
		if err := setParent(&f.ParentUID, b.Asset.ParentUID); err != nil {
			return err
		}
		f.UpdatedBy, f.UpdatedAt = actorUID(rc), a.Now()
		return domain.ValidateFolder(f)
	}, a.audit(r, rc, domain.ModAsset, "update", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Folder updated successfully.", "asset": folderJSON(f)})
	return nil
}

// deleteFolder is DELETE /v3/assets/folders/{folder_uid}: only an empty
// folder can be deleted (422 otherwise).
func (a *API) deleteFolder(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("folder_uid")
	if err := a.Store.DeleteFolder(r.Context(), rc.stack.APIKey, uid, a.audit(r, rc, domain.ModAsset, "delete", uid, "")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Folder deleted successfully."))
	return nil
}
