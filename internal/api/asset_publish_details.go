package api

import "net/http"

// addAssetPublishDetails sets publish_details on each asset (and folder)
// of items when the request asks include_publish_details=true: where the
// asset is published, one object per environment and locale
// ({"environment": uid, "locale", "time", "user", "version"}); [] when
// nowhere, and always for folders. The csdx export asks for them and its
// import audit needs the list on every asset.
func (a *API) addAssetPublishDetails(r *http.Request, rc *reqCtx, items ...map[string]any) error {
	if !boolParam(r, "include_publish_details") {
		return nil
	}
	uids := make([]string, 0, len(items))
	for _, it := range items {
		if uid, ok := it["uid"].(string); ok {
			uids = append(uids, uid)
		}
	}
	pubs, err := a.Store.AssetPublications(r.Context(), rc.stack.APIKey, uids)
	if err != nil {
		return err
	}
	byAsset := map[string][]any{}
	for _, p := range pubs {
		byAsset[p.UID] = append(byAsset[p.UID], publishDetailJSON(p))
	}
	for _, it := range items {
		uid, _ := it["uid"].(string)
		d := byAsset[uid]
		if d == nil {
			d = []any{}
		}
		it["publish_details"] = d
	}
	return nil
}
