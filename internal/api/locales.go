package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

type localeBody struct {
	Locale *struct {
		Code           *string `json:"code"`
		Name           *string `json:"name"`
		FallbackLocale *string `json:"fallback_locale"`
	} `json:"locale"`
}

// applyLocale copies the body into l. A locale's code cannot change; a
// locale other than the master falls back to the master unless told
// otherwise.
func applyLocale(l *domain.Locale, b localeBody, create bool, master string) error {
	if b.Locale == nil {
		return domain.ErrInvalid("locale", "is required.")
	}
	if b.Locale.Code != nil && !create && *b.Locale.Code != l.Code {
		return domain.ErrInvalid("code", "cannot be changed.")
	}
	if create {
		setIf(&l.Code, b.Locale.Code)
	}
	setIf(&l.Name, b.Locale.Name)
	setIf(&l.FallbackLocale, b.Locale.FallbackLocale)
	if l.FallbackLocale == "" && l.Code != master {
		l.FallbackLocale = master
	}
	return domain.ValidateLocale(l)
}

func localeJSON(l domain.Locale) map[string]any {
	var fallback any
	if l.FallbackLocale != "" {
		fallback = l.FallbackLocale
	}
	return map[string]any{
		"code": l.Code, "uid": l.UID, "name": l.Name, "fallback_locale": fallback, "_version": l.Version,
		"created_by": l.CreatedBy, "updated_by": l.UpdatedBy, "created_at": isoTime(l.CreatedAt), "updated_at": isoTime(l.UpdatedAt),
		"ACL": map[string]any{},
	}
}

// createLocale is POST /v3/locales.
func (a *API) createLocale(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body localeBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	now := a.Now()
	l := domain.Locale{APIKey: rc.stack.APIKey, UID: domain.NewUID(), Version: 1, CreatedBy: actorUID(rc), UpdatedBy: actorUID(rc),
		CreatedAt: now, UpdatedAt: now}
	if err := applyLocale(&l, body, true, rc.stack.MasterLocale); err != nil {
		return err
	}
	if err := a.Store.CreateLocale(r.Context(), *rc.stack, l, a.audit(r, rc, domain.ModLocale, "create", l.UID, l.Code)); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"notice": "Language added successfully.", "locale": localeJSON(l)})
	return nil
}

// listLocales is GET /v3/locales: the master locale and the others.
func (a *API) listLocales(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	f, err := listFilter(r, rc.stack.APIKey)
	if err != nil {
		return err
	}
	list, total, err := a.Store.Locales(r.Context(), *rc.stack, f)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(list))
	for _, l := range list {
		items = append(items, localeJSON(l))
	}
	writeList(w, "locales", items, total, f)
	return nil
}

// getLocale is GET /v3/locales/{locale_code}.
func (a *API) getLocale(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	l, err := a.Store.Locale(r.Context(), *rc.stack, r.PathValue("locale_code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"locale": localeJSON(l)})
	return nil
}

// updateLocale is PUT /v3/locales/{locale_code}: the name and fallback.
func (a *API) updateLocale(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body localeBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	code := r.PathValue("locale_code")
	l, err := a.Store.UpdateLocale(r.Context(), *rc.stack, code, func(l *domain.Locale) error {
		l.UpdatedBy, l.UpdatedAt = actorUID(rc), a.Now()
		return applyLocale(l, body, false, rc.stack.MasterLocale)
	}, a.audit(r, rc, domain.ModLocale, "update", "", code))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Language updated successfully.", "locale": localeJSON(l)})
	return nil
}

// deleteLocale is DELETE /v3/locales/{locale_code}: refused for the master
// locale and for a locale others fall back to; the entries' content in
// the locale goes with it.
func (a *API) deleteLocale(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	code := r.PathValue("locale_code")
	if err := a.Store.DeleteLocale(r.Context(), *rc.stack, code, a.audit(r, rc, domain.ModLocale, "delete", "", code)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("Language removed successfully."))
	return nil
}
