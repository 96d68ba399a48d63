package api

import "github.com/stackd/stackd/internal/domain"

// assetRoutes: assets, their versions and files, and asset folders. The
// folder routes' static segment wins over {asset_uid} in chi, so
// /v3/assets/folders/… never reaches the asset handlers. The last route is
// the public URL of an asset's file (the asset's "url"): no credentials,
// the unguessable secret in its path is the permission (docs/assets.md).
func (a *API) assetRoutes() []route {
	return []route{
		{"GET", "/v3/assets", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActRead), a.listAssets},
		{"POST", "/v3/assets", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActCreate), a.uploadAsset},

		{"POST", "/v3/assets/folders", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActCreate), a.createFolder},
		{"GET", "/v3/assets/folders/{folder_uid}", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActRead), a.getFolder},
		{"PUT", "/v3/assets/folders/{folder_uid}", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActUpdate), a.updateFolder},
		{"DELETE", "/v3/assets/folders/{folder_uid}", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActDelete), a.deleteFolder},

		{"GET", "/v3/assets/{asset_uid}", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActRead), a.getAsset},
		{"PUT", "/v3/assets/{asset_uid}", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActUpdate), a.updateAsset},
		{"DELETE", "/v3/assets/{asset_uid}", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActDelete), a.deleteAsset},
		{"GET", "/v3/assets/{asset_uid}/versions", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActRead), a.assetVersions},
		{"GET", "/v3/assets/{asset_uid}/download", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActRead), a.downloadAsset},

		{"GET", "/assets/{api_key}/{asset_uid}/{url_secret}/{filename}", anyone, noStack, perm(domain.ModAsset, domain.ActRead), a.publicAsset},
	}
}
