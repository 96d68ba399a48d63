package auth

import (
	"slices"

	"github.com/stackd/stackd/internal/domain"
)

// LoginObserver is told what logins do, for metrics. It never sees an
// email, a password or a token. Its methods must be cheap and safe for
// concurrent use.
type LoginObserver interface {
	// LoginAttempt reports one call of Login by its outcome: LoginSuccess,
	// LoginFailed, LoginLocked, LoginTFARequired or LoginError.
	LoginAttempt(outcome string)
	// Lockout reports that a failed attempt has just locked an account.
	Lockout()
}

// Login outcomes passed to LoginObserver.LoginAttempt.
const (
	LoginSuccess     = "success"      // an authtoken was issued
	LoginFailed      = "failed"       // wrong email, password or TOTP code
	LoginLocked      = "locked"       // refused because the account is (now) locked
	LoginTFARequired = "tfa_required" // right password, TOTP code missing
	LoginError       = "error"        // the attempt could not be decided (a server fault)
)

// lockedField is the field message of every lockout answer; loginOutcome
// reads it to tell a lockout from a wrong password (both use one code).
const lockedField = "account locked"

// loginOutcome classifies Login's result.
func loginOutcome(err error) string {
	if err == nil {
		return LoginSuccess
	}
	e, ok := domain.AsError(err)
	switch {
	case !ok:
		return LoginError
	case e.Code == domain.CodeTFARequired:
		return LoginTFARequired
	case e.Code == domain.CodeLoginFailed && slices.Equal(e.Fields["error"], []string{lockedField}):
		return LoginLocked
	case e.Code == domain.CodeLoginFailed:
		return LoginFailed
	}
	return LoginError
}
