package api

import "net/http"

// decorateEntries adds to entries read through the CMA what other modules
// know about them: the assets of their file fields (entry_files.go), and
// when the request asks, publish_details (include_publish_details=true,
// entry_publish_details.go) and _workflow (include_workflow=true,
// entry_workflow_state.go). items are entries as entryJSON shows them, in
// one content type.
func (a *API) decorateEntries(r *http.Request, rc *reqCtx, items []map[string]any) error {
	if err := a.addFileAssets(r, rc, items); err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Get("include_publish_details") == "true" {
		if err := a.addPublishDetails(r, rc, items); err != nil {
			return err
		}
	}
	if q.Get("include_workflow") == "true" {
		if err := a.addWorkflowState(r, rc, items); err != nil {
			return err
		}
	}
	return nil
}
