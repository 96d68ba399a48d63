package api

import (
	"encoding/base64"
	"net/http"

	"golang.org/x/time/rate"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

// Two-factor enrolment for the signed-in user (an authtoken or the
// console's session, never a management token): POST /v3/user/two_factor
// starts an enrolment with a new pending seed, POST …/confirm enables it
// with a first code, DELETE disables two-factor login given a current code.

// qrSize is the side of the enrolment QR code in pixels.
const qrSize = 256

// Wrong codes have a bucket per user: 5, then one more every 30 s (one TOTP
// step), so guessing a code to disable 2FA from a stolen session is slow.
const (
	tfaFailuresBurst = 5
	tfaFailuresRate  = 1.0 / 30
)

type tfaBody struct {
	TFAToken string `json:"tfa_token"`
}

// startTFA is POST /v3/user/two_factor.
func (a *API) startTFA(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if rc.user.TFAEnabled {
		return domain.ErrInvalid("tfa", "two-factor authentication is enabled already; disable it first.")
	}
	secret, url, err := auth.NewTOTP(rc.user.Email)
	if err != nil {
		return err
	}
	img, err := auth.TOTPQRCode(url, qrSize)
	if err != nil {
		return err
	}
	if err := a.Store.SetPendingTFA(r.Context(), rc.user.UID, a.Box.Seal([]byte(secret)), a.Now()); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"otpauth_url": url, "qr_png": "data:image/png;base64," + base64.StdEncoding.EncodeToString(img)})
	return nil
}

// confirmTFA is POST /v3/user/two_factor/confirm: a code of the pending
// seed turns two-factor login on.
func (a *API) confirmTFA(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	code, err := a.readTFACode(r, rc)
	if err != nil {
		return err
	}
	sealed, err := a.Store.PendingTFA(r.Context(), rc.user.UID)
	if err != nil {
		return err
	}
	if err := a.checkTFACode(rc, sealed, code); err != nil {
		return err
	}
	if err := a.Store.ConfirmTFA(r.Context(), rc.user.UID, sealed, a.Now()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Two-factor authentication is enabled.", "tfa_status": "verified"})
	return nil
}

// disableTFA is DELETE /v3/user/two_factor: a current code turns
// two-factor login off.
func (a *API) disableTFA(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	code, err := a.readTFACode(r, rc)
	if err != nil {
		return err
	}
	if !rc.user.TFAEnabled {
		return domain.ErrInvalid("tfa", "two-factor authentication is not enabled.")
	}
	if err := a.checkTFACode(rc, rc.user.TFASecret, code); err != nil {
		return err
	}
	if err := a.Store.DisableTFA(r.Context(), rc.user.UID, a.Now()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "Two-factor authentication is disabled.", "tfa_status": "disabled"})
	return nil
}

// readTFACode reads {"tfa_token": "123456"}, refusing a user whose wrong
// codes used up their bucket.
func (a *API) readTFACode(r *http.Request, rc *reqCtx) (string, error) {
	var body tfaBody
	if err := decodeJSON(r, &body); err != nil {
		return "", err
	}
	if body.TFAToken == "" {
		return "", domain.ErrInvalid("tfa_token", "is required.")
	}
	if a.tfaBucket(rc).TokensAt(a.Now()) < 1 {
		return "", domain.Errorf(domain.KindRateLimited, domain.CodeRateLimited, "Too many wrong two-factor codes; wait a little and try again.")
	}
	return body.TFAToken, nil
}

// checkTFACode checks code against a sealed seed; a wrong code spends one
// token of the user's bucket.
func (a *API) checkTFACode(rc *reqCtx, sealed []byte, code string) error {
	seed, err := a.Box.Open(sealed)
	if err != nil {
		return err
	}
	if auth.CheckTOTP(string(seed), code, a.Now()) {
		return nil
	}
	a.tfaBucket(rc).AllowN(a.Now(), 1)
	return domain.ErrInvalid("tfa_token", "is not valid.")
}

func (a *API) tfaBucket(rc *reqCtx) *rate.Limiter {
	return a.limits.get("tfa:"+rc.user.UID, tfaFailuresRate, tfaFailuresBurst)
}
