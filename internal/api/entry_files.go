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

// includeCurrent shows, on CMA entry reads, the references that include[]
// names as the entries they point to, at their current versions in the
// request's locale (with include_fallback, its chain); references to
// entries that no longer exist or have no content there are left out.
// Included entries show their file fields as asset objects, as CMA reads
// do. items are entries' JSON in the order of entries.
func (a *API) includeCurrent(r *http.Request, rc *reqCtx, entries []domain.Entry, items []map[string]any) error {
	opts, err := readEntryOptions(r)
	if err != nil || len(opts.inc) == 0 {
		return err
	}
	f := store.DeliveryFilter{APIKey: rc.stack.APIKey, Locale: localeParam(r, rc), Master: rc.stack.MasterLocale,
		Fallback: boolParam(r, "include_fallback")}
	included, err := a.Store.ResolveIncludes(r.Context(), f, entries, opts.inc)
	if err != nil {
		return err
	}
	found, err := a.assetsByUID(r.Context(), rc.stack.APIKey, fileUIDs(included.Fields, includedEntries(included)))
	if err != nil {
		return err
	}
	assets := make(map[string]map[string]any, len(found))
	for uid, as := range found {
		assets[uid] = a.assetJSON(r, as)
	}
	v := &entryView{opts: opts, included: included, assets: assets, keepMissing: true,
		show: func(pe domain.PublishedEntry) map[string]any { return entryJSON(pe.Entry) }}
	for i, e := range entries {
		if err := v.expand(items[i], included.Fields[e.ContentType], opts.inc, "", 0); err != nil {
			return err
		}
	}
	return nil
}
