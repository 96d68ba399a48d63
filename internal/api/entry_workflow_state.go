package api

import "net/http"

// addWorkflowState sets _workflow on each entry: its workflow stage. Entry
// stage moves arrive with the workflow step; until then no entry is in a
// stage.
func (a *API) addWorkflowState(r *http.Request, rc *reqCtx, items []map[string]any) error {
	return nil
}
