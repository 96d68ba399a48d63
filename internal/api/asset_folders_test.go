package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

func folder(t *testing.T, e *apitest.Env, name string, body map[string]any) {
	t.Helper()
	out := mustDo(t, e, "POST", "/v3/assets/folders", hdr("owner", "api_key"), map[string]any{"asset": body}, 201)
	e.Vars[name] = out["asset"].(map[string]any)["uid"].(string)
}

func TestAssetFolderScenarios(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		assetEnv(t, e)
		upload(t, e, "file", helloForm)
		e.Run(t, []apitest.Scenario{
			{Name: "create at the top", Method: "POST", Path: "/v3/assets/folders", Headers: hdr("dev", "api_key"),
				Body: map[string]any{"asset": map[string]any{"name": " Images "}}, WantStatus: 201,
				WantJSON: map[string]any{"notice": "Folder created successfully.", "asset": map[string]any{"name": "Images", "is_dir": true,
					"content_type": "application/vnd.contenstack.folder", "parent_uid": nil, "_version": 1, "tags": []any{},
					"created_by": "{dev_uid}", "created_at": "2026-03-04T05:06:07.000Z"}}},
			{Name: "create without a name", Method: "POST", Path: "/v3/assets/folders", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": nil}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"name": []any{"is required."}}}},
			{Name: "create without the asset key", Method: "POST", Path: "/v3/assets/folders", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"name": "x"}, WantStatus: 422},
			{Name: "create in an unknown folder", Method: "POST", Path: "/v3/assets/folders", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"name": "x", "parent_uid": "bltffffffffffffffff"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"parent_uid": []any{"is not valid."}}}},
			{Name: "create inside an asset", Method: "POST", Path: "/v3/assets/folders", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"name": "x", "parent_uid": "{file}"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"parent_uid": []any{"is an asset, not a folder."}}}},
			{Name: "create as a member without role", Method: "POST", Path: "/v3/assets/folders", Headers: hdr("norole", "api_key"),
				Body: map[string]any{"asset": map[string]any{"name": "x"}}, WantStatus: 403},
			{Name: "create with a read-only token", Method: "POST", Path: "/v3/assets/folders", Headers: mgmt("ro_token"),
				Body: map[string]any{"asset": map[string]any{"name": "x"}}, WantStatus: 403},
			{Name: "folder route with an asset uid", Method: "GET", Path: "/v3/assets/folders/{file}", Headers: hdr("owner", "api_key"),
				WantStatus: 422, WantJSON: map[string]any{"error_message": "The folder was not found. Please try again."}},
			{Name: "unknown folder", Method: "GET", Path: "/v3/assets/folders/bltffffffffffffffff", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "no folder list route: GET /v3/assets/folders looks up an asset", Method: "GET", Path: "/v3/assets/folders",
				Headers: hdr("owner", "api_key"), WantStatus: 422},
		})

		folder(t, e, "a", map[string]any{"name": "A"})
		folder(t, e, "b", map[string]any{"name": "B", "parent_uid": "{a}"})
		folder(t, e, "c", map[string]any{"name": "C", "parent_uid": "{b}"})
		e.Run(t, []apitest.Scenario{
			{Name: "get a nested folder (static segment wins over asset_uid)", Method: "GET", Path: "/v3/assets/folders/{c}",
				Headers: mgmt("ro_token"), WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"uid": "{c}", "name": "C", "parent_uid": "{b}", "is_dir": true}}},
			{Name: "asset routes refuse a folder uid", Method: "GET", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"), WantStatus: 422,
				WantJSON: map[string]any{"error_message": "The asset was not found. Please try again."}},
			{Name: "metadata update refuses a folder uid", Method: "PUT", Path: "/v3/assets/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"title": "x"}}, WantStatus: 422},
			{Name: "download refuses a folder uid", Method: "GET", Path: "/v3/assets/{a}/download", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "rename", Method: "PUT", Path: "/v3/assets/folders/{a}", Headers: hdr("cm", "api_key"),
				Body: map[string]any{"asset": map[string]any{"name": "A2"}}, WantStatus: 200,
				WantJSON: map[string]any{"notice": "Folder updated successfully.", "asset": map[string]any{"name": "A2", "_version": 2,
					"parent_uid": nil, "updated_by": "{cm_uid}"}}},
			{Name: "rename to nothing", Method: "PUT", Path: "/v3/assets/folders/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"name": ""}}, WantStatus: 422},
			{Name: "move into itself", Method: "PUT", Path: "/v3/assets/folders/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "{a}"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"parent_uid": []any{"would put the folder inside itself."}}}},
			{Name: "move into a descendant", Method: "PUT", Path: "/v3/assets/folders/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "{c}"}}, WantStatus: 422,
				WantJSON: map[string]any{"errors": map[string]any{"parent_uid": []any{"would put the folder inside itself."}}}},
			{Name: "move into an asset", Method: "PUT", Path: "/v3/assets/folders/{c}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "{file}"}}, WantStatus: 422},
			{Name: "rename an asset through the folder route", Method: "PUT", Path: "/v3/assets/folders/{file}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"name": "x"}}, WantStatus: 422},
			{Name: "refused moves changed nothing", Method: "GET", Path: "/v3/assets/folders/{a}", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"asset": map[string]any{"name": "A2", "parent_uid": nil, "_version": 2}}},
			{Name: "move C to the top", Method: "PUT", Path: "/v3/assets/folders/{c}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": nil}}, WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"name": "C", "parent_uid": nil}}},
			{Name: "now A may go into C", Method: "PUT", Path: "/v3/assets/folders/{a}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "{c}"}}, WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"parent_uid": "{c}"}}},
			{Name: "and C may not go into B", Method: "PUT", Path: "/v3/assets/folders/{c}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "{b}"}}, WantStatus: 422},
			{Name: "move the asset into B", Method: "PUT", Path: "/v3/assets/{file}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "{b}"}}, WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"parent_uid": "{b}", "_version": 2}}},
			{Name: "move the asset into another asset", Method: "PUT", Path: "/v3/assets/{file}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "{file}"}}, WantStatus: 422},
			{Name: "B lists the asset", Method: "GET", Path: "/v3/assets?folder={b}&include_count=true", Headers: hdr("owner", "api_key"),
				WantStatus: 200, WantJSON: map[string]any{"count": 1, "assets": []any{map[string]any{"uid": "{file}"}}}},
			{Name: "a folder that is not empty stays", Method: "DELETE", Path: "/v3/assets/folders/{b}", Headers: hdr("owner", "api_key"),
				WantStatus: 422, WantJSON: map[string]any{"errors": map[string]any{"uid": []any{"is not an empty folder."}}}},
			{Name: "a folder holding a folder stays", Method: "DELETE", Path: "/v3/assets/folders/{c}", Headers: hdr("owner", "api_key"),
				WantStatus: 422},
			{Name: "B is still there", Method: "GET", Path: "/v3/assets/folders/{b}", Headers: hdr("owner", "api_key"), WantStatus: 200},
			{Name: "delete through the asset route", Method: "DELETE", Path: "/v3/assets/{b}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "move the asset back to the top", Method: "PUT", Path: "/v3/assets/{file}", Headers: hdr("owner", "api_key"),
				Body: map[string]any{"asset": map[string]any{"parent_uid": "cs_root"}}, WantStatus: 200,
				WantJSON: map[string]any{"asset": map[string]any{"parent_uid": nil}}},
			{Name: "delete as a member without role", Method: "DELETE", Path: "/v3/assets/folders/{b}", Headers: hdr("norole", "api_key"), WantStatus: 403},
			{Name: "delete the empty folder", Method: "DELETE", Path: "/v3/assets/folders/{b}", Headers: hdr("owner", "api_key"), WantStatus: 200,
				WantJSON: map[string]any{"notice": "Folder deleted successfully."}},
			{Name: "deleted folder is gone", Method: "GET", Path: "/v3/assets/folders/{b}", Headers: hdr("owner", "api_key"), WantStatus: 422},
			{Name: "upload into a folder", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.Field("asset[parent_uid]", "{c}"), apitest.FilePart("in.txt", "", []byte("in"))},
				WantStatus: 201, WantJSON: map[string]any{"asset": map[string]any{"parent_uid": "{c}"}}},
			{Name: "upload into a deleted folder", Method: "POST", Path: "/v3/assets", Headers: hdr("owner", "api_key"),
				Body:       apitest.Form{apitest.Field("asset[parent_uid]", "{b}"), apitest.FilePart("in.txt", "", []byte("in"))},
				WantStatus: 422},
		})
	})
}
