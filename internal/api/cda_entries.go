package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// cdaEntryRead reads what a CDA entry list or read takes: the delivery
// filter of the path's content type, with its locale chain looked up once
// for every read of the request, and the entry options (include[],
// projections, flags).
func (a *API) cdaEntryRead(r *http.Request, cc *cdaCtx) (store.ListFilter, store.DeliveryFilter, entryOptions, error) {
	lf, f, err := deliveryFilter(r, cc)
	if err != nil {
		return lf, f, entryOptions{}, err
	}
	opts, err := readEntryOptions(r)
	if err != nil {
		return lf, f, opts, err
	}
	f.ContentType = r.PathValue("content_type_uid")
	f.Chain, err = a.Store.DeliveryChain(r.Context(), f)
	return lf, f, opts, err
}

// showDelivered shows entries as the CDA does: include[] references
// replaced by the entries they point to as published in f's environment
// and locale (references to entries not published there left out), file
// fields as the asset objects published there (others left out), then
// only/except. It costs a bounded number of queries whatever the number
// of entries and references (store.ResolveIncludes, plus one for the
// assets).
func (a *API) showDelivered(r *http.Request, f store.DeliveryFilter, opts entryOptions, entries []domain.PublishedEntry) ([]map[string]any, error) {
	roots := make([]domain.Entry, len(entries))
	for i, pe := range entries {
		roots[i] = pe.Entry
	}
	included, err := a.Store.ResolveIncludes(r.Context(), f, roots, opts.inc)
	if err != nil {
		return nil, err
	}
	published, err := a.Store.DeliveryAssetsByUID(r.Context(), f, fileUIDs(included.Fields, roots, includedEntries(included)))
	if err != nil {
		return nil, err
	}
	assets := make(map[string]map[string]any, len(published))
	for uid, pa := range published {
		assets[uid] = a.cdaAssetJSON(r, pa, opts)
	}
	v := &entryView{opts: opts, included: included, assets: assets, show: cdaEntryJSON}
	base := opts.proj.At(input.BaseProjection)
	items := make([]map[string]any, 0, len(entries))
	for _, pe := range entries {
		m, err := v.entry(pe, opts.inc, "", 0)
		if err != nil {
			return nil, err
		}
		items = append(items, base.Apply(m))
	}
	return items, nil
}

// addContentType adds the content type of ctUID to body when the request
// asks for it (include_content_type=true), its global fields expanded
// with include_global_field_schema=true.
func (a *API) addContentType(r *http.Request, apiKey, ctUID string, body map[string]any) error {
	if !boolParam(r, "include_content_type") {
		return nil
	}
	gfs, err := a.globalSchemas(r, apiKey)
	if err != nil {
		return err
	}
	ct, err := a.Store.ContentType(r.Context(), apiKey, ctUID)
	if err != nil {
		return err
	}
	body["content_type"] = contentTypeJSON(ct, gfs)
	return nil
}
