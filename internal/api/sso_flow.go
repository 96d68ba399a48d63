package api

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/console"
	"github.com/stackd/stackd/internal/domain"
)

// The browser's single sign-on (OpenID Connect authorization code flow with
// PKCE): GET /v3/sso/start?org=<uid> sends the browser to the
// organization's identity provider with a fresh state, nonce and PKCE
// challenge, kept sealed in a short-lived cookie; GET /v3/sso/callback
// checks the state, exchanges the code with the verifier, verifies the ID
// token (signature, issuer, audience, expiry, nonce; go-oidc), requires
// email_verified, finds or provisions the user (sso_login.go) and opens a
// console session. Every failure sends the browser to the console with
// ?sso_error=<message>; nothing secret is logged.

// ssoFlowCookie holds the sealed state of one sign-in in progress.
const ssoFlowCookie = "stackd_sso"

// ssoFlowTTL is how long a started sign-in may take at the provider.
const ssoFlowTTL = 10 * time.Minute

// ssoFlow is what the start step remembers for the callback.
type ssoFlow struct {
	Org      string `json:"o"`
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Expires  int64  `json:"e"` // Unix seconds
}

// ssoError is a failure the browser is told about (its message is shown
// by the console); err is logged beside it.
type ssoError struct {
	msg string
	err error
}

func (e *ssoError) Error() string { return e.msg }

func ssoFail(msg string, err error) error { return &ssoError{msg: msg, err: err} }

// ssoStart is GET /v3/sso/start?org=<org_uid>.
func (a *API) ssoStart(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	if err := a.startSSO(w, r, r.URL.Query().Get("org")); err != nil {
		a.ssoRedirectError(w, r, err)
	}
	return nil
}

func (a *API) startSSO(w http.ResponseWriter, r *http.Request, orgUID string) error {
	if !domain.ValidUID(orgUID) {
		return ssoFail("Enter the uid of your organization.", nil)
	}
	cfg, err := a.Store.OrgSSO(r.Context(), orgUID)
	if domain.IsKind(err, domain.KindInvalid) {
		return ssoFail("Single sign-on is not configured for this organization.", nil)
	}
	if err != nil {
		return err
	}
	conf, _, err := a.oauthConfig(r, cfg)
	if err != nil {
		return err
	}
	flow := ssoFlow{Org: orgUID, State: auth.NewConsoleSecret(), Nonce: auth.NewConsoleSecret(), Verifier: oauth2.GenerateVerifier(),
		Expires: a.Now().Add(ssoFlowTTL).Unix()}
	if err := a.setFlowCookie(w, r, flow); err != nil {
		return err
	}
	target := conf.AuthCodeURL(flow.State, oidc.Nonce(flow.Nonce), oauth2.S256ChallengeOption(flow.Verifier))
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// ssoCallback is GET /v3/sso/callback?code=…&state=… (or error=…).
func (a *API) ssoCallback(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	flow, ferr := a.readFlowCookie(r)
	a.clearFlowCookie(w, r)
	if err := a.finishSSO(w, r, flow, ferr); err != nil {
		a.ssoRedirectError(w, r, err)
	}
	return nil
}

func (a *API) finishSSO(w http.ResponseWriter, r *http.Request, flow ssoFlow, flowErr error) error {
	q := r.URL.Query()
	if flowErr != nil || !auth.Equal(q.Get("state"), flow.State) {
		return ssoFail("The sign-in expired or was started in another browser; please start again.", flowErr)
	}
	if e := q.Get("error"); e != "" {
		return ssoFail("The identity provider refused the sign-in ("+e+").", nil)
	}
	cfg, err := a.Store.OrgSSO(r.Context(), flow.Org)
	if domain.IsKind(err, domain.KindInvalid) {
		return ssoFail("Single sign-on is not configured for this organization.", nil)
	}
	if err != nil {
		return err
	}
	claims, err := a.exchange(r, cfg, flow, q.Get("code"))
	if err != nil {
		return err
	}
	u, err := a.ssoUser(r.Context(), cfg, claims)
	if err != nil {
		return err
	}
	secret, err := a.Auth.OpenSession(r.Context(), u, a.consoleSpec(cfg.OrgUID))
	if err != nil {
		return err
	}
	a.setSessionCookie(w, r, secret)
	http.Redirect(w, r, a.baseURL(r)+console.Prefix, http.StatusFound)
	return nil
}

// ssoClaims are the ID token's facts stackd uses.
type ssoClaims struct {
	Issuer, Subject string
	Email           string `json:"email"`
	EmailVerified   any    `json:"email_verified"` // true; some providers send "true"
	GivenName       string `json:"given_name"`
	FamilyName      string `json:"family_name"`
}

// exchange trades the code (with the PKCE verifier) for an ID token and
// verifies it: signature by the provider's keys, issuer, audience (the
// client id), expiry, and the nonce of this sign-in.
func (a *API) exchange(r *http.Request, cfg domain.OrgSSO, flow ssoFlow, code string) (ssoClaims, error) {
	conf, provider, err := a.oauthConfig(r, cfg)
	if err != nil {
		return ssoClaims{}, err
	}
	ctx := a.ssoContext(r.Context())
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(flow.Verifier))
	if err != nil {
		return ssoClaims{}, ssoFail("The identity provider did not accept the sign-in code.", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return ssoClaims{}, ssoFail("The identity provider sent no ID token.", nil)
	}
	idt, err := provider.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: a.Now}).Verify(ctx, raw)
	if err == nil && !auth.Equal(idt.Nonce, flow.Nonce) {
		err = errors.New("nonce mismatch")
	}
	if err != nil {
		return ssoClaims{}, ssoFail("The identity provider's ID token could not be verified.", err)
	}
	c := ssoClaims{Issuer: idt.Issuer, Subject: idt.Subject}
	if err := idt.Claims(&c); err != nil {
		return ssoClaims{}, ssoFail("The identity provider's ID token could not be read.", err)
	}
	if v := c.EmailVerified; v != true && v != "true" {
		return ssoClaims{}, ssoFail("The identity provider did not confirm the email address (email_verified).", nil)
	}
	return c, nil
}

// ssoRedirectError sends the browser to the console with the message of a
// failed sign-in; server faults get a generic message and a log line.
func (a *API) ssoRedirectError(w http.ResponseWriter, r *http.Request, err error) {
	msg := "Single sign-on failed; please try again or ask your administrator (request id " + requestID(r) + ")."
	var se *ssoError
	if errors.As(err, &se) {
		msg = se.msg
		a.Log.InfoContext(r.Context(), "sso sign-in refused", "reason", se.msg, "err", se.err, "request_id", requestID(r))
	} else {
		a.Log.ErrorContext(r.Context(), "sso sign-in failed", "err", err, "request_id", requestID(r))
	}
	http.Redirect(w, r, a.baseURL(r)+console.Prefix+"?sso_error="+url.QueryEscape(msg), http.StatusFound)
}

// setFlowCookie seals flow into the short-lived cookie. SameSite=Lax: the
// provider's redirect back is a cross-site top-level navigation, which a
// Strict cookie would not accompany; the cookie is only read on
// /v3/sso/, and holds no credential.
func (a *API) setFlowCookie(w http.ResponseWriter, r *http.Request, flow ssoFlow) error {
	raw, err := json.Marshal(flow)
	if err != nil {
		return fmt.Errorf("api: encode sso flow: %w", err)
	}
	http.SetCookie(w, &http.Cookie{Name: ssoFlowCookie, Value: base64.RawURLEncoding.EncodeToString(a.Box.Seal(raw)),
		Path: "/v3/sso/", MaxAge: int(ssoFlowTTL.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.overTLS(r)})
	return nil
}

func (a *API) clearFlowCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: ssoFlowCookie, Value: "", Path: "/v3/sso/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: a.overTLS(r)})
}

func (a *API) readFlowCookie(r *http.Request) (ssoFlow, error) {
	var flow ssoFlow
	c, err := r.Cookie(ssoFlowCookie)
	if err != nil {
		return flow, errors.New("no sso flow cookie")
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return flow, fmt.Errorf("decode sso flow cookie: %w", err)
	}
	raw, err := a.Box.Open(sealed)
	if err != nil {
		return flow, err
	}
	if err := json.Unmarshal(raw, &flow); err != nil {
		return flow, fmt.Errorf("read sso flow cookie: %w", err)
	}
	if a.Now().Unix() > flow.Expires {
		return flow, errors.New("sso flow expired")
	}
	return flow, nil
}

// ssoContext carries the HTTP client go-oidc and oauth2 talk to the
// provider with.
func (a *API) ssoContext(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, a.ssoClient())
}
