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

// cdaRoute is a Content Delivery API route: every one is a GET opened by a
// delivery token.
type cdaRoute struct {
	path string
	h    func(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error
}

// cdaRoutes declares the CDA routes: published content (cda_content.go).
func (a *API) cdaRoutes() []cdaRoute {
	return a.cdaContentRoutes()
}

func (a *API) serveCDA(rt cdaRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = a.withView(r)
		cc, err := a.authorizeCDA(r)
		if err == nil {
			err = rt.h(w, r, cc)
		}
		if err != nil {
			writeError(w, r, a.Log, err)
		}
	})
}

// authorizeCDA checks api_key (412 when unknown), the delivery token in
// access_token (401 when missing or wrong; authtokens and management
// tokens are not delivery tokens) and the environment query parameter,
// which must name the token's environment.
func (a *API) authorizeCDA(r *http.Request) (*cdaCtx, error) {
	st, err := a.Store.Stack(r.Context(), r.Header.Get("api_key"))
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
