package api_test

import (
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-chi/chi/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
	"github.com/stackd/stackd/internal/metrics"
	"github.com/stackd/stackd/internal/store/storetest"
)

// openAPIEnv returns handlers with metrics on (so /metrics is routed),
// the CMA and CDA documents they serve, and their routers.
func openAPIEnv(t *testing.T) (cmaDoc, cdaDoc *openapi3.T, cma, cda chi.Routes) {
	t.Helper()
	e := apitest.New(t, storetest.Engine{Name: "sqlite", Open: storetest.OpenSQLite})
	deps := apitest.Deps(e)
	deps.Metrics = metrics.New(prometheus.NewRegistry(), deps.Log).Handler()
	load := func(h http.Handler) *openapi3.T {
		rec := e.Send(h, "GET", "/openapi.json", nil, nil)
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("GET /openapi.json = %d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
		if err != nil {
			t.Fatalf("load the OpenAPI document: %v", err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("the OpenAPI document is not valid: %v", err)
		}
		return doc
	}
	cma, cda = api.Routers(deps)
	return load(api.New(deps)), load(api.NewCDA(deps)), cma, cda
}

// TestOpenAPIMatchesRouters: each listener's document, valid OpenAPI 3,
// lists exactly the method and path pairs its router serves, both ways.
func TestOpenAPIMatchesRouters(t *testing.T) {
	cmaDoc, cdaDoc, cma, cda := openAPIEnv(t)
	for _, c := range []struct {
		name string
		doc  *openapi3.T
		r    chi.Routes
	}{{"cma", cmaDoc, cma}, {"cda", cdaDoc, cda}} {
		t.Run(c.name, func(t *testing.T) {
			walked := walk(t, c.r)
			documented := operations(c.doc)
			if diff := cmp.Diff(walked, documented); diff != "" {
				t.Errorf("router (-) and document (+) differ:\n%s", diff)
			}
			if len(walked) < 5 || !slices.Contains(walked, "GET /openapi.json") {
				t.Errorf("suspiciously few routes walked: %v", walked)
			}
		})
	}
	if !slices.Contains(operations(cmaDoc), "GET /metrics") || !slices.Contains(operations(cmaDoc), "GET /healthz") {
		t.Error("the CMA document misses /metrics or /healthz")
	}
	if slices.Contains(operations(cdaDoc), "GET /metrics") {
		t.Error("the CDA document lists /metrics")
	}
}

func walk(t *testing.T, r chi.Routes) []string {
	t.Helper()
	var out []string
	err := chi.Walk(r, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+route)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func operations(doc *openapi3.T) []string {
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIOperations checks what the document says of a few routes:
// parameters, credential kinds, permission and the error body.
func TestOpenAPIOperations(t *testing.T) {
	cmaDoc, cdaDoc, _, _ := openAPIEnv(t)
	cases := []struct {
		doc          *openapi3.T
		method, path string
		params       []string // "in:name" and "!" when required
		security     []string
		permission   any
		errors       []string
	}{
		{cmaDoc, "GET", "/v3/content_types/{content_type_uid}/entries/{entry_uid}",
			[]string{"path:content_type_uid!", "path:entry_uid!", "header:api_key!", "header:branch"},
			[]string{"authtoken", "console_session", "management_token"}, "entry.read", []string{"401", "403", "412"}},
		{cmaDoc, "POST", "/v3/user-session", nil, nil, "user_session.create", nil},
		{cmaDoc, "DELETE", "/v3/user-session", nil, []string{"authtoken", "console_session"}, "user_session.delete", []string{"401", "403"}},
		{cmaDoc, "GET", "/v3/stacks", []string{"header:api_key", "header:branch"}, []string{"authtoken", "console_session"}, "stack.read", []string{"401", "403", "412"}},
		{cmaDoc, "GET", "/assets/{api_key}/{asset_uid}/{url_secret}/{filename}",
			[]string{"path:api_key!", "path:asset_uid!", "path:url_secret!", "path:filename!"}, nil, "asset.read", nil},
		{cmaDoc, "GET", "/healthz", nil, nil, nil, nil},
		{cdaDoc, "GET", "/v3/content_types/{content_type_uid}/entries",
			[]string{"path:content_type_uid!", "header:api_key!", "header:branch", "query:environment"},
			[]string{"delivery_token"}, "environment.read", []string{"401", "412", "422"}},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			op := c.doc.Paths.Find(c.path).GetOperation(c.method)
			if op == nil {
				t.Fatal("not in the document")
			}
			var params, security, errs []string
			for _, p := range op.Parameters {
				params = append(params, p.Value.In+":"+p.Value.Name+map[bool]string{true: "!"}[p.Value.Required])
			}
			for _, req := range *op.Security {
				for name := range req {
					security = append(security, name)
				}
			}
			for code, r := range op.Responses.Map() {
				if code[0] == '4' && r.Ref == "#/components/responses/Error" {
					errs = append(errs, code)
				}
			}
			sort.Strings(errs)
			if diff := cmp.Diff([]any{c.params, c.security, c.permission, c.errors},
				[]any{params, security, op.Extensions["x-stackd-permission"], errs}); diff != "" {
				t.Errorf("params, security, permission, errors (-want +got):\n%s", diff)
			}
		})
	}
	errBody := cmaDoc.Components.Schemas["Error"].Value
	if errBody == nil || !slices.Equal(errBody.Required, []string{"error_message", "error_code", "errors"}) {
		t.Errorf("the Error schema is not Contentstack's error body: %+v", errBody)
	}
}
