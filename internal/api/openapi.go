package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// The OpenAPI 3 documents served at GET /openapi.json are generated from
// the same declarations the routers are built from (the route tables and
// opsRoutes), so they can neither list a route that does not exist nor miss
// one. Each listener describes itself: the CMA's document its routes, the
// CDA's its own (the two share paths such as /v3/content_types with other
// meanings, which one OpenAPI document cannot hold).

type oaDoc struct {
	OpenAPI    string                      `json:"openapi"`
	Info       map[string]string           `json:"info"`
	Paths      map[string]map[string]*oaOp `json:"paths"` // path → lower-case method → operation
	Components map[string]map[string]any   `json:"components"`
}

type oaOp struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary,omitempty"`
	Tags        []string              `json:"tags,omitempty"`
	Parameters  []oaParam             `json:"parameters,omitempty"`
	Security    []map[string][]string `json:"security"` // empty: no credential
	Responses   map[string]any        `json:"responses"`
	Permission  string                `json:"x-stackd-permission,omitempty"`
	Stack       string                `json:"x-stackd-stack,omitempty"`
}

type oaParam struct {
	Name        string         `json:"name"`
	In          string         `json:"in"`
	Required    bool           `json:"required"`
	Description string         `json:"description,omitempty"`
	Schema      map[string]any `json:"schema"`
}

// Security scheme names, one per credential kind.
const (
	schemeAuthtoken  = "authtoken"
	schemeConsole    = "console_session" // the web console's cookie: the same credential kind as an authtoken
	schemeManagement = "management_token"
	schemeDelivery   = "delivery_token"
)

// cdaPermission is what every CDA route needs: a delivery token, whose
// scope is read access to one environment's published content.
const cdaPermission = "environment.read"

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("api: marshal OpenAPI document: " + err.Error()) // only plain values: cannot happen
	}
	return b
}

func newDoc(title, desc string) *oaDoc {
	return &oaDoc{OpenAPI: "3.0.3", Info: map[string]string{"title": title, "version": "v3", "description": desc},
		Paths: map[string]map[string]*oaOp{}, Components: components()}
}

func (d *oaDoc) add(method, path string, op *oaOp) {
	if d.Paths[path] == nil {
		d.Paths[path] = map[string]*oaOp{}
	}
	op.OperationID = operationID(method, path)
	op.Parameters = append(pathParams(path), op.Parameters...)
	d.Paths[path][strings.ToLower(method)] = op
}

// cmaDocument describes the CMA listener.
func (a *API) cmaDocument() *oaDoc {
	d := newDoc("stackd Content Management API",
		"Contentstack-compatible Content Management API. x-stackd-permission names the permission (module.action) a route needs on the stack; x-stackd-stack says whether the api_key header is required, optional or not read.")
	for _, rt := range a.routes {
		d.add(rt.method, rt.path, cmaOperation(rt))
	}
	a.addOps(d, onCMA)
	return d
}

// cdaDocument describes the CDA listener.
func (a *API) cdaDocument() *oaDoc {
	d := newDoc("stackd Content Delivery API",
		"Contentstack-compatible Content Delivery API: published content of the delivery token's environment.")
	for _, rt := range a.cdaRoutes() {
		op := &oaOp{Tags: []string{"delivery"}, Security: []map[string][]string{{schemeDelivery: {}}},
			Permission: cdaPermission, Stack: "required", Parameters: stackParams(true),
			Responses: errorResponses(successResponse(), "401", "412", "422")}
		op.Parameters = append(op.Parameters, oaParam{Name: "environment", In: "query",
			Description: "the delivery token's environment (name or uid); another one is refused", Schema: strSchema()})
		d.add(http.MethodGet, rt.path, op)
	}
	a.addOps(d, onCDA)
	return d
}

func (a *API) addOps(d *oaDoc, l listenerSet) {
	for _, rt := range a.opsRoutesOn(l) {
		d.add(rt.method, rt.path, &oaOp{Summary: rt.summary, Tags: []string{"operations"},
			Security: []map[string][]string{}, Responses: errorResponses(successResponse())})
	}
}

// cmaOperation turns one route declaration into its operation.
func cmaOperation(rt route) *oaOp {
	op := &oaOp{Tags: []string{string(rt.perm.Module)}, Security: security(rt.creds),
		Permission: string(rt.perm.Module) + "." + string(rt.perm.Action)}
	codes := []string{}
	if rt.creds != anyone {
		codes = append(codes, "401", "403")
	}
	switch rt.stack {
	case needStack:
		op.Stack, op.Parameters = "required", stackParams(true)
		codes = append(codes, "412")
	case optionalStack:
		op.Stack, op.Parameters = "optional", stackParams(false)
		codes = append(codes, "412")
	case needOrg:
		op.Stack = "organization" // the path's organization; a caller outside it gets 422
		codes = append(codes, "422")
	default:
		op.Stack = "none"
	}
	op.Responses = errorResponses(successResponse(), codes...)
	return op
}

// security lists the credential kinds a route accepts, each one
// alternative; an empty list means no credential.
func security(k domain.CredKind) []map[string][]string {
	out := []map[string][]string{}
	if k.Has(domain.CredUser) {
		out = append(out, map[string][]string{schemeAuthtoken: {}}, map[string][]string{schemeConsole: {}})
	}
	if k.Has(domain.CredManagement) {
		out = append(out, map[string][]string{schemeManagement: {}})
	}
	return out
}

// stackParams are the headers that name the stack and its branch.
func stackParams(required bool) []oaParam {
	return []oaParam{
		{Name: "api_key", In: "header", Required: required, Description: "the stack's API key", Schema: strSchema()},
		{Name: "branch", In: "header", Description: "the branch (default main)", Schema: strSchema()},
	}
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// pathParams declares the {name} segments of a chi pattern, which are
// OpenAPI's path template syntax too.
func pathParams(path string) []oaParam {
	var out []oaParam
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		out = append(out, oaParam{Name: m[1], In: "path", Required: true, Schema: strSchema()})
	}
	return out
}

var nonWord = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// operationID is unique per method and path: "get_v3_content_types_content_type_uid".
// A trailing wildcard reads "_any" and the root path "root".
func operationID(method, path string) string {
	name := strings.Trim(nonWord.ReplaceAllString(strings.ReplaceAll(path, "*", "any"), "_"), "_")
	if name == "" {
		name = "root"
	}
	return strings.ToLower(method) + "_" + name
}

func strSchema() map[string]any { return map[string]any{"type": "string"} }

func successResponse() map[string]any {
	return map[string]any{"description": "Success."}
}

// errorResponses lists the success answer and the error answers a route
// can give, each with the Contentstack error body.
func errorResponses(ok map[string]any, codes ...string) map[string]any {
	out := map[string]any{"2XX": ok, "default": errRef()}
	for _, c := range codes {
		out[c] = errRef()
	}
	return out
}

func errRef() map[string]any { return map[string]any{"$ref": "#/components/responses/Error"} }

// components holds the security schemes and Contentstack's error body.
func components() map[string]map[string]any {
	header := func(name, desc string) map[string]any {
		return map[string]any{"type": "apiKey", "in": "header", "name": name, "description": desc}
	}
	return map[string]map[string]any{
		"securitySchemes": {
			schemeAuthtoken: header("authtoken", "a user session's authtoken, from POST /v3/user-session"),
			schemeConsole: map[string]any{"type": "apiKey", "in": "cookie", "name": "stackd_session",
				"description": "the web console's session cookie, from POST /v3/user-session?session=cookie: same-origin requests only, writes need the X-CSRF-Token header"},
			schemeManagement: header("authorization", "a stack management token (optionally prefixed with Bearer)"),
			schemeDelivery:   header("access_token", "a delivery token (CDA only)"),
		},
		"schemas": {"Error": map[string]any{
			"type":     "object",
			"required": []string{"error_message", "error_code", "errors"},
			"properties": map[string]any{
				"error_message": map[string]any{"type": "string"},
				"error_code":    map[string]any{"type": "integer"},
				"errors": map[string]any{"type": "object",
					"additionalProperties": map[string]any{"type": "array", "items": strSchema()}},
			},
		}},
		"responses": {"Error": map[string]any{
			"description": "Contentstack's error body.",
			"content":     map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}},
		}},
	}
}
