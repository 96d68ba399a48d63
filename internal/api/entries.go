package api

import (
	"encoding/json"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// entryJSON shows an entry: its fields and its system fields. Publishing
// details and workflow come from other parts of the API and are added to
// this map by them.
func entryJSON(e domain.Entry) map[string]any {
	out := make(map[string]any, len(e.Data)+14)
	for k, v := range e.Data {
		out[k] = v
	}
	tags := e.Tags
	if tags == nil {
		tags = []string{}
	}
	out["uid"], out["title"], out["locale"], out["_version"], out["tags"] = e.UID, e.Title, e.Locale, e.Version, tags
	out["created_by"], out["updated_by"] = e.CreatedBy, e.UpdatedBy
	out["created_at"], out["updated_at"] = isoTime(e.CreatedAt), isoTime(e.UpdatedAt)
	out["ACL"], out["_in_progress"] = map[string]any{}, false
	if e.VersionName != nil {
		out["_version_name"] = versionNameJSON(e.VersionName)
	}
	return out
}

func versionNameJSON(n *domain.VersionName) map[string]any {
	return map[string]any{"title": n.Title, "updated_by": n.UpdatedBy, "updated_at": isoTime(n.UpdatedAt)}
}

// entryBody reads {"entry": {...}} with exact numbers.
func entryBody(r *http.Request) (map[string]any, error) {
	var b struct {
		Entry json.RawMessage `json:"entry"`
	}
	if err := decodeJSON(r, &b); err != nil {
		return nil, err
	}
	return domain.DecodeEntryBody(b.Entry)
}

// entryWrite is the write a request asks for on entry uid.
func (a *API) entryWrite(r *http.Request, rc *reqCtx, uid string, doc map[string]any) store.EntryWrite {
	return store.EntryWrite{APIKey: rc.stack.APIKey, ContentType: r.PathValue("content_type_uid"), UID: uid,
		Locale: localeParam(r, rc), Master: rc.stack.MasterLocale, Body: doc, Actor: actorUID(rc), At: a.Now()}
}

// createEntry is POST /v3/content_types/{content_type_uid}/entries?locale=.
func (a *API) createEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	doc, err := entryBody(r)
	if err != nil {
		return err
	}
	uid := domain.NewUID()
	title, _ := doc["title"].(string)
	e, err := a.Store.CreateEntry(r.Context(), a.entryWrite(r, rc, uid, doc), a.audit(r, rc, domain.ModEntry, "create", uid, title))
	if err != nil {
		return err
	}
	setETag(w, e.Version)
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Entry created successfully.", "entry": entryJSON(e)})
	return nil
}

// listEntries is GET /v3/content_types/{content_type_uid}/entries: one page
// in a locale, filtered by query, sorted by asc/desc, projected by
// only/except; include_fallback=true fills in entries not localized.
func (a *API) listEntries(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f, err := listFilter(r, rc.stack.APIKey)
	if err != nil {
		return err
	}
	entries, total, err := a.Store.Entries(r.Context(), store.EntryFilter{APIKey: f.APIKey, ContentType: r.PathValue("content_type_uid"),
		Locale: localeParam(r, rc), Master: rc.stack.MasterLocale, Fallback: boolParam(r, "include_fallback"), Query: f.Query,
		Asc: f.Asc, Desc: f.Desc, Skip: f.Skip, Limit: f.Limit, Count: f.Count, CountOnly: f.CountOnly})
	if err != nil {
		return err
	}
	proj := input.ParseProjection(r.URL.Query())
	items := make([]map[string]any, 0, len(entries))
	for _, e := range entries {
		items = append(items, entryJSON(e))
	}
	if err := a.decorateEntries(r, rc, items); err != nil {
		return err
	}
	if err := a.includeCurrent(r, rc, entries, items); err != nil {
		return err
	}
	for i := range items {
		items[i] = proj.Apply(items[i])
	}
	writeList(w, "entries", items, total, f)
	return nil
}

// getEntry is GET …/entries/{entry_uid}?locale=&version=&include_fallback=.
func (a *API) getEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	version, err := input.Version(r.URL.Query().Get("version"), "version", true)
	if err != nil {
		return err
	}
	e, err := a.Store.Entry(r.Context(), store.EntryRead{APIKey: rc.stack.APIKey, ContentType: r.PathValue("content_type_uid"),
		UID: r.PathValue("entry_uid"), Locale: localeParam(r, rc), Master: rc.stack.MasterLocale,
		Fallback: boolParam(r, "include_fallback"), Version: version})
	if err != nil {
		return err
	}
	item := entryJSON(e)
	if err := a.decorateEntries(r, rc, []map[string]any{item}); err != nil {
		return err
	}
	if err := a.includeCurrent(r, rc, []domain.Entry{e}, []map[string]any{item}); err != nil {
		return err
	}
	setETag(w, e.Version)
	writeJSON(w, http.StatusOK, map[string]any{"entry": input.ParseProjection(r.URL.Query()).Apply(item)})
	return nil
}

// updateEntry is PUT …/entries/{entry_uid}?locale=. The fields sent replace
// the stored ones and make a new version; in a locale the entry has no
// content in yet, it localizes the entry.
func (a *API) updateEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	doc, err := entryBody(r)
	if err != nil {
		return err
	}
	uid := r.PathValue("entry_uid")
	title, _ := doc["title"].(string)
	write := a.entryWrite(r, rc, uid, doc)
	write.IfMatch = im
	e, localized, err := a.Store.UpdateEntry(r.Context(), write, a.audit(r, rc, domain.ModEntry, "update", uid, title))
	if err != nil {
		return err
	}
	setETag(w, e.Version)
	msg := "Entry updated successfully."
	if localized {
		msg = "Entry localized successfully."
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": msg, "entry": entryJSON(e)})
	return nil
}

// deleteEntry is DELETE …/entries/{entry_uid}: the whole entry, or with a
// locale other than the master only its content there
// (delete_all_localized=true deletes every locale).
func (a *API) deleteEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	im, err := ifMatch(r)
	if err != nil {
		return err
	}
	uid := r.PathValue("entry_uid")
	err = a.Store.DeleteEntry(r.Context(), rc.stack.APIKey, r.PathValue("content_type_uid"), uid, r.URL.Query().Get("locale"),
		rc.stack.MasterLocale, boolParam(r, "delete_all_localized"), im, a.audit(r, rc, domain.ModEntry, "delete", uid, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Entry deleted successfully."))
	return nil
}
