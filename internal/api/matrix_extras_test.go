package api_test

import (
	"testing"

	"github.com/stackd/stackd/internal/apitest"
)

// Labels, extensions and webhooks: owner, admin, developer and write tokens
// manage them; content managers read labels and extensions; the custom
// role has no rule for them.
func init() {
	moreMatrixSeeds = append(moreMatrixSeeds, func(t *testing.T, e *apitest.Env) {
		h := hdr("owner", "api_key")
		e.Vars["label_uid"] = mustCreate(t, e, "/v3/labels", h, map[string]any{"label": map[string]any{"name": "Seeded"}}, "label")
		e.Vars["extension_uid"] = mustCreate(t, e, "/v3/extensions", h,
			map[string]any{"extension": map[string]any{"title": "Seeded", "type": "widget", "src": "https://example.com/w"}}, "extension")
		e.Vars["webhook_uid"] = mustCreate(t, e, "/v3/webhooks", h, map[string]any{"webhook": map[string]any{"name": "Seeded",
			"destinations": []any{map[string]any{"target_url": "https://example.com/h"}}, "channels": []any{"assets.create"}}}, "webhook")
	})
	const (
		read     = "200 200 200 200 403 403 412 200 200 403 403 401 401 401 401 401"
		readNoCM = "200 200 200 403 403 403 412 200 200 403 403 401 401 401 401 401"
		create   = "201 201 201 403 403 403 412 201 403 403 403 401 401 401 401 401"
		write    = "200 200 200 403 403 403 412 200 403 403 403 401 401 401 401 401"
	)
	moreMatrixRows = append(moreMatrixRows,
		matrixRow{"GET /v3/labels", "/v3/labels", nil, nil, read},
		matrixRow{"POST /v3/labels", "/v3/labels", nil, map[string]any{"label": map[string]any{"name": "New"}}, create},
		matrixRow{"GET /v3/labels/{label_uid}", "/v3/labels/{label_uid}", nil, nil, read},
		matrixRow{"PUT /v3/labels/{label_uid}", "/v3/labels/{label_uid}", nil, map[string]any{"label": map[string]any{"name": "Renamed"}}, write},
		matrixRow{"DELETE /v3/labels/{label_uid}", "/v3/labels/{label_uid}", nil, nil, write},
		matrixRow{"GET /v3/extensions", "/v3/extensions", nil, nil, read},
		matrixRow{"POST /v3/extensions", "/v3/extensions", nil,
			map[string]any{"extension": map[string]any{"title": "New", "type": "widget", "src": "https://example.com/n"}}, create},
		matrixRow{"GET /v3/extensions/{extension_uid}", "/v3/extensions/{extension_uid}", nil, nil, read},
		matrixRow{"PUT /v3/extensions/{extension_uid}", "/v3/extensions/{extension_uid}", nil, map[string]any{"extension": map[string]any{"title": "Renamed"}}, write},
		matrixRow{"DELETE /v3/extensions/{extension_uid}", "/v3/extensions/{extension_uid}", nil, nil, write},
		matrixRow{"GET /v3/webhooks", "/v3/webhooks", nil, nil, readNoCM},
		matrixRow{"POST /v3/webhooks", "/v3/webhooks", nil, map[string]any{"webhook": map[string]any{"name": "New",
			"destinations": []any{map[string]any{"target_url": "https://example.com/n"}}, "channels": []any{"assets.create"}}}, create},
		matrixRow{"GET /v3/webhooks/{webhook_uid}", "/v3/webhooks/{webhook_uid}", nil, nil, readNoCM},
		matrixRow{"PUT /v3/webhooks/{webhook_uid}", "/v3/webhooks/{webhook_uid}", nil, map[string]any{"webhook": map[string]any{"disabled": true}}, write},
		matrixRow{"DELETE /v3/webhooks/{webhook_uid}", "/v3/webhooks/{webhook_uid}", nil, nil, write},
		matrixRow{"GET /v3/webhooks/{webhook_uid}/executions", "/v3/webhooks/{webhook_uid}/executions", nil, nil, readNoCM},
	)
}
