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
		{"/v3/content_types", a.cdaContentTypes},
		{"/v3/content_types/{content_type_uid}", a.cdaContentType},
		{"/v3/content_types/{content_type_uid}/entries", a.cdaEntries},
		{"/v3/content_types/{content_type_uid}/entries/{entry_uid}", a.cdaEntry},
		{"/v3/assets", a.cdaAssets},
		{"/v3/assets/{asset_uid}", a.cdaAsset},
	}
}

// cdaContentTypes is the CDA's GET /v3/content_types: every content type
// of the stack, with the CMA's query, paging and count parameters.
func (a *API) cdaContentTypes(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	return a.writeContentTypes(w, r, cc.stack.APIKey)
}

// cdaContentType is the CDA's GET /v3/content_types/{content_type_uid}.
func (a *API) cdaContentType(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	return a.writeContentType(w, r, cc.stack.APIKey)
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
// their published versions; the query runs against that content.
func (a *API) cdaEntries(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	lf, f, err := deliveryFilter(r, cc)
	if err != nil {
		return err
	}
	f.ContentType = r.PathValue("content_type_uid")
	entries, total, err := a.Store.DeliveryEntries(r.Context(), f)
	if err != nil {
		return err
	}
	proj := input.ParseProjection(r.URL.Query())
	items := make([]map[string]any, 0, len(entries))
	for _, pe := range entries {
		items = append(items, proj.Apply(cdaEntryJSON(pe)))
	}
	writeList(w, "entries", items, total, lf)
	return nil
}

// cdaEntry is the CDA's GET …/entries/{entry_uid}; an entry not published
// there is a 422 (141).
func (a *API) cdaEntry(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	_, f, err := deliveryFilter(r, cc)
	if err != nil {
		return err
	}
	f.ContentType, f.UID = r.PathValue("content_type_uid"), r.PathValue("entry_uid")
	pe, err := a.Store.DeliveryEntry(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"entry": input.ParseProjection(r.URL.Query()).Apply(cdaEntryJSON(pe))})
	return nil
}

func (a *API) cdaAssetJSON(r *http.Request, pa domain.PublishedAsset) map[string]any {
	out := a.assetJSON(r, pa.Asset)
	out["publish_details"] = deliveryDetails(pa.Pub)
	return out
}

// cdaAssets is the CDA's GET /v3/assets: the assets published to the
// token's environment in the locale, at their published versions.
func (a *API) cdaAssets(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	lf, f, err := deliveryFilter(r, cc)
	if err != nil {
		return err
	}
	assets, total, err := a.Store.DeliveryAssets(r.Context(), f)
	if err != nil {
		return err
	}
	proj := input.ParseProjection(r.URL.Query())
	items := make([]map[string]any, 0, len(assets))
	for _, pa := range assets {
		items = append(items, proj.Apply(a.cdaAssetJSON(r, pa)))
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
	f.UID = r.PathValue("asset_uid")
	pa, err := a.Store.DeliveryAsset(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"asset": input.ParseProjection(r.URL.Query()).Apply(a.cdaAssetJSON(r, pa))})
	return nil
}
