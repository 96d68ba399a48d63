package api

// contentRoutes declares the content routes (built by a later issue).
func (a *API) contentRoutes() []route { return nil }

// cdaContentRoutes declares the CDA's content routes (built by a later issue).
func (a *API) cdaContentRoutes() []cdaRoute { return nil }
