package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// Content types, global fields, locales and entries. Content managers read
// content types, global fields and locales and do everything with entries;
// the custom role reads content types and locales ($all rules) and reads,
// creates and updates entries (its sub_acl) but may not delete them, and
// has no rule for global fields.
func init() {
	moreMatrixSeeds = append(moreMatrixSeeds, func(t *testing.T, e *apitest.Env) {
		h := hdr("owner", "api_key")
		mustCreate(t, e, "/v3/content_types", h, map[string]any{"content_type": map[string]any{"title": "Blog", "uid": "blog",
			"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text", "mandatory": true, "unique": true}}}}, "content_type")
		mustCreate(t, e, "/v3/global_fields", h, map[string]any{"global_field": map[string]any{"title": "SEO", "uid": "seo",
			"schema": []any{map[string]any{"display_name": "Keywords", "uid": "keywords", "data_type": "text"}}}}, "global_field")
		mustCreate(t, e, "/v3/locales", h, map[string]any{"locale": map[string]any{"code": "fr-fr", "name": "French", "fallback_locale": "en-us"}}, "locale")
		mustCreate(t, e, "/v3/locales", h, map[string]any{"locale": map[string]any{"code": "de-de", "name": "German"}}, "locale")
		e.Vars["entry_uid"] = mustCreate(t, e, "/v3/content_types/blog/entries", h, map[string]any{"entry": map[string]any{"title": "Seeded"}}, "entry")
		e.Run(t, []apitest.Scenario{
			{Name: "localize", Method: "PUT", Path: "/v3/content_types/blog/entries/{entry_uid}?locale=fr-fr", Headers: h,
				Body: map[string]any{"entry": map[string]any{"title": "Semé"}}, WantStatus: 200},
			{Name: "name a version", Method: "POST", Path: "/v3/content_types/blog/entries/{entry_uid}/versions/1/name", Headers: h,
				Body: map[string]any{"entry": map[string]any{"_version_name": "seeded"}}, WantStatus: 200},
		})
	})
	const (
		typeRead    = "200 200 200 200 200 403 412 200 200 403 403 401 401 401 401 401"
		typeCreate  = "201 201 201 403 403 403 412 201 403 403 403 401 401 401 401 401"
		typeWrite   = "200 200 200 403 403 403 412 200 403 403 403 401 401 401 401 401"
		gfRead      = "200 200 200 200 403 403 412 200 200 403 403 401 401 401 401 401"
		entryRead   = "200 200 200 200 200 403 412 200 200 403 403 401 401 401 401 401"
		entryCreate = "201 201 201 201 201 403 412 201 403 403 403 401 401 401 401 401"
		entryUpdate = "200 200 200 200 200 403 412 200 403 403 403 401 401 401 401 401"
		entryDelete = "200 200 200 200 403 403 412 200 403 403 403 401 401 401 401 401"
	)
	entry := "/v3/content_types/blog/entries/{entry_uid}"
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"GET /v3/content_types", "/v3/content_types", nil, nil, typeRead},
		matrixRow{"POST /v3/content_types", "/v3/content_types", nil, map[string]any{"content_type": map[string]any{"title": "Page", "uid": "page",
			"schema": []any{map[string]any{"display_name": "Title", "uid": "title", "data_type": "text"}}}}, typeCreate},
		matrixRow{"GET /v3/content_types/{content_type_uid}", "/v3/content_types/blog", nil, nil, typeRead},
		matrixRow{"PUT /v3/content_types/{content_type_uid}", "/v3/content_types/blog", nil, map[string]any{"content_type": map[string]any{"description": "x"}}, typeWrite},
		matrixRow{"DELETE /v3/content_types/{content_type_uid}", "/v3/content_types/blog?force=true", nil, nil, typeWrite},

		matrixRow{"GET /v3/global_fields", "/v3/global_fields", nil, nil, gfRead},
		matrixRow{"POST /v3/global_fields", "/v3/global_fields", nil, map[string]any{"global_field": map[string]any{"title": "Meta", "uid": "meta",
			"schema": []any{map[string]any{"display_name": "K", "uid": "k", "data_type": "text"}}}}, typeCreate},
		matrixRow{"GET /v3/global_fields/{global_field_uid}", "/v3/global_fields/seo", nil, nil, gfRead},
		matrixRow{"PUT /v3/global_fields/{global_field_uid}", "/v3/global_fields/seo", nil, map[string]any{"global_field": map[string]any{"title": "Search"}}, typeWrite},
		matrixRow{"DELETE /v3/global_fields/{global_field_uid}", "/v3/global_fields/seo", nil, nil, typeWrite},

		matrixRow{"GET /v3/locales", "/v3/locales", nil, nil, typeRead},
		matrixRow{"POST /v3/locales", "/v3/locales", nil, map[string]any{"locale": map[string]any{"code": "es-es", "name": "Spanish"}}, typeCreate},
		matrixRow{"GET /v3/locales/{locale_code}", "/v3/locales/fr-fr", nil, nil, typeRead},
		matrixRow{"PUT /v3/locales/{locale_code}", "/v3/locales/fr-fr", nil, map[string]any{"locale": map[string]any{"name": "Français"}}, typeWrite},
		matrixRow{"DELETE /v3/locales/{locale_code}", "/v3/locales/de-de", nil, nil, typeWrite},

		matrixRow{"GET /v3/content_types/{content_type_uid}/entries", "/v3/content_types/blog/entries", nil, nil, entryRead},
		matrixRow{"POST /v3/content_types/{content_type_uid}/entries", "/v3/content_types/blog/entries", nil, map[string]any{"entry": map[string]any{"title": "New"}}, entryCreate},
		matrixRow{"GET /v3/content_types/{content_type_uid}/entries/{entry_uid}", entry, nil, nil, entryRead},
		matrixRow{"PUT /v3/content_types/{content_type_uid}/entries/{entry_uid}", entry, nil, map[string]any{"entry": map[string]any{"title": "Changed"}}, entryUpdate},
		matrixRow{"DELETE /v3/content_types/{content_type_uid}/entries/{entry_uid}", entry, nil, nil, entryDelete},
		matrixRow{"GET /v3/content_types/{content_type_uid}/entries/{entry_uid}/versions", entry + "/versions", nil, nil, entryRead},
		matrixRow{"POST /v3/content_types/{content_type_uid}/entries/{entry_uid}/versions/{version_number}/name", entry + "/versions/1/name", nil,
			map[string]any{"entry": map[string]any{"_version_name": "renamed"}}, entryUpdate},
		matrixRow{"DELETE /v3/content_types/{content_type_uid}/entries/{entry_uid}/versions/{version_number}/name", entry + "/versions/1/name", nil, nil, entryUpdate},
		matrixRow{"GET /v3/content_types/{content_type_uid}/entries/{entry_uid}/locales", entry + "/locales", nil, nil, entryRead},
		matrixRow{"POST /v3/content_types/{content_type_uid}/entries/{entry_uid}/unlocalize", entry + "/unlocalize?locale=fr-fr", nil, nil, entryUpdate},
	)
}
