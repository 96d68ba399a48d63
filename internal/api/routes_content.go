package api

import (
	"github.com/stackd/stackd/internal/domain"
)

// contentRoutes: content types, global fields, locales and entries with
// their versions and localizations (the content issue).
func (a *API) contentRoutes() []route {
	const ct, gf, loc, entry = domain.ModContentType, domain.ModGlobalField, domain.ModLocale, domain.ModEntry
	const entries = "/v3/content_types/{content_type_uid}/entries"
	const one = entries + "/{entry_uid}"
	routes := []route{
		{"GET", "/v3/content_types", userOrMgmt, needStack, perm(ct, domain.ActRead), a.listContentTypes},
		{"POST", "/v3/content_types", userOrMgmt, needStack, perm(ct, domain.ActCreate), a.createContentType},
		{"GET", "/v3/content_types/{content_type_uid}", userOrMgmt, needStack, perm(ct, domain.ActRead), a.getContentType},
		{"PUT", "/v3/content_types/{content_type_uid}", userOrMgmt, needStack, perm(ct, domain.ActUpdate), a.updateContentType},
		{"DELETE", "/v3/content_types/{content_type_uid}", userOrMgmt, needStack, perm(ct, domain.ActDelete), a.deleteContentType},

		{"GET", "/v3/global_fields", userOrMgmt, needStack, perm(gf, domain.ActRead), a.listGlobalFields},
		{"POST", "/v3/global_fields", userOrMgmt, needStack, perm(gf, domain.ActCreate), a.createGlobalField},
		{"GET", "/v3/global_fields/{global_field_uid}", userOrMgmt, needStack, perm(gf, domain.ActRead), a.getGlobalField},
		{"PUT", "/v3/global_fields/{global_field_uid}", userOrMgmt, needStack, perm(gf, domain.ActUpdate), a.updateGlobalField},
		{"DELETE", "/v3/global_fields/{global_field_uid}", userOrMgmt, needStack, perm(gf, domain.ActDelete), a.deleteGlobalField},

		{"GET", "/v3/locales", userOrMgmt, needStack, perm(loc, domain.ActRead), a.listLocales},
		{"POST", "/v3/locales", userOrMgmt, needStack, perm(loc, domain.ActCreate), a.createLocale},
		{"GET", "/v3/locales/{locale_code}", userOrMgmt, needStack, perm(loc, domain.ActRead), a.getLocale},
		{"PUT", "/v3/locales/{locale_code}", userOrMgmt, needStack, perm(loc, domain.ActUpdate), a.updateLocale},
		{"DELETE", "/v3/locales/{locale_code}", userOrMgmt, needStack, perm(loc, domain.ActDelete), a.deleteLocale},

		{"GET", entries, userOrMgmt, needStack, perm(entry, domain.ActRead), a.listEntries},
		{"POST", entries, userOrMgmt, needStack, perm(entry, domain.ActCreate), a.createEntry},
		{"GET", one, userOrMgmt, needStack, perm(entry, domain.ActRead), a.getEntry},
		{"PUT", one, userOrMgmt, needStack, perm(entry, domain.ActUpdate), a.updateEntry},
		{"DELETE", one, userOrMgmt, needStack, perm(entry, domain.ActDelete), a.deleteEntry},
		{"GET", one + "/versions", userOrMgmt, needStack, perm(entry, domain.ActRead), a.listEntryVersions},
		{"POST", one + "/versions/{version_number}/name", userOrMgmt, needStack, perm(entry, domain.ActUpdate), a.nameEntryVersion},
		{"DELETE", one + "/versions/{version_number}/name", userOrMgmt, needStack, perm(entry, domain.ActUpdate), a.unnameEntryVersion},
		{"GET", one + "/locales", userOrMgmt, needStack, perm(entry, domain.ActRead), a.entryLocales},
		{"POST", one + "/unlocalize", userOrMgmt, needStack, perm(entry, domain.ActUpdate), a.unlocalizeEntry},
	}
	return routes
}
