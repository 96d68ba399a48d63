package api

// publishRoutes declares the publish routes (built by a later issue).
func (a *API) publishRoutes() []route { return nil }
