package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// LoginStore is the storage a Authenticator needs.
type LoginStore interface {
	UserByEmail(ctx context.Context, email string) (domain.User, error)
	UpdateUser(ctx context.Context, uid string, fn func(u *domain.User) error) (domain.User, error)
	StartSession(ctx context.Context, sess domain.Session, max int) error
	UserBySession(ctx context.Context, tokenHash string) (domain.User, error)
	SSORequired(ctx context.Context, userUID string) (bool, error)
}

// SessionSpec says what a successful sign-in opens: an authtoken, or a
// console session with its idle and absolute lifetimes.
type SessionSpec struct {
	Kind     string // domain.SessionAPI or domain.SessionConsole
	SSOOrg   string // the organization whose SSO signed the user in; "" = password
	Idle     time.Duration
	Lifetime time.Duration
}

// APISession is the spec of an API login: an authtoken that never expires
// by itself (Contentstack's behaviour).
var APISession = SessionSpec{Kind: domain.SessionAPI}

// Authenticator logs users in and recognises their authtokens.
type Authenticator struct {
	Store       LoginStore
	Hasher      *Hasher
	Box         *Box
	Key         []byte           // keys the fingerprints of failed logins
	Now         func() time.Time // the clock; tests move it
	MaxSessions int              // valid authtokens per user (Contentstack: 20)
	RetryWindow time.Duration    // a repeated identical failure within it counts once
	Observer    LoginObserver    // told each attempt's outcome (metrics); nil = nobody
}

// dummyHash makes a login for an unknown email cost as much as a real one,
// so response times do not reveal which emails exist.
var dummyHash string

// Login checks email, password and (for 2FA users) the TOTP code, and
// returns the user with a new authtoken. Failures follow Contentstack's
// lockout policy; see domain.Lockout.
func (a *Authenticator) Login(ctx context.Context, email, password, code string) (domain.User, string, error) {
	return a.LoginAs(ctx, email, password, code, APISession)
}

// LoginAs is Login opening the session spec describes (the console's
// cookie session, or an authtoken): the same lockout, 2FA, strict-SSO
// refusal and session cap apply to both kinds.
func (a *Authenticator) LoginAs(ctx context.Context, email, password, code string, spec SessionSpec) (domain.User, string, error) {
	u, token, err := a.login(ctx, email, password, code, spec)
	if a.Observer != nil {
		a.Observer.LoginAttempt(loginOutcome(err))
	}
	return u, token, err
}

func (a *Authenticator) login(ctx context.Context, email, password, code string, spec SessionSpec) (domain.User, string, error) {
	now := a.Now()
	email, err := domain.NormalizeEmail(email)
	if err != nil || password == "" {
		return domain.User{}, "", errBadLogin(domain.MaxLoginAttempts - 1)
	}
	u, err := a.Store.UserByEmail(ctx, email)
	if domain.IsKind(err, domain.KindInvalid) {
		a.burnHash(ctx, password)
		return domain.User{}, "", errBadLogin(domain.MaxLoginAttempts - 1)
	}
	if err != nil {
		return domain.User{}, "", err
	}
	fp := Fingerprint(a.Key, email, password, code)
	if u.LastFailFP == fp && now.UnixMilli()-u.LastFailAt < a.RetryWindow.Milliseconds() {
		return domain.User{}, "", failureError(u, now) // a client retry of the same refused attempt
	}
	if u.Locked(now) {
		return domain.User{}, "", errLocked(u, now)
	}
	ok, err := a.Hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return domain.User{}, "", fmt.Errorf("auth: verify password of %s: %w", u.UID, err)
	}
	if ok {
		if err := a.refuseStrict(ctx, u); err != nil {
			return domain.User{}, "", err
		}
	}
	if ok && u.TFAEnabled {
		if code == "" {
			return domain.User{}, "", errTFARequired()
		}
		ok, err = a.checkCode(u, code, now)
		if err != nil {
			return domain.User{}, "", err
		}
	}
	if !ok {
		return domain.User{}, "", a.recordFailure(ctx, u.UID, fp, now)
	}
	token, err := a.OpenSession(ctx, u, spec)
	return u, token, err
}

// refuseStrict refuses a correct password of a user whom strict SSO keeps
// from password logins (checked before the TOTP step, so no code is asked
// for a login that cannot succeed). It counts as no failure.
func (a *Authenticator) refuseStrict(ctx context.Context, u domain.User) error {
	ssoOnly, err := a.Store.SSORequired(ctx, u.UID)
	if err != nil {
		return err
	}
	if ssoOnly {
		return domain.ErrSSORequired()
	}
	return nil
}

// OpenSession starts a session of u as spec says and returns its secret:
// an authtoken, or a console cookie's value. It checks no credential: the
// caller has (a password login, or an identity provider's ID token).
func (a *Authenticator) OpenSession(ctx context.Context, u domain.User, spec SessionSpec) (string, error) {
	now := a.Now()
	sess := domain.Session{UserUID: u.UID, Kind: spec.Kind, SSOOrg: spec.SSOOrg, CreatedAt: now}
	secret := NewAuthtoken()
	if spec.Kind == domain.SessionConsole {
		secret = NewConsoleSecret()
		sess.IdleUntil, sess.ExpiresAt = now.Add(spec.Idle), now.Add(spec.Lifetime)
	}
	sess.TokenHash = HashToken(secret)
	if err := a.Store.StartSession(ctx, sess, a.MaxSessions); err != nil {
		return "", err
	}
	return secret, nil
}

func (a *Authenticator) burnHash(ctx context.Context, password string) {
	if dummyHash == "" {
		dummyHash, _ = a.Hasher.Hash(ctx, "stackd-dummy-password")
	}
	_, _ = a.Hasher.Verify(ctx, dummyHash, password)
}

func (a *Authenticator) checkCode(u domain.User, code string, now time.Time) (bool, error) {
	seed, err := a.Box.Open(u.TFASecret)
	if err != nil {
		return false, fmt.Errorf("auth: open totp seed of %s: %w", u.UID, err)
	}
	return CheckTOTP(string(seed), code, now), nil
}

// recordFailure counts one failed attempt in the database (so every instance
// sees it) and returns the error the client gets.
func (a *Authenticator) recordFailure(ctx context.Context, uid, fp string, now time.Time) error {
	locked := false
	u, err := a.Store.UpdateUser(ctx, uid, func(u *domain.User) error {
		locked = false // the update may run again after a conflict
		if u.LastFailFP == fp && now.UnixMilli()-u.LastFailAt < a.RetryWindow.Milliseconds() {
			return nil // another instance counted this very attempt already
		}
		u.Failed++
		u.LastFailAt, u.LastFailFP = now.UnixMilli(), fp
		if d, forever := domain.Lockout(u.Failed); forever {
			u.LockedUntil, locked = domain.LockedForever, true
		} else if d > 0 {
			u.LockedUntil, locked = now.Add(d).UnixMilli(), true
		}
		u.UpdatedAt = now
		return nil
	})
	if err != nil {
		return fmt.Errorf("auth: record failed login: %w", err)
	}
	if locked && a.Observer != nil {
		a.Observer.Lockout()
	}
	return failureError(u, now)
}

// failureError is the answer to a counted failure: attempts left, or the lockout.
func failureError(u domain.User, now time.Time) error {
	if u.Locked(now) {
		return errLocked(u, now)
	}
	return errBadLogin(domain.MaxLoginAttempts - u.Failed)
}

func errBadLogin(left int) error {
	return domain.Errorf(domain.KindInvalid, domain.CodeLoginFailed,
		"Looks like your email or password is invalid. You have %d login attempt(s) left.", max(left, 0)).
		WithField("error", "Looks like your email or password is invalid.")
}

func errLocked(u domain.User, now time.Time) error {
	if u.LockedUntil == domain.LockedForever {
		return domain.Errorf(domain.KindInvalid, domain.CodeLoginFailed,
			"Your account has been locked after too many failed login attempts. Ask an administrator to unlock it.").
			WithField("error", lockedField)
	}
	mins := (time.UnixMilli(u.LockedUntil).Sub(now) + time.Minute - 1) / time.Minute
	return domain.Errorf(domain.KindInvalid, domain.CodeLoginFailed,
		"Your account has been locked after too many failed login attempts. Try again in %d minute(s).", mins).
		WithField("error", lockedField)
}

func errTFARequired() error {
	e := domain.Errorf(domain.KindUnauthorized, domain.CodeTFARequired, "Please login using the Two-Factor verification Token")
	e.Extra = map[string]any{"tfa_type": "totp_authenticator"}
	return e
}

// Authenticate returns the user an authtoken belongs to: one indexed lookup
// by the token's hash.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (domain.User, error) {
	if token == "" {
		return domain.User{}, domain.ErrUnauthorized("authtoken")
	}
	return a.Store.UserBySession(ctx, HashToken(token))
}
