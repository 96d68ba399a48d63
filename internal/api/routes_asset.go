package api

// assetRoutes declares the asset routes (built by a later issue).
func (a *API) assetRoutes() []route { return nil }
