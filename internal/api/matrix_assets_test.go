package api_test

import (
	"net/url"
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// Assets and folders: owner, admin, developer and content managers manage
// them; the custom role's asset rule grants read, create and update but
// not delete; tokens with the asset scope (mt_module) work like write tokens.
// The public file URL needs no credentials at all.
func init() {
	moreMatrixSeeds = append(moreMatrixSeeds, func(t *testing.T, e *apitest.Env) {
		h := hdr("owner", "api_key")
		status, body := e.Do("POST", "/v3/assets", h, apitest.Form{apitest.Field("asset[title]", "Seeded"),
			apitest.FilePart("seed.txt", "text/plain", []byte("seeded bytes"))})
		if status != 201 {
			t.Fatalf("seed asset: %d %v", status, body)
		}
		as := body["asset"].(map[string]any)
		e.Vars["asset_uid"] = as["uid"].(string)
		u, err := url.Parse(as["url"].(string))
		if err != nil {
			t.Fatal(err)
		}
		e.Vars["asset_public"] = u.Path
		e.Vars["folder_uid"] = mustCreate(t, e, "/v3/assets/folders", h, map[string]any{"asset": map[string]any{"name": "Seeded"}}, "asset")
	})
	const (
		read   = "200 200 200 200 200 403 412 200 200 200 403 401 401 401 401 401"
		create = "201 201 201 201 201 403 412 201 403 201 403 401 401 401 401 401"
		update = "200 200 200 200 200 403 412 200 403 200 403 401 401 401 401 401"
		remove = "200 200 200 200 403 403 412 200 403 200 403 401 401 401 401 401"
		public = "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200"
	)
	upload := apitest.Form{apitest.Field("asset[title]", "New"), apitest.FilePart("new.txt", "text/plain", []byte("new bytes"))}
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"GET /v3/assets", "/v3/assets", nil, nil, read},
		matrixRow{"POST /v3/assets", "/v3/assets", nil, upload, create},
		matrixRow{"GET /v3/assets/{asset_uid}", "/v3/assets/{asset_uid}", nil, nil, read},
		matrixRow{"PUT /v3/assets/{asset_uid}", "/v3/assets/{asset_uid}", nil, map[string]any{"asset": map[string]any{"title": "Renamed"}}, update},
		matrixRow{"DELETE /v3/assets/{asset_uid}", "/v3/assets/{asset_uid}", nil, nil, remove},
		matrixRow{"GET /v3/assets/{asset_uid}/versions", "/v3/assets/{asset_uid}/versions", nil, nil, read},
		matrixRow{"GET /v3/assets/{asset_uid}/download", "/v3/assets/{asset_uid}/download", nil, nil, read},
		matrixRow{"POST /v3/assets/folders", "/v3/assets/folders", nil, map[string]any{"asset": map[string]any{"name": "New"}}, create},
		matrixRow{"GET /v3/assets/folders/{folder_uid}", "/v3/assets/folders/{folder_uid}", nil, nil, read},
		matrixRow{"PUT /v3/assets/folders/{folder_uid}", "/v3/assets/folders/{folder_uid}", nil, map[string]any{"asset": map[string]any{"name": "Renamed"}}, update},
		matrixRow{"DELETE /v3/assets/folders/{folder_uid}", "/v3/assets/folders/{folder_uid}", nil, nil, remove},
		matrixRow{"GET /assets/{api_key}/{asset_uid}/{url_secret}/{filename}", "{asset_public}", nil, nil, public},
	)
}
