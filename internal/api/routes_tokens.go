package api

import "github.com/stackd/stackd/internal/domain"

// tokenRoutes: roles, management and delivery tokens, environments and the
// audit log (the token-model issue).
func (a *API) tokenRoutes() []route {
	return []route{
		{"GET", "/v3/roles", userOrMgmt, needStack, perm(domain.ModRole, domain.ActRead), a.listRoles},
		{"POST", "/v3/roles", userOrMgmt, needStack, perm(domain.ModRole, domain.ActCreate), a.createRole},
		{"GET", "/v3/roles/{role_uid}", userOrMgmt, needStack, perm(domain.ModRole, domain.ActRead), a.getRole},
		{"PUT", "/v3/roles/{role_uid}", userOrMgmt, needStack, perm(domain.ModRole, domain.ActUpdate), a.updateRole},
		{"DELETE", "/v3/roles/{role_uid}", userOrMgmt, needStack, perm(domain.ModRole, domain.ActDelete), a.deleteRole},

		{"GET", "/v3/stacks/management_tokens", user, needStack, perm(domain.ModManagementToken, domain.ActRead), a.listManagementTokens},
		{"POST", "/v3/stacks/management_tokens", user, needStack, perm(domain.ModManagementToken, domain.ActCreate), a.createManagementToken},
		{"GET", "/v3/stacks/management_tokens/{token_uid}", user, needStack, perm(domain.ModManagementToken, domain.ActRead), a.getManagementToken},
		{"PUT", "/v3/stacks/management_tokens/{token_uid}", user, needStack, perm(domain.ModManagementToken, domain.ActUpdate), a.updateManagementToken},
		{"DELETE", "/v3/stacks/management_tokens/{token_uid}", user, needStack, perm(domain.ModManagementToken, domain.ActDelete), a.deleteManagementToken},
		{"POST", "/v3/stacks/management_tokens/{token_uid}/rotate", user, needStack, perm(domain.ModManagementToken, domain.ActUpdate), a.rotateManagementToken},

		{"GET", "/v3/stacks/delivery_tokens", user, needStack, perm(domain.ModDeliveryToken, domain.ActRead), a.listDeliveryTokens},
		{"POST", "/v3/stacks/delivery_tokens", user, needStack, perm(domain.ModDeliveryToken, domain.ActCreate), a.createDeliveryToken},
		{"GET", "/v3/stacks/delivery_tokens/{token_uid}", user, needStack, perm(domain.ModDeliveryToken, domain.ActRead), a.getDeliveryToken},
		{"PUT", "/v3/stacks/delivery_tokens/{token_uid}", user, needStack, perm(domain.ModDeliveryToken, domain.ActUpdate), a.updateDeliveryToken},
		{"DELETE", "/v3/stacks/delivery_tokens/{token_uid}", user, needStack, perm(domain.ModDeliveryToken, domain.ActDelete), a.deleteDeliveryToken},

		{"GET", "/v3/environments", userOrMgmt, needStack, perm(domain.ModEnvironment, domain.ActRead), a.listEnvironments},
		{"POST", "/v3/environments", userOrMgmt, needStack, perm(domain.ModEnvironment, domain.ActCreate), a.createEnvironment},
		{"GET", "/v3/environments/{environment_name}", userOrMgmt, needStack, perm(domain.ModEnvironment, domain.ActRead), a.getEnvironment},
		{"PUT", "/v3/environments/{environment_name}", userOrMgmt, needStack, perm(domain.ModEnvironment, domain.ActUpdate), a.updateEnvironment},
		{"DELETE", "/v3/environments/{environment_name}", userOrMgmt, needStack, perm(domain.ModEnvironment, domain.ActDelete), a.deleteEnvironment},

		{"GET", "/v3/audit-logs", userOrMgmt, needStack, perm(domain.ModAuditLog, domain.ActRead), a.listAuditLog},
		{"GET", "/v3/audit-logs/{log_uid}", userOrMgmt, needStack, perm(domain.ModAuditLog, domain.ActRead), a.getAuditItem},
	}
}
