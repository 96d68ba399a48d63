package api

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// rootFolder is the folder parameter Contentstack uses for the top level.
const rootFolder = input.RootFolder

func parentJSON(uid string) any {
	if uid == "" {
		return nil
	}
	return uid
}

// assetJSON is a file asset as the CMA shows it (spec §6.4), with its
// dimension when include_dimension=true.
func (a *API) assetJSON(r *http.Request, as domain.Asset) map[string]any {
	return withDimension(r, map[string]any{
		"uid": as.UID, "title": as.Title, "description": as.Description, "filename": as.Filename,
		"content_type": as.ContentType, "file_size": strconv.FormatInt(as.FileSize, 10), "tags": nonNil(as.Tags),
		"url": a.assetURL(r, as), "is_dir": false, "parent_uid": parentJSON(as.ParentUID), "_version": as.Version,
		"ACL": map[string]any{}, "created_by": as.CreatedBy, "updated_by": as.UpdatedBy,
		"created_at": isoTime(as.CreatedAt), "updated_at": isoTime(as.UpdatedAt),
	}, as)
}

// folderJSON is an asset folder as the CMA shows it.
func folderJSON(f domain.Asset) map[string]any {
	return map[string]any{
		"uid": f.UID, "name": f.Name, "is_dir": true, "content_type": domain.FolderContentType,
		"parent_uid": parentJSON(f.ParentUID), "tags": []string{}, "ACL": map[string]any{}, "_version": f.Version,
		"created_by": f.CreatedBy, "updated_by": f.UpdatedBy, "created_at": isoTime(f.CreatedAt), "updated_at": isoTime(f.UpdatedAt),
	}
}

func (a *API) itemJSON(r *http.Request, as domain.Asset) map[string]any {
	if as.IsDir {
		return folderJSON(as)
	}
	return a.assetJSON(r, as)
}

// listAssets is GET /v3/assets: every file asset of the stack, or the
// direct contents of one folder (folder=<uid>, or cs_root for the top
// level); include_folders=true adds folders.
func (a *API) listAssets(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	q, p, err := a.assetQuery(r, rc.stack.APIKey)
	if err != nil {
		return err
	}
	items, total, err := a.Store.Assets(r.Context(), q)
	if err != nil {
		return err
	}
	if p.CountOnly {
		writeJSON(w, http.StatusOK, map[string]any{"assets": total})
		return nil
	}
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		out = append(out, a.itemJSON(r, it))
	}
	if err := a.addAssetPublishDetails(r, rc, out...); err != nil {
		return err
	}
	body := map[string]any{"assets": out}
	if p.IncludeCount {
		body["count"] = total
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// assetQuery reads the parameters of an asset list.
func (a *API) assetQuery(r *http.Request, apiKey string) (store.AssetQuery, listParams, error) {
	p, err := parseList(r)
	if err != nil {
		return store.AssetQuery{}, p, err
	}
	qs := r.URL.Query()
	q := store.AssetQuery{APIKey: apiKey, IncludeFolders: qs.Get("include_folders") == "true",
		Skip: p.Skip, Limit: p.Limit, CountOnly: p.CountOnly}
	if q.Sort, q.Desc, err = assetSort(r); err != nil {
		return q, p, err
	}
	if q.Conds, err = parseAssetQuery(qs.Get("query")); err != nil {
		return q, p, err
	}
	// A query on is_dir says by itself whether folders are wanted: csdx
	// asks for folders with query={"is_dir":true} and no include_folders.
	if slices.ContainsFunc(q.Conds, func(c store.AssetCond) bool { return c.Field == "is_dir" }) {
		q.IncludeFolders = true
	}
	switch folder := qs.Get("folder"); folder {
	case "":
	case rootFolder:
		q.Parent = new(string)
	default:
		if _, err := a.Store.Folder(r.Context(), apiKey, folder); err != nil {
			if domain.IsKind(err, domain.KindInvalid) {
				return q, p, domain.ErrNotFound("folder", "folder")
			}
			return q, p, err
		}
		q.Parent = &folder
	}
	return q, p, nil
}

// getAsset is GET /v3/assets/{asset_uid}, optionally ?version=N.
func (a *API) getAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := a.assetOrVersion(r, rc.stack.APIKey)
	if err != nil {
		return err
	}
	item := a.assetJSON(r, as)
	if err := a.addAssetPublishDetails(r, rc, item); err != nil {
		return err
	}
	setETag(w, as.Version)
	writeJSON(w, http.StatusOK, map[string]any{"asset": item})
	return nil
}

// assetOrVersion finds the asset of the path, in the version the query
// names (the current one when none).
func (a *API) assetOrVersion(r *http.Request, apiKey string) (domain.Asset, error) {
	uid := r.PathValue("asset_uid")
	v := r.URL.Query().Get("version")
	if v == "" {
		return a.Store.Asset(r.Context(), apiKey, uid)
	}
	n, err := domain.ParseVersion("version", v)
	if err != nil {
		return domain.Asset{}, err
	}
	return a.Store.AssetVersion(r.Context(), apiKey, uid, n)
}

// assetBody is the JSON body of a metadata update. Absent keys leave their
// field as it is.
type assetBody struct {
	Asset *struct {
		Title       *string         `json:"title"`
		Description *string         `json:"description"`
		Tags        json.RawMessage `json:"tags"`
		ParentUID   json.RawMessage `json:"parent_uid"`
	} `json:"asset"`
}

// updateAsset is PUT /v3/assets/{asset_uid}: a JSON body changes the
// metadata, a multipart body replaces the file (replaceAsset). Both make
// a new version.
func (a *API) updateAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	if input.IsMultipart(r) {
		return a.replaceAsset(w, r, rc, im)
	}
	var body assetBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Asset == nil {
		return domain.ErrInvalid("asset", "is required.")
	}
	b := body.Asset
	uid := r.PathValue("asset_uid")
	as, err := a.Store.UpdateAsset(r.Context(), rc.stack.APIKey, uid, func(as *domain.Asset) error {
		if err := im.Check("asset", as.Version); err != nil { // on the locked row
			return err
		}
		setIf(&as.Title, b.Title)
		setIf(&as.Description, b.Description)
		if err := setTags(as, b.Tags); err != nil {
			return err
		}
		if err := setParent(&as.ParentUID, b.ParentUID); err != nil {
			return err
		}
		as.UpdatedBy, as.UpdatedAt = actorUID(rc), a.Now()
		return domain.ValidateAsset(as)
	}, a.audit(r, rc, domain.ModAsset, "update", uid, ""))
	if err != nil {
		return err
	}
	setETag(w, as.Version)
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Asset updated successfully.", "asset": a.assetJSON(r, as)})
	return nil
}

// setTags reads tags given as an array of strings or as one
// comma-separated string; null clears them.
func setTags(as *domain.Asset, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		as.Tags = list
		return nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return domain.ErrInvalid("tags", "must be an array of strings or a comma-separated string.")
	}
	as.Tags = domain.SplitTags(s)
	return nil
}

// setParent reads a parent_uid: a folder uid, or null, "" or cs_root for
// the top level. Absent leaves dst as it is.
func setParent(dst *string, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var p *string
	if err := json.Unmarshal(raw, &p); err != nil {
		return domain.ErrInvalid("parent_uid", "must be a folder uid or null.")
	}
	*dst = ""
	if p != nil && *p != rootFolder {
		*dst = strings.TrimSpace(*p)
	}
	return nil
}

// deleteAsset is DELETE /v3/assets/{asset_uid}: the rows go first, then
// the files of every version. A file that cannot be removed is logged and
// left behind; the asset is gone either way.
func (a *API) deleteAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	uid := r.PathValue("asset_uid")
	keys, err := a.Store.DeleteAsset(r.Context(), rc.stack.APIKey, uid, im, a.audit(r, rc, domain.ModAsset, "delete", uid, ""))
	if err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	for _, k := range keys {
		if err := a.Files.Delete(ctx, k); err != nil {
			a.Log.WarnContext(ctx, "could not remove the file of a deleted asset", "asset_uid", uid, "err", err)
		}
	}
	writeJSON(w, http.StatusOK, notice("Asset deleted successfully."))
	return nil
}

// assetVersions is GET /v3/assets/{asset_uid}/versions, newest first.
func (a *API) assetVersions(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	vs, total, err := a.Store.AssetVersions(r.Context(), rc.stack.APIKey, r.PathValue("asset_uid"), p.Skip, p.Limit)
	if err != nil {
		return err
	}
	if p.CountOnly {
		writeJSON(w, http.StatusOK, map[string]any{"versions": total})
		return nil
	}
	out := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		out = append(out, map[string]any{"_version": v.Version, "updated_by": v.UpdatedBy, "updated_at": isoTime(v.UpdatedAt)})
	}
	body := map[string]any{"versions": out}
	if p.IncludeCount {
		body["count"] = total
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
