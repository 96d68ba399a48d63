package api

import "github.com/stackd/stackd/internal/domain"

// workflowRoutes: workflows and publish rules (spec §6.6). The static
// segments publishing_rules and content_type win over {workflow_uid}
// (chi matches static segments first; workflows_test.go checks it).
// Enable and disable are GETs, as in Contentstack, but they change the
// workflow and so need the update right.
func (a *API) workflowRoutes() []route {
	return []route{
		{"GET", "/v3/workflows", userOrMgmt, needStack, perm(domain.ModWorkflow, domain.ActRead), a.listWorkflows},
		{"POST", "/v3/workflows", userOrMgmt, needStack, perm(domain.ModWorkflow, domain.ActCreate), a.createWorkflow},
		{"GET", "/v3/workflows/{workflow_uid}", userOrMgmt, needStack, perm(domain.ModWorkflow, domain.ActRead), a.getWorkflow},
		{"PUT", "/v3/workflows/{workflow_uid}", userOrMgmt, needStack, perm(domain.ModWorkflow, domain.ActUpdate), a.updateWorkflow},
		{"DELETE", "/v3/workflows/{workflow_uid}", userOrMgmt, needStack, perm(domain.ModWorkflow, domain.ActDelete), a.deleteWorkflow},
		{"GET", "/v3/workflows/{workflow_uid}/enable", userOrMgmt, needStack, perm(domain.ModWorkflow, domain.ActUpdate), a.enableWorkflow},
		{"GET", "/v3/workflows/{workflow_uid}/disable", userOrMgmt, needStack, perm(domain.ModWorkflow, domain.ActUpdate), a.disableWorkflow},

		{"GET", "/v3/workflows/publishing_rules", userOrMgmt, needStack, perm(domain.ModPublishRule, domain.ActRead), a.listPublishRules},
		{"POST", "/v3/workflows/publishing_rules", userOrMgmt, needStack, perm(domain.ModPublishRule, domain.ActCreate), a.createPublishRule},
		{"GET", "/v3/workflows/publishing_rules/{rule_uid}", userOrMgmt, needStack, perm(domain.ModPublishRule, domain.ActRead), a.getPublishRule},
		{"PUT", "/v3/workflows/publishing_rules/{rule_uid}", userOrMgmt, needStack, perm(domain.ModPublishRule, domain.ActUpdate), a.updatePublishRule},
		{"DELETE", "/v3/workflows/publishing_rules/{rule_uid}", userOrMgmt, needStack, perm(domain.ModPublishRule, domain.ActDelete), a.deletePublishRule},
		{"GET", "/v3/workflows/content_type/{content_type_uid}", userOrMgmt, needStack, perm(domain.ModPublishRule, domain.ActRead), a.contentTypeRules},

		// Entries in workflows: stage moves and publish requests need the
		// entry update right; the handler adds the stage's rules, the
		// publish right or the approver check, and refuses tokens publish
		// requests. Assignments are the caller's own, in any stack.
		{"POST", "/v3/content_types/{content_type_uid}/entries/{entry_uid}/workflow", userOrMgmt, needStack,
			perm(domain.ModEntry, domain.ActUpdate), a.entryWorkflow},
		{"GET", "/v3/user/assignments", user, noStack, perm(domain.ModUser, domain.ActRead), a.userAssignments},
	}
}
