package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// addFileAssets shows the file fields of items (entries of the path's
// content type, as entryJSON shows them) as the asset objects they name,
// as Contentstack's CMA does; a uid whose asset is gone stays a uid. The
// csdx import finds the assets of an exported entry this way, and the
// SDK's entry update sends the objects back as uids.
func (a *API) addFileAssets(r *http.Request, rc *reqCtx, items []map[string]any) error {
	fields, err := a.entryFields(r.Context(), rc.stack.APIKey, r.PathValue("content_type_uid"))
	if err != nil {
		return err
	}
	var uids []string
	for _, it := range items {
		domain.MapFiles(fields, it, func(uid string) any {
			if !slices.Contains(uids, uid) {
				uids = append(uids, uid)
			}
			return uid
		})
	}
	assets, err := a.assetsByUID(r.Context(), rc.stack.APIKey, uids)
	if err != nil {
		return err
	}
	for _, it := range items {
		domain.MapFiles(fields, it, func(uid string) any {
			if as, ok := assets[uid]; ok {
				return a.assetJSON(r, as)
			}
			return uid
		})
	}
	return nil
}

// entryFields returns the schema of content type ctUID with its global
// fields expanded.
func (a *API) entryFields(ctx context.Context, apiKey, ctUID string) ([]domain.Field, error) {
	return a.Store.EntryFields(ctx, apiKey, ctUID)
}

// assetsByUID returns the file assets among uids that exist, by uid.
func (a *API) assetsByUID(ctx context.Context, apiKey string, uids []string) (map[string]domain.Asset, error) {
	out := map[string]domain.Asset{}
	for batch := range slices.Chunk(uids, maxQueryValues) {
		values := make([]any, len(batch))
		for i, u := range batch {
			values[i] = u
		}
		list, _, err := a.Store.Assets(ctx, store.AssetQuery{APIKey: apiKey, Limit: len(batch),
			Conds: []store.AssetCond{{Field: "uid", Op: "$in", Values: values}}})
		if err != nil {
			return nil, err
		}
		for _, as := range list {
			out[as.UID] = as
		}
	}
	return out, nil
}
