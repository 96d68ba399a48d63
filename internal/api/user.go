package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// getUser is GET /v3/user. It echoes the authtoken it was called with, as
// Contentstack does; a console session gets its CSRF token instead.
func (a *API) getUser(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	orgs, err := a.Store.UserOrgs(r.Context(), rc.user.UID)
	if err != nil {
		return err
	}
	body := map[string]any{"user": userJSON(*rc.user, orgs, rc.authtoken)}
	if rc.console() {
		body["csrf_token"] = rc.csrf // a reloaded console page recovers it here; never an authtoken
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

type userUpdate struct {
	User struct {
		FirstName       *string `json:"first_name"`
		LastName        *string `json:"last_name"`
		Username        *string `json:"username"`
		Password        *string `json:"password"`
		CurrentPassword string  `json:"current_password"`
	} `json:"user"`
}

// updateUser is PUT /v3/user: names, and the password given the current
// one. A password change revokes the user's other authtokens and console
// sessions, keeping the one it was made with.
func (a *API) updateUser(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	var body userUpdate
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	in := body.User
	if err := validateNames(in.FirstName, in.LastName, in.Username); err != nil {
		return err
	}
	if in.Password != nil {
		if err := a.changePassword(r, rc, *in.Password, in.CurrentPassword); err != nil {
			return err
		}
	}
	u, err := a.Store.UpdateUser(r.Context(), rc.user.UID, func(u *domain.User) error {
		setIf(&u.FirstName, in.FirstName)
		setIf(&u.LastName, in.LastName)
		setIf(&u.Username, in.Username)
		u.UpdatedAt = a.Now()
		return nil
	})
	if err != nil {
		return err
	}
	orgs, err := a.Store.UserOrgs(r.Context(), u.UID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Profile updated successfully.", "user": userJSON(u, orgs, "")})
	return nil
}

func validateNames(first, last, username *string) error {
	for field, v := range map[string]*string{"first_name": first, "last_name": last, "username": username} {
		if v != nil {
			if err := domain.ValidateName(field, *v, field == "username", 100); err != nil {
				return err
			}
		}
	}
	return nil
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

func (a *API) changePassword(r *http.Request, rc *reqCtx, password, current string) error {
	if current == "" {
		return domain.ErrInvalid("current_password", "is required to change the password.")
	}
	ok, err := a.Hasher.Verify(r.Context(), rc.user.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		return domain.ErrInvalid("current_password", "is not correct.")
	}
	if err := domain.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := a.Hasher.Hash(r.Context(), password)
	if err != nil {
		return err
	}
	return a.Store.ChangePassword(r.Context(), rc.user.UID, hash, rc.sessionHash, a.Now())
}
