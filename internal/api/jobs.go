package api

import (
	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/jobs"
)

// JobHandlers returns the background job handlers of the API's modules,
// by job kind. Publishing adds its own.
func JobHandlers(d Deps) map[string]jobs.Handler {
	a := &API{Deps: d}
	return a.jobHandlers()
}

func (a *API) jobHandlers() map[string]jobs.Handler {
	return map[string]jobs.Handler{
		domain.JobPublish:     a.runPublishJob,
		domain.JobBulkPublish: a.runPublishJob,
		domain.JobBulkDelete:  a.runPublishJob,
	}
}
