package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// cdaContentRoutes declares the Content Delivery API's content routes.
// Entries and assets are what the delivery token's environment serves:
// published there, in the locale asked for, at the published version.
// Content types are all the stack's, as Contentstack shows them.
func (a *API) cdaContentRoutes() []cdaRoute {
	return []cdaRoute{
		cdaGet("/v3/content_types", domain.CredDelivery, a.cdaContentTypes),
		cdaGet("/v3/content_types/{content_type_uid}", domain.CredDelivery, a.cdaContentType),
		cdaGet("/v3/content_types/{content_type_uid}/entries", domain.CredDelivery, a.cdaEntries),
		cdaGet("/v3/content_types/{content_type_uid}/entries/{entry_uid}", domain.CredDelivery, a.cdaEntry),
		cdaGet("/v3/assets", domain.CredDelivery, a.cdaAssets),
		cdaGet("/v3/assets/{asset_uid}", domain.CredDelivery, a.cdaAsset),
		cdaGet("/v3/stacks/sync", domain.CredDelivery, a.cdaSync),
	}
}

// cdaContentTypes is the CDA's GET /v3/content_types: every content type
// of the stack, with the CMA's query, paging and count parameters.
func (a *API) cdaContentTypes(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	return a.writeContentTypes(w, r, cc.stack.APIKey)
}

// cdaContentType is the CDA's GET /v3/content_types/{content_type_uid}.
func (a *API) cdaContentType(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	return a.writeContentType(w, r, cc.stack.APIKey, false)
}

// cdaGlobalFields is the CDA's GET /v3/global_fields (the delivery SDK's
// stack.globalField().find()): every global field of the stack, as the
// CMA lists them.
func (a *API) cdaGlobalFields(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	return a.writeGlobalFields(w, r, cc.stack.APIKey)
}

// cdaGlobalField is the CDA's GET /v3/global_fields/{global_field_uid}
// (stack.globalField(uid).fetch()).
func (a *API) cdaGlobalField(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	return a.writeGlobalField(w, r, cc.stack.APIKey)
}

// deliveryFilter reads what a CDA list or read takes: locale (the master
// when absent), include_fallback, query, asc/desc, skip, limit,
// include_count and count.
func deliveryFilter(r *http.Request, cc *cdaCtx) (store.ListFilter, store.DeliveryFilter, error) {
	lf, err := listFilter(r, cc.stack.APIKey)
	if err != nil {
		return lf, store.DeliveryFilter{}, err
	}
	locale := r.URL.Query().Get("locale")
	if locale == "" {
		locale = cc.stack.MasterLocale
	}
	return lf, store.DeliveryFilter{APIKey: cc.stack.APIKey, Environment: cc.env.UID, Locale: locale, Master: cc.stack.MasterLocale,
		Fallback: boolParam(r, "include_fallback"), Query: lf.Query, Asc: lf.Asc, Desc: lf.Desc, Skip: lf.Skip, Limit: lf.Limit,
		Count: lf.Count, CountOnly: lf.CountOnly}, nil
}

// deliveryDetails is an item's publish_details on the CDA: where this
// environment publishes it.
func deliveryDetails(p domain.Publication) map[string]any {
	return map[string]any{"environment": p.Environment, "locale": p.Locale, "time": isoTime(p.PublishedAt), "user": p.PublishedBy}
}

func cdaEntryJSON(pe domain.PublishedEntry) map[string]any {
	out := entryJSON(pe.Entry)
	out["publish_details"] = deliveryDetails(pe.Pub)
	return out
}

// cdaEntries is the CDA's GET /v3/content_types/{content_type_uid}/entries:
// the entries published to the token's environment in the locale, at
// their published versions; the query runs against that content. With
// include[], references are shown as the entries they point to as
// published there (cda_entries.go).
func (a *API) cdaEntries(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	lf, f, opts, err := a.cdaEntryRead(r, cc)
	if err != nil {
		return err
	}
	entries, total, err := a.Store.DeliveryEntries(r.Context(), f)
	if err != nil {
		return err
	}
	if lf.CountOnly {
		writeList(w, "entries", nil, total, lf)
		return nil
	}
	items, err := a.showDelivered(r, f, opts, entries)
	if err != nil {
		return err
	}
	body := map[string]any{"entries": items}
	if lf.Count {
		body["count"] = total
	}
	if err := a.addContentType(r, cc.stack.APIKey, f.ContentType, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// cdaEntry is the CDA's GET …/entries/{entry_uid}; an entry not published
// there is a 422 (141).
func (a *API) cdaEntry(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	_, f, opts, err := a.cdaEntryRead(r, cc)
	if err != nil {
		return err
	}
	f.UID = r.PathValue("entry_uid")
	pe, err := a.Store.DeliveryEntry(r.Context(), f)
	if err != nil {
		return err
	}
	items, err := a.showDelivered(r, f, opts, []domain.PublishedEntry{pe})
	if err != nil {
		return err
	}
	body := map[string]any{"entry": items[0]}
	if err := a.addContentType(r, cc.stack.APIKey, f.ContentType, body); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// cdaAssetJSON is an asset as the CDA shows it: the CMA's asset object
// (its url on the CDA's base URL), publish_details, and on request
// dimension (include_dimension) and _metadata (include_metadata).
func (a *API) cdaAssetJSON(r *http.Request, pa domain.PublishedAsset, opts entryOptions) map[string]any {
	out := a.assetJSON(r, pa.Asset)
	out["publish_details"] = deliveryDetails(pa.Pub)
	if opts.dimension {
		if d := assetDimension(pa.Asset); d != nil {
			out["dimension"] = d
		}
	}
	if opts.metadata {
		out["_metadata"] = map[string]any{}
	}
	return out
}

// assetDimension is an image's {"height", "width"} in pixels, nil for an
// asset that is not an image.
//
// assetDimension is an image's {height, width}, or nil for an asset whose
// size is not known (not an image, or uploaded before sizes were stored).
func assetDimension(as domain.Asset) map[string]any {
	if !as.HasDimension() {
		return nil
	}
	return map[string]any{"height": as.Height, "width": as.Width}
}

// cdaAssets is the CDA's GET /v3/assets: the assets published to the
// token's environment in the locale, at their published versions.
func (a *API) cdaAssets(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	lf, f, err := deliveryFilter(r, cc)
	if err != nil {
		return err
	}
	opts, err := readEntryOptions(r)
	if err != nil {
		return err
	}
	assets, total, err := a.Store.DeliveryAssets(r.Context(), f)
	if err != nil {
		return err
	}
	proj := opts.proj.At(input.BaseProjection)
	items := make([]map[string]any, 0, len(assets))
	for _, pa := range assets {
		items = append(items, proj.Apply(a.cdaAssetJSON(r, pa, opts)))
	}
	writeList(w, "assets", items, total, lf)
	return nil
}

// cdaAsset is the CDA's GET /v3/assets/{asset_uid}; an asset not
// published there is a 422.
func (a *API) cdaAsset(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	_, f, err := deliveryFilter(r, cc)
	if err != nil {
		return err
	}
	opts, err := readEntryOptions(r)
	if err != nil {
		return err
	}
	f.UID = r.PathValue("asset_uid")
	pa, err := a.Store.DeliveryAsset(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"asset": opts.proj.At(input.BaseProjection).Apply(a.cdaAssetJSON(r, pa, opts))})
	return nil
}
