package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stackd/stackd/internal/api"
	"github.com/stackd/stackd/internal/apitest"
)

// cdaCredentials are the credentials every CDA route is tried with, in
// the order of cdaMatrixRow.want:
//
//	delivery other_delivery management authtoken none
//
// delivery is a delivery token of the stack; other_delivery one of
// another stack; management a management token of the stack and
// authtoken the owner's, each sent both in its own header and as
// access_token; none sends only api_key.
var cdaCredentials = []string{"delivery", "other_delivery", "management", "authtoken", "none"}

// cdaMatrixRow is one CDA route, a concrete path and the expected status
// for each credential. The expectations are written by hand (spec §4:
// the CDA takes delivery tokens only; asset file URLs take none) and
// never derived from the route table under test.
type cdaMatrixRow struct {
	route, path, want string
}

var cdaMatrixRows = []cdaMatrixRow{
	{"GET /v3/content_types", "/v3/content_types", "200 401 401 401 401"},
	{"GET /v3/content_types/{content_type_uid}", "/v3/content_types/article", "200 401 401 401 401"},
	{"GET /v3/content_types/{content_type_uid}/entries", "/v3/content_types/article/entries?include[]=author", "200 401 401 401 401"},
	{"GET /v3/content_types/{content_type_uid}/entries/{entry_uid}", "/v3/content_types/article/entries/{a1}", "200 401 401 401 401"},
	{"GET /v3/assets", "/v3/assets", "200 401 401 401 401"},
	{"GET /v3/assets/{asset_uid}", "/v3/assets/{pic}", "200 401 401 401 401"},
	{"GET /v3/global_fields", "/v3/global_fields", "200 401 401 401 401"},
	{"GET /v3/global_fields/{global_field_uid}", "/v3/global_fields/seo", "200 401 401 401 401"},
	{"GET /v3/stacks/sync", "/v3/stacks/sync?init=true", "200 401 401 401 401"},
	// GraphQL: the stack in the path, the delivery token in access_token.
	{"GET /stacks/{api_key}", "/stacks/{api_key}?query=%7B__typename%7D", "200 401 401 401 401"},
	{"POST /stacks/{api_key}", "/stacks/{api_key}", "200 401 401 401 401"},
	// The file of an asset: the unguessable secret in the path is the permission.
	{"GET /assets/{api_key}/{asset_uid}/{url_secret}/{filename}", "{pic_path}", "200 200 200 200 200"},
}

func cdaCredentialHeaders(c string) map[string]string {
	h := map[string]string{"api_key": "{api_key}"}
	switch c {
	case "delivery":
		h["access_token"] = "{dt_dev}"
	case "other_delivery":
		h["access_token"] = "{other_dt}"
	case "management":
		h["authorization"], h["access_token"] = "{mt}", "{mt}"
	case "authtoken":
		h["authtoken"], h["access_token"] = "{owner}", "{owner}"
	}
	return h
}

// TestCDAMatrixCoversEveryRoute fails for a CDA route without a row and a
// row without a route.
func TestCDAMatrixCoversEveryRoute(t *testing.T) {
	declared := map[string]bool{}
	for _, r := range api.CDARoutes() {
		declared[r.Method+" "+r.Path] = true
	}
	rows := map[string]bool{}
	for _, row := range cdaMatrixRows {
		if rows[row.route] {
			t.Errorf("two CDA rows for %s", row.route)
		}
		rows[row.route] = true
		if !declared[row.route] {
			t.Errorf("CDA row %s names no declared route", row.route)
		}
		if n := len(strings.Fields(row.want)); n != len(cdaCredentials) {
			t.Errorf("%s: %d expectations for %d credentials", row.route, n, len(cdaCredentials))
		}
	}
	for r := range declared {
		if !rows[r] {
			t.Errorf("CDA route %s has no row in the credential matrix", r)
		}
	}
}

// TestCDACredentialMatrix runs every CDA route with every credential.
func TestCDACredentialMatrix(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *apitest.Env) {
		cdaMatrixSeed(t, e)
		for _, row := range cdaMatrixRows {
			want := strings.Fields(row.want)
			method := strings.Fields(row.route)[0]
			var body any
			if method == "POST" {
				body = map[string]any{"query": "{ __typename }"}
			}
			for i, c := range cdaCredentials {
				rec := e.Send(e.CDA, method, row.path, cdaCredentialHeaders(c), body)
				if strconv.Itoa(rec.Code) != want[i] {
					t.Errorf("%s as %s: %d, want %s; body %s", row.route, c, rec.Code, want[i], rec.Body.String())
				}
			}
		}
	})
}

// cdaMatrixSeed adds to the include fixture a global field, a management
// token, a delivery token of another stack and the path of an asset's
// file as the CDA hands it out.
func cdaMatrixSeed(t *testing.T, e *apitest.Env) {
	t.Helper()
	includeFixture(t, e)
	mustCreate(t, e, "/v3/global_fields", hdr("owner", "api_key"), map[string]any{"global_field": map[string]any{"title": "SEO", "uid": "seo",
		"schema": []any{map[string]any{"display_name": "Keywords", "uid": "keywords", "data_type": "text"}}}}, "global_field")
	_, e.Vars["mt"] = createToken(t, e, []any{rw("$all"), branches("main")}, nil)
	mustCreate(t, e, "/v3/environments", hdr("outsider", "other_key"), map[string]any{"environment": map[string]any{"name": "development"}}, "environment")
	status, body := e.Do("POST", "/v3/stacks/delivery_tokens", hdr("outsider", "other_key"), map[string]any{"token": map[string]any{"name": "o",
		"scope": []any{map[string]any{"module": "environment", "environments": []any{"development"}, "acl": map[string]any{"read": true}}, branches("main")}}})
	if status != 201 {
		t.Fatalf("other stack's delivery token: %d %v", status, body)
	}
	e.Vars["other_dt"] = body["token"].(map[string]any)["token"].(string)
	_, body = cdaGet(e, "dt_dev", "/v3/assets/{pic}")
	u, err := url.Parse(body["asset"].(map[string]any)["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	e.Vars["pic_path"] = u.Path
}
