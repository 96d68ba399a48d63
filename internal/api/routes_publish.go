package api

import "github.com/stackd/stackd/internal/domain"

// publishRoutes: publishing entries and assets (now or scheduled), the
// publish queue and bulk operations (docs/publishing.md). The routes
// check the module right; the handlers then check each entry, locale and
// asset a request names, and publish rules, before writing anything.
func (a *API) publishRoutes() []route {
	const one = "/v3/content_types/{content_type_uid}/entries/{entry_uid}"
	routes := []route{
		{"POST", one + "/publish", userOrMgmt, needStack, perm(domain.ModEntry, domain.ActPublish), a.publishEntry},
		{"POST", one + "/unpublish", userOrMgmt, needStack, perm(domain.ModEntry, domain.ActPublish), a.unpublishEntry},
		{"POST", "/v3/assets/{asset_uid}/publish", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActPublish), a.publishAsset},
		{"POST", "/v3/assets/{asset_uid}/unpublish", userOrMgmt, needStack, perm(domain.ModAsset, domain.ActPublish), a.unpublishAsset},

		{"GET", "/v3/publish-queue", userOrMgmt, needStack, perm(domain.ModPublishQueue, domain.ActRead), a.listPublishQueue},
		{"GET", "/v3/publish-queue/{queue_uid}", userOrMgmt, needStack, perm(domain.ModPublishQueue, domain.ActRead), a.getPublishQueueItem},
		{"GET", "/v3/publish-queue/{queue_uid}/unschedule", userOrMgmt, needStack, perm(domain.ModPublishQueue, domain.ActUpdate), a.unschedulePublish},

		{"POST", "/v3/bulk/publish", userOrMgmt, needStack, perm(domain.ModBulk, domain.ActPublish), a.bulkPublish},
		{"POST", "/v3/bulk/unpublish", userOrMgmt, needStack, perm(domain.ModBulk, domain.ActPublish), a.bulkUnpublish},
		{"POST", "/v3/bulk/delete", userOrMgmt, needStack, perm(domain.ModBulk, domain.ActDelete), a.bulkDelete},
		{"GET", "/v3/bulk/jobs/{job_id}", userOrMgmt, needStack, perm(domain.ModBulk, domain.ActRead), a.bulkJob},
	}
	return routes
}
