package api

// workflowRoutes declares the workflow routes (built by a later issue).
func (a *API) workflowRoutes() []route { return nil }
