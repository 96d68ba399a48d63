package api

import (
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/stackd/stackd/internal/domain"
)

// providerTTL is how long a provider's discovery document is reused; its
// signing keys are refreshed by go-oidc whenever a token names an unknown
// key id.
const providerTTL = 10 * time.Minute

// ssoTimeout bounds each call to an identity provider.
const ssoTimeout = 10 * time.Second

// providers caches discovered OpenID providers by issuer (metadata and
// public keys only: no credential or right is cached).
type providers struct {
	mu sync.Mutex
	m  map[string]cachedProvider
}

type cachedProvider struct {
	p  *oidc.Provider
	at time.Time
}

func (a *API) ssoClient() *http.Client {
	if a.SSOClient != nil {
		return a.SSOClient
	}
	return &http.Client{Timeout: ssoTimeout}
}

// provider returns the discovered provider of issuer.
func (a *API) provider(r *http.Request, issuer string) (*oidc.Provider, error) {
	now := a.Now()
	a.oidc.mu.Lock()
	c, ok := a.oidc.m[issuer]
	a.oidc.mu.Unlock()
	if ok && now.Sub(c.at) < providerTTL && now.Sub(c.at) >= 0 {
		return c.p, nil
	}
	p, err := oidc.NewProvider(a.ssoContext(r.Context()), issuer)
	if err != nil {
		return nil, ssoFail("The organization's identity provider could not be reached.", err)
	}
	a.oidc.mu.Lock()
	if a.oidc.m == nil {
		a.oidc.m = map[string]cachedProvider{}
	}
	a.oidc.m[issuer] = cachedProvider{p: p, at: now}
	a.oidc.mu.Unlock()
	return p, nil
}

// oauthConfig is the OAuth client of an organization: its provider's
// endpoints, its client id and (opened) secret, and stackd's callback URL.
func (a *API) oauthConfig(r *http.Request, cfg domain.OrgSSO) (*oauth2.Config, *oidc.Provider, error) {
	p, err := a.provider(r, cfg.Issuer)
	if err != nil {
		return nil, nil, err
	}
	secret, err := a.Box.Open(cfg.ClientSecret)
	if err != nil {
		return nil, nil, err
	}
	return &oauth2.Config{ClientID: cfg.ClientID, ClientSecret: string(secret), Endpoint: p.Endpoint(),
		RedirectURL: a.baseURL(r) + ssoCallbackPath, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, p, nil
}
