package api

import "github.com/stackd/stackd/internal/domain"

// extraRoutes: labels, extensions and webhooks.
func (a *API) extraRoutes() []route {
	return []route{
		{"GET", "/v3/labels", userOrMgmt, needStack, perm(domain.ModLabel, domain.ActRead), a.listLabels},
		{"POST", "/v3/labels", userOrMgmt, needStack, perm(domain.ModLabel, domain.ActCreate), a.createLabel},
		{"GET", "/v3/labels/{label_uid}", userOrMgmt, needStack, perm(domain.ModLabel, domain.ActRead), a.getLabel},
		{"PUT", "/v3/labels/{label_uid}", userOrMgmt, needStack, perm(domain.ModLabel, domain.ActUpdate), a.updateLabel},
		{"DELETE", "/v3/labels/{label_uid}", userOrMgmt, needStack, perm(domain.ModLabel, domain.ActDelete), a.deleteLabel},

		{"GET", "/v3/extensions", userOrMgmt, needStack, perm(domain.ModExtension, domain.ActRead), a.listExtensions},
		{"POST", "/v3/extensions", userOrMgmt, needStack, perm(domain.ModExtension, domain.ActCreate), a.createExtension},
		{"GET", "/v3/extensions/{extension_uid}", userOrMgmt, needStack, perm(domain.ModExtension, domain.ActRead), a.getExtension},
		{"PUT", "/v3/extensions/{extension_uid}", userOrMgmt, needStack, perm(domain.ModExtension, domain.ActUpdate), a.updateExtension},
		{"DELETE", "/v3/extensions/{extension_uid}", userOrMgmt, needStack, perm(domain.ModExtension, domain.ActDelete), a.deleteExtension},

		{"GET", "/v3/webhooks", userOrMgmt, needStack, perm(domain.ModWebhook, domain.ActRead), a.listWebhooks},
		{"POST", "/v3/webhooks", userOrMgmt, needStack, perm(domain.ModWebhook, domain.ActCreate), a.createWebhook},
		{"GET", "/v3/webhooks/{webhook_uid}", userOrMgmt, needStack, perm(domain.ModWebhook, domain.ActRead), a.getWebhook},
		{"PUT", "/v3/webhooks/{webhook_uid}", userOrMgmt, needStack, perm(domain.ModWebhook, domain.ActUpdate), a.updateWebhook},
		{"DELETE", "/v3/webhooks/{webhook_uid}", userOrMgmt, needStack, perm(domain.ModWebhook, domain.ActDelete), a.deleteWebhook},
		{"GET", "/v3/webhooks/{webhook_uid}/executions", userOrMgmt, needStack, perm(domain.ModWebhook, domain.ActRead), a.webhookExecutions},
	}
}
