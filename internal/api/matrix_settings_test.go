package api_test

// Stack settings: owner and admin change them, developers read them (spec §5.1: admins "manage
// all settings", content managers "cannot view … stack settings"); no token, as for every
// /v3/stacks/settings route (authtoken only, spec §3.5).
func init() {
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"GET /v3/stacks/settings", "/v3/stacks/settings", nil, nil,
			"200 200 200 403 403 403 412 403 403 403 403 401 401 401 401 401"},
		matrixRow{"POST /v3/stacks/settings", "/v3/stacks/settings", nil,
			map[string]any{"stack_settings": map[string]any{"stack_variables": map[string]any{"x": 1}}},
			"201 201 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
		matrixRow{"POST /v3/stacks/settings/reset", "/v3/stacks/settings/reset", nil, map[string]any{"stack_settings": map[string]any{}},
			"201 201 403 403 403 403 412 403 403 403 403 401 401 401 401 401"},
	)
}
