package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// listEntryVersions is GET …/entries/{entry_uid}/versions?locale=&named=:
// the versions of the entry in a locale, newest first.
func (a *API) listEntryVersions(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	versions, total, err := a.Store.EntryVersions(r.Context(), store.VersionFilter{APIKey: rc.stack.APIKey,
		ContentType: r.PathValue("content_type_uid"), UID: r.PathValue("entry_uid"), Locale: localeParam(r, rc),
		Named: boolParam(r, "named"), Skip: p.Skip, Limit: p.Limit, Count: p.IncludeCount})
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(versions))
	for _, v := range versions {
		item := map[string]any{"_version": v.Version, "locale": v.Locale, "updated_by": v.UpdatedBy, "updated_at": isoTime(v.UpdatedAt)}
		if v.Name != nil {
			item["_version_name"] = versionNameJSON(v.Name)
		}
		items = append(items, item)
	}
	body := map[string]any{"versions": items}
	if p.IncludeCount {
		body["count"] = total
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// versionNameBody is {"entry": {"_version_name", "locale", "force"}};
// force is accepted and changes nothing.
type versionNameBody struct {
	Entry struct {
		Name   *string `json:"_version_name"`
		Locale string  `json:"locale"`
	} `json:"entry"`
}

// nameEntryVersion is POST …/entries/{entry_uid}/versions/{version_number}/name.
func (a *API) nameEntryVersion(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body versionNameBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.Entry.Name == nil {
		return domain.ErrInvalid("_version_name", "is required.")
	}
	if err := domain.ValidateName("_version_name", *body.Entry.Name, true, 255); err != nil {
		return err
	}
	if !domain.CleanText(*body.Entry.Name) {
		return domain.ErrInvalid("_version_name", "must not contain NUL characters or invalid UTF-8.")
	}
	if err := a.setVersionName(r, rc, *body.Entry.Name, body.Entry.Locale); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Version name assigned successfully"))
	return nil
}

// unnameEntryVersion is DELETE …/versions/{version_number}/name; the body
// ({"entry": {"locale"}}) is optional.
func (a *API) unnameEntryVersion(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body versionNameBody
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &body); err != nil {
			return err
		}
	}
	if err := a.setVersionName(r, rc, "", body.Entry.Locale); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Version name deleted successfully"))
	return nil
}

// setVersionName names (or, with "", unnames) the version in the path, in
// the locale of the body, else of the query, else the master.
func (a *API) setVersionName(r *http.Request, rc *reqCtx, name, locale string) error {
	version, err := input.Version(r.PathValue("version_number"), "version_number", false)
	if err != nil {
		return err
	}
	if locale == "" {
		locale = localeParam(r, rc)
	}
	uid := r.PathValue("entry_uid")
	return a.Store.NameEntryVersion(r.Context(), rc.stack.APIKey, r.PathValue("content_type_uid"), uid, locale, version, name,
		actorUID(rc), a.Now(), a.audit(r, rc, domain.ModEntry, "update", uid, name))
}

// entryLocales is GET …/entries/{entry_uid}/locales: every locale of the
// stack and whether the entry has content of its own there.
func (a *API) entryLocales(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	list, err := a.Store.EntryLocales(r.Context(), *rc.stack, r.PathValue("content_type_uid"), r.PathValue("entry_uid"))
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(list))
	for _, l := range list {
		items = append(items, map[string]any{"code": l.Code, "localized": l.Localized})
	}
	writeJSON(w, http.StatusOK, map[string]any{"locales": items})
	return nil
}

// unlocalizeEntry is POST …/entries/{entry_uid}/unlocalize?locale=: the
// entry's content in that locale goes, and reads fall back again.
func (a *API) unlocalizeEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid := r.PathValue("entry_uid")
	locale := r.URL.Query().Get("locale")
	err := a.Store.UnlocalizeEntry(r.Context(), rc.stack.APIKey, r.PathValue("content_type_uid"), uid, locale, rc.stack.MasterLocale,
		a.audit(r, rc, domain.ModEntry, "unlocalize", uid, locale))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Entry unlocalized successfully."))
	return nil
}
