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

// login is POST /v3/user-session.
func (a *API) login(w http.ResponseWriter, r *http.Request, _ *reqCtx) error {
	var body loginBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.User.Email == "" || body.User.Password == "" {
		return domain.Errorf(domain.KindInvalid, domain.CodeLoginFailed, "Please provide an email and a password.").
			WithField("user", "email and password are required.")
	}
	email := strings.ToLower(strings.TrimSpace(body.User.Email))
	spent, err := a.spendLoginTokens(w, r, email)
	if err != nil {
		return err
	}
	u, token, err := a.Auth.Login(r.Context(), email, body.User.Password, body.User.TFAToken)
	if e, ok := domain.AsError(err); !ok || e.Code != domain.CodeLoginFailed {
		a.refundLogin(spent) // only failed logins use the buckets up
	}
	if err != nil {
		if domain.IsKind(err, domain.KindRateLimited) && w.Header().Get("Retry-After") == "" {
			w.Header().Set("Retry-After", "1")
		}
		return err
	}
	orgs, err := a.Store.UserOrgs(r.Context(), u.UID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Login Successful.", "user": userJSON(u, orgs, token)})
	return nil
}

// logout is DELETE /v3/user-session: it revokes the presented token only.
func (a *API) logout(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := a.Store.DeleteSession(r.Context(), auth.HashToken(rc.authtoken)); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("You've logged out successfully."))
	return nil
}
