package api

import (
	"net/http"
	"strings"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

type loginBody struct {
	User struct {
		Email    string `json:"email"`
		Password string `json:"password"`
		TFAToken string `json:"tfa_token"`
	} `json:"user"`
}

// login is POST /v3/user-session. With ?session=cookie it opens a console
// session instead of an authtoken (console_session.go).
func (a *API) login(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	spec, err := a.loginSpec(r)
	if err != nil {
		return err
	}
	var body loginBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.User.Email == "" || body.User.Password == "" {
		return domain.Errorf(domain.KindInvalid, domain.CodeLoginFailed, "Please provide an email and a password.").
			WithField("user", "email and password are required.")
	}
	email := strings.ToLower(strings.TrimSpace(body.User.Email))
	if err := a.loginAllowed(r, email); err != nil {
		return err
	}
	u, token, err := a.Auth.LoginAs(r.Context(), email, body.User.Password, body.User.TFAToken, spec)
	if err != nil {
		if e, ok := domain.AsError(err); ok && e.Code == domain.CodeLoginFailed {
			a.loginFailed(r, email)
		}
		return err
	}
	if spec.Kind == domain.SessionConsole {
		return a.startConsole(w, r, u, token)
	}
	orgs, err := a.Store.UserOrgs(r.Context(), u.UID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Login Successful.", "user": userJSON(u, orgs, token)})
	return nil
}

// loginSpec reads the session marker: none for an authtoken, "cookie" for
// a console session, which a page of another origin may not open (that
// would sign a victim's browser in to the attacker's account).
func (a *API) loginSpec(r *http.Request) (auth.SessionSpec, error) {
	switch r.URL.Query().Get("session") {
	case "":
		return auth.APISession, nil
	case "cookie":
		return a.consoleSpec(""), a.sameOrigin(r)
	}
	return auth.SessionSpec{}, domain.ErrInvalid("session", "must be cookie, or absent for an authtoken.")
}

// logout is DELETE /v3/user-session: it revokes the presented authtoken or
// console session only, and clears the console's cookie.
func (a *API) logout(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := a.Store.DeleteSession(r.Context(), rc.sessionHash); err != nil {
		return err
	}
	if rc.console() {
		a.clearSessionCookie(w, r)
	}
	writeJSON(w, http.StatusOK, notice("You've logged out successfully."))
	return nil
}
