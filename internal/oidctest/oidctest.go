// Package oidctest is a small OpenID Connect provider for tests: discovery,
// a JSON Web Key Set, an authorization endpoint that signs the configured
// identity in at once (no login page), and a token endpoint that checks the
// client's secret, the redirect URI and the PKCE verifier and answers an
// RS256-signed ID token. It listens on loopback, and can be told to
// misbehave (a wrong signature, audience, issuer or nonce, an expired
// token) so that tests can watch the relying party refuse.
//
// It is built on go-jose and is meant for tests only: stackd's own tests
// and the console's browser tests start it.
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Identity is who the provider signs in: the claims of the next ID token.
type Identity struct {
	Subject       string
	Email         string
	EmailVerified *bool // nil: the claim is left out
	GivenName     string
	FamilyName    string
}

// Fault makes the provider issue an ID token a relying party must refuse.
type Fault int

// The faults.
const (
	NoFault        Fault = iota
	WrongSignature       // signed by a key the JWKS does not hold (same key id)
	WrongAudience        // aud is another client
	WrongIssuer          // iss is another provider
	Expired              // exp an hour ago
	WrongNonce           // a nonce other than the one the client sent
)

// Bool returns a pointer to b, for Identity.EmailVerified.
func Bool(b bool) *bool { return &b }

// Provider is a running test provider.
type Provider struct {
	ClientID     string
	ClientSecret string
	Now          func() time.Time // the clock ID tokens are dated by; time.Now by default

	srv       *httptest.Server
	key, evil *rsa.PrivateKey
	kid       string

	mu       sync.Mutex
	identity *Identity
	fault    Fault
	grants   map[string]grant
	last     map[string]string // the last authorization request's parameters
}

// grant is an authorization code waiting to be exchanged.
type grant struct {
	redirectURI, challenge, nonce string
	identity                      Identity
	fault                         Fault
}

// New starts a provider on 127.0.0.1 with client id "stackd-test" and a
// random secret. Close it when done.
func New() (*Provider, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("oidctest: generate key: %w", err)
	}
	evil, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("oidctest: generate key: %w", err)
	}
	p := &Provider{ClientID: "stackd-test", ClientSecret: randomString(), Now: time.Now,
		key: key, evil: evil, kid: randomString()[:8], grants: map[string]grant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	p.srv = httptest.NewServer(mux)
	return p, nil
}

// Start is New for a test: the provider closes when tb ends.
func Start(tb testing.TB) *Provider {
	tb.Helper()
	p, err := New()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	return p
}

// Close stops the provider.
func (p *Provider) Close() { p.srv.Close() }

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.srv.URL }

// SignIn sets the identity the next authorization requests sign in;
// without one the provider answers access_denied.
func (p *Provider) SignIn(id Identity) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.identity = &id
}

// SignOut makes the next authorization requests answer access_denied.
func (p *Provider) SignOut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.identity = nil
}

// SetFault makes the next ID tokens carry fault (NoFault to stop).
func (p *Provider) SetFault(f Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fault = f
}

// LastAuthorize returns the parameters of the last authorization request.
func (p *Provider) LastAuthorize() map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]string{}
	for k, v := range p.last {
		out[k] = v
	}
	return out
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer": p.Issuer(), "authorization_endpoint": p.Issuer() + "/authorize", "token_endpoint": p.Issuer() + "/token",
		"jwks_uri": p.Issuer() + "/jwks", "response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"}, "code_challenge_methods_supported": []string{"S256"},
		"scopes_supported": []string{"openid", "email", "profile"}, "token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}

func (p *Provider) jwks(w http.ResponseWriter, _ *http.Request) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: p.kid, Algorithm: string(jose.RS256), Use: "sig"}}}
	writeJSON(w, http.StatusOK, set)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = jsonEncode(w, v)
}

func randomString() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// s256 is the PKCE S256 challenge of a verifier.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// signer signs with the provider's key, or with the impostor key that the
// JWKS does not hold under the same key id.
func (p *Provider) signer(f Fault) (jose.Signer, error) {
	key := p.key
	if f == WrongSignature {
		key = p.evil
	}
	return jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", p.kid))
}

// idToken signs the ID token of a grant for the client.
func (p *Provider) idToken(g grant) (string, error) {
	sig, err := p.signer(g.fault)
	if err != nil {
		return "", fmt.Errorf("oidctest: signer: %w", err)
	}
	now := p.Now()
	claims := map[string]any{"iss": p.Issuer(), "sub": g.identity.Subject, "aud": p.ClientID, "iat": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix(), "nonce": g.nonce, "email": g.identity.Email,
		"given_name": g.identity.GivenName, "family_name": g.identity.FamilyName}
	if g.identity.EmailVerified != nil {
		claims["email_verified"] = *g.identity.EmailVerified
	}
	switch g.fault {
	case WrongAudience:
		claims["aud"] = "another-client"
	case WrongIssuer:
		claims["iss"] = "https://impostor.example.com"
	case Expired:
		claims["iat"], claims["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
	case WrongNonce:
		claims["nonce"] = randomString()
	}
	return jwt.Signed(sig).Claims(claims).Serialize()
}
