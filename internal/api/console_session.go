package api

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

// The web console signs in with a cookie instead of an authtoken (see
// docs/security.md): POST /v3/user-session?session=cookie opens a
// server-side session whose secret lives only in an HttpOnly, SameSite=Strict
// cookie, so page scripts never hold a credential. The cookie is a "user"
// credential (domain.CredUser, the same rights as the user's authtoken) on
// every route that accepts one, but it counts only on same-origin requests,
// every write made with it must carry the session's CSRF token, and no
// answer to a cookie-authenticated request contains an authtoken.

// SessionCookie is the name of the console session cookie.
const SessionCookie = "stackd_session"

// CSRFHeader carries a console session's CSRF token on writes.
const CSRFHeader = "X-CSRF-Token"

// Default console session lifetimes (flags --console-idle-timeout and
// --console-session-lifetime).
const (
	DefaultConsoleIdle     = 30 * time.Minute
	DefaultConsoleLifetime = 12 * time.Hour
)

// touchSlack bounds how stale a console session's idle deadline may be, so
// that using the console costs a write at most once a minute.
const touchSlack = time.Minute

// consoleSpec is the session a console sign-in opens.
func (a *API) consoleSpec(ssoOrg string) auth.SessionSpec {
	idle, life := a.ConsoleIdle, a.ConsoleLifetime
	if idle <= 0 {
		idle = DefaultConsoleIdle
	}
	if life <= 0 {
		life = DefaultConsoleLifetime
	}
	return auth.SessionSpec{Kind: domain.SessionConsole, SSOOrg: ssoOrg, Idle: idle, Lifetime: life}
}

// setSessionCookie hands the browser its session secret; Secure when the
// console is reached over TLS.
func (a *API) setSessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: secret, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: a.overTLS(r)})
	w.Header().Set("Cache-Control", "no-store")
}

// clearSessionCookie tells the browser to forget its session cookie.
func (a *API) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: a.overTLS(r)})
}

func (a *API) overTLS(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(a.PublicURL, "https://")
}

// csrfToken is the CSRF token of a console session secret.
func (a *API) csrfToken(secret string) string { return auth.CSRFToken(a.Auth.Key, secret) }

// authenticateConsole identifies a request by its console session cookie:
// same origin only; the session must exist and be neither idle nor past
// its absolute end; a write must carry the session's CSRF token.
func (a *API) authenticateConsole(r *http.Request, secret string, rc *reqCtx) error {
	if err := a.sameOrigin(r); err != nil {
		return err
	}
	now, hash := a.Now(), auth.HashToken(secret)
	u, sess, err := a.Store.SessionByHash(r.Context(), hash, domain.SessionConsole)
	if err != nil {
		return err
	}
	if sess.Expired(now) {
		if err := a.Store.DeleteSession(r.Context(), hash); err != nil {
			a.Log.WarnContext(r.Context(), "could not drop an expired console session", "err", err)
		}
		return domain.ErrUnauthorized(SessionCookie)
	}
	csrf := a.csrfToken(secret)
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !auth.Equal(r.Header.Get(CSRFHeader), csrf) {
		return errCSRF()
	}
	a.touchConsole(r, sess, now)
	rc.user, rc.sessionHash, rc.csrf, rc.ssoOrg = &u, hash, csrf, sess.SSOOrg
	rc.principal = domain.Principal{Kind: domain.CredUser, UserUID: u.UID}
	return nil
}

// touchConsole moves the session's idle deadline forward, at most once a
// minute (so the idle timeout is exact to within that minute).
func (a *API) touchConsole(r *http.Request, sess domain.Session, now time.Time) {
	idle := a.consoleSpec("").Idle
	if sess.IdleUntil.Sub(now) > idle-touchSlack {
		return
	}
	if err := a.Store.TouchSession(r.Context(), sess.TokenHash, now.Add(idle)); err != nil {
		a.Log.WarnContext(r.Context(), "could not record console session use", "err", err)
	}
}

// sameOrigin refuses a cookie-authenticated request from another origin:
// an Origin header, when sent, must be stackd's own (--public-url's, or the
// scheme and Host the request came to), and Sec-Fetch-Site, when sent,
// must be same-origin.
func (a *API) sameOrigin(r *http.Request) error {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return errCrossOrigin()
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil
	}
	if a.PublicURL != "" && origin == originOf(a.PublicURL) {
		return nil
	}
	if u, err := url.Parse(origin); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host == r.Host && origin == u.Scheme+"://"+u.Host {
		return nil
	}
	return errCrossOrigin()
}

// originOf is the scheme://host[:port] of a URL.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func errCSRF() error {
	return domain.Errorf(domain.KindForbidden, domain.CodeUnauthorized,
		"A console session's write needs its CSRF token in the %s header.", CSRFHeader).WithField(CSRFHeader, "is missing or not valid.")
}

func errCrossOrigin() error {
	return domain.Errorf(domain.KindForbidden, domain.CodeUnauthorized,
		"A console session counts only on requests from stackd's own origin.").WithField("Origin", "is not stackd's origin.")
}

// startConsole answers a console sign-in: the session cookie, and the user
// without an authtoken but with the session's CSRF token.
func (a *API) startConsole(w http.ResponseWriter, r *http.Request, u domain.User, secret string) error {
	orgs, err := a.Store.UserOrgs(r.Context(), u.UID)
	if err != nil {
		return err
	}
	a.setSessionCookie(w, r, secret)
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Login Successful.", "user": userJSON(u, orgs, ""),
		"csrf_token": a.csrfToken(secret)})
	return nil
}

// logoutEverywhere is DELETE /v3/user-sessions: every authtoken and every
// console session of the caller is revoked, the presented one included.
func (a *API) logoutEverywhere(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	n, err := a.Store.DeleteUserSessions(r.Context(), rc.user.UID)
	if err != nil {
		return err
	}
	if rc.console() {
		a.clearSessionCookie(w, r)
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "You've been signed out of every session.", "sessions": n})
	return nil
}
