package api

// extraRoutes declares the extra routes (built by a later issue).
func (a *API) extraRoutes() []route { return nil }
