package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// addPublishDetails sets publish_details on each entry: where it is
// published in the locale it is shown in, one object per environment
// ({"environment": uid, "locale", "time", "user", "version"}); [] when
// nowhere.
func (a *API) addPublishDetails(r *http.Request, rc *reqCtx, items []map[string]any) error {
	uids := make([]string, 0, len(items))
	for _, it := range items {
		if uid, ok := it["uid"].(string); ok {
			uids = append(uids, uid)
		}
	}
	pubs, err := a.Store.EntryPublications(r.Context(), rc.stack.APIKey, uids)
	if err != nil {
		return err
	}
	byEntry := map[string][]any{}
	for _, p := range pubs {
		k := p.UID + "\x00" + p.Locale
		byEntry[k] = append(byEntry[k], publishDetailJSON(p))
	}
	for _, it := range items {
		uid, _ := it["uid"].(string)
		locale, _ := it["locale"].(string)
		d := byEntry[uid+"\x00"+locale]
		if d == nil {
			d = []any{}
		}
		it["publish_details"] = d
	}
	return nil
}

// publishDetailJSON shows one publication.
func publishDetailJSON(p domain.Publication) map[string]any {
	return map[string]any{"environment": p.Environment, "locale": p.Locale, "time": isoTime(p.PublishedAt),
		"user": p.PublishedBy, "version": p.Version}
}
