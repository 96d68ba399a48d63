package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

// cdaCtx is what the CDA's credential check learned: the stack, the
// delivery token and the one environment it reads.
type cdaCtx struct {
	stack domain.Stack
	token domain.DeliveryToken
	env   domain.Environment
}

// cdaRoute is a Content Delivery API route: a GET opened by a delivery
// token (creds CredDelivery), or by no credential at all (CredNone: the
// public URL of an asset's file, whose unguessable secret is the
// permission). A CredNone handler gets a nil cdaCtx.
//
// The GraphQL endpoint (graphql set) takes GET and POST and answers its
// errors, credential errors included, as GraphQL errors (cda_graphql.go).
type cdaRoute struct {
	method  string
	path    string
	creds   domain.CredKind
	h       func(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error
	graphql bool
}

// cdaGet declares a GET route of the CDA.
func cdaGet(path string, creds domain.CredKind, h func(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error) cdaRoute {
	return cdaRoute{method: http.MethodGet, path: path, creds: creds, h: h}
}

// cdaRoutes declares every CDA route: published content (cda_content.go),
// global fields and the asset files the CDA's asset URLs point to. A
// route missing here does not exist; the CDA credential tests read this
// table and compare it with expectations written separately.
func (a *API) cdaRoutes() []cdaRoute {
	return append(a.cdaContentRoutes(),
		cdaGet("/v3/global_fields", domain.CredDelivery, a.cdaGlobalFields),
		cdaGet("/v3/global_fields/{global_field_uid}", domain.CredDelivery, a.cdaGlobalField),
		cdaGet("/assets/{api_key}/{asset_uid}/{url_secret}/{filename}", domain.CredNone, a.cdaPublicAsset),
		cdaRoute{method: http.MethodGet, path: "/stacks/{api_key}", creds: domain.CredDelivery, h: a.cdaGraphQL, graphql: true},
		cdaRoute{method: http.MethodPost, path: "/stacks/{api_key}", creds: domain.CredDelivery, h: a.cdaGraphQL, graphql: true},
	)
}

// CDARouteDecl is a CDA route's declaration without its handler, for tests
// and docs.
type CDARouteDecl struct {
	Method, Path string
	Creds        domain.CredKind
}

// CDARoutes returns the declaration of every CDA route.
func CDARoutes() []CDARouteDecl {
	var out []CDARouteDecl
	for _, rt := range (&API{}).cdaRoutes() {
		out = append(out, CDARouteDecl{Method: rt.method, Path: rt.path, Creds: rt.creds})
	}
	return out
}

// serveCDA runs a CDA route: a delivery-token route's answer is held so
// that it gets its strong ETag (cda_etag.go); the file route answers
// with its own ETag, ranges and conditional requests.
func (a *API) serveCDA(rt cdaRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.graphql {
			a.serveGraphQL(w, r, rt)
			return
		}
		if rt.creds == domain.CredNone {
			if err := rt.h(w, r, nil); err != nil {
				writeError(w, r, a.Log, err)
			}
			return
		}
		held := &heldResponse{header: w.Header(), status: http.StatusOK}
		r = a.withView(r)
		cc, err := a.authorizeCDA(r)
		if err == nil {
			err = rt.h(held, r, cc)
		}
		if err != nil {
			writeError(w, r, a.Log, err)
			return
		}
		held.send(w, r)
	})
}

// cdaPublicAsset is the asset file route on the CDA listener, so that the
// asset URLs the CDA hands out (built from the CDA request's host, or
// --cda-public-url) answer there: the same handler as the CMA's.
func (a *API) cdaPublicAsset(w http.ResponseWriter, r *http.Request, _ *cdaCtx) error {
	return a.publicAsset(w, r, nil)
}

// authorizeCDA checks api_key (412 when unknown), the delivery token in
// access_token (401 when missing or wrong; authtokens and management
// tokens are not delivery tokens) and the environment query parameter,
// which must name the token's environment.
func (a *API) authorizeCDA(r *http.Request) (*cdaCtx, error) {
	apiKey := r.PathValue("api_key") // the GraphQL endpoint names the stack in its path
	if apiKey == "" {
		apiKey = r.Header.Get("api_key")
	}
	st, err := a.Store.Stack(r.Context(), apiKey)
	if err != nil {
		return nil, err
	}
	secret := r.Header.Get("access_token")
	if secret == "" {
		return nil, domain.ErrUnauthorized("access_token")
	}
	t, err := a.Store.DeliveryTokenByHash(r.Context(), auth.HashToken(secret))
	if err != nil {
		return nil, err
	}
	if t.APIKey != st.APIKey {
		return nil, domain.ErrUnauthorized("access_token")
	}
	env, err := a.Store.Environment(r.Context(), st.APIKey, t.EnvironmentUID)
	if err != nil {
		return nil, err
	}
	if name := r.URL.Query().Get("environment"); name != "" && name != env.Name && name != env.UID {
		return nil, domain.ErrInvalid("environment", "is not the environment of this delivery token.")
	}
	if _, err := requestBranch(r); err != nil {
		return nil, err
	}
	return &cdaCtx{stack: st, token: t, env: env}, nil
}
