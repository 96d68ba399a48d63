package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// LoginStore is the storage an Authenticator needs.
type LoginStore interface {
	UserByEmail(ctx context.Context, email string) (domain.User, error)
	UpdateUser(ctx context.Context, uid string, fn func(u *domain.User) error) (domain.User, error)
	SettleLogin(ctx context.Context, uid string, sess domain.Session, max int,
		decide func(u *domain.User) (bool, error)) (domain.User, bool, error)
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
	// ReservationTTL is how long a reserved password check may take before
	// its reservation lapses (a process that died mid-check); 0 means
	// DefaultReservationTTL. It must exceed the hasher's longest wait plus
	// a hash.
	ReservationTTL time.Duration
}

// DefaultReservationTTL is the lifetime of a login reservation.
const DefaultReservationTTL = time.Minute

// Login checks email, password and (for 2FA users) the TOTP code, and
// returns the user with a new authtoken. Failures follow Contentstack's
// lockout policy (domain.Lockout), decided atomically with each attempt
// (domain.User.ReserveLogin): the check starts only after a reservation on
// the user row and is settled under the row's lock.
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
		// The same cost as a real check, so that timing does not tell
		// which emails exist.
		if _, err := a.Hasher.Verify(ctx, a.Hasher.dummy, password); err != nil {
			return domain.User{}, "", err
		}
		return domain.User{}, "", errBadLogin(domain.MaxLoginAttempts - 1)
	}
	if err != nil {
		return domain.User{}, "", err
	}
	fp := Fingerprint(a.Key, email, password, code)
	if u, err = a.reserve(ctx, u.UID, fp, now); err != nil {
		return domain.User{}, "", err
	}
	step, ok, err := a.check(ctx, u, password, code, now)
	if err != nil {
		a.release(ctx, u.UID)
		return domain.User{}, "", err
	}
	return a.settle(ctx, u.UID, ok, step, fp, now, spec)
}

// reserve takes a slot for one password check on the user row. A retry of
// the last counted failure is answered as that failure without a check; a
// locked account, or one whose remaining attempts are all in flight, is
// refused without a check.
func (a *Authenticator) reserve(ctx context.Context, uid, fp string, now time.Time) (domain.User, error) {
	return a.Store.UpdateUser(ctx, uid, func(u *domain.User) error {
		switch {
		case u.IsRetry(fp, now, a.RetryWindow):
			return failureError(*u, now)
		case u.Locked(now):
			return errLocked(*u, now)
		case !u.ReserveLogin(now, a.reservationTTL()):
			return errAttemptsInFlight()
		}
		return nil
	})
}

func (a *Authenticator) reservationTTL() time.Duration {
	if a.ReservationTTL > 0 {
		return a.ReservationTTL
	}
	return DefaultReservationTTL
}

// check verifies the password and, for 2FA users, the code. It returns the
// matched TOTP step. A right password without a code is errTFARequired.
func (a *Authenticator) check(ctx context.Context, u domain.User, password, code string, now time.Time) (int64, bool, error) {
	ok, err := a.Hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil {
		return 0, false, fmt.Errorf("auth: verify password of %s: %w", u.UID, err)
	}
	if ok {
		if err := a.refuseStrict(ctx, u); err != nil {
			return 0, false, err
		}
	}
	if !ok || !u.TFAEnabled {
		return 0, ok, nil
	}
	if code == "" {
		return 0, false, errTFARequired()
	}
	seed, err := a.Box.Open(u.TFASecret)
	if err != nil {
		return 0, false, fmt.Errorf("auth: open totp seed of %s: %w", u.UID, err)
	}
	step, ok := MatchTOTP(string(seed), code, now)
	return step, ok, nil
}

// settle records the outcome under the row's lock: a failure counts (and
// may lock); a success (a new TOTP step, if any) creates the session and
// clears the failures, unless attempts settled meanwhile locked the account.
func (a *Authenticator) settle(ctx context.Context, uid string, ok bool, step int64, fp string, now time.Time, spec SessionSpec) (domain.User, string, error) {
	sess, token := newSession(uid, spec, now)
	locked := false
	u, in, err := a.Store.SettleLogin(context.WithoutCancel(ctx), uid, sess, a.MaxSessions, func(u *domain.User) (bool, error) {
		locked = false // the settlement may run again after a conflict
		u.ReleaseLogin(now)
		if ok && u.TFAEnabled && step <= u.TFALastStep {
			ok = false // a replayed TOTP code
		}
		switch {
		case !ok:
			was := u.Locked(now)
			u.CountFailure(fp, now, a.RetryWindow)
			locked = !was && u.Locked(now)
			return false, nil
		case u.Locked(now):
			return false, nil
		}
		u.ClearFailures()
		if u.TFAEnabled {
			u.TFALastStep = step
		}
		u.UpdatedAt = now
		return true, nil
	})
	if err != nil {
		return domain.User{}, "", fmt.Errorf("auth: settle login: %w", err)
	}
	if locked && a.Observer != nil {
		a.Observer.Lockout()
	}
	if !in {
		return domain.User{}, "", failureError(u, now)
	}
	return u, token, nil
}

// refuseStrict refuses a correct password of a user whom strict SSO keeps
// from password logins (checked before the TOTP step, so no code is asked
// for a login that cannot succeed). The reservation is released; it
// counts as no failure.
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

// newSession is the session spec opens for user uid at now, and its
// secret: an authtoken, or a console cookie's value.
func newSession(uid string, spec SessionSpec, now time.Time) (domain.Session, string) {
	sess := domain.Session{UserUID: uid, Kind: spec.Kind, SSOOrg: spec.SSOOrg, CreatedAt: now}
	if sess.Kind == "" {
		sess.Kind = domain.SessionAPI
	}
	secret := NewAuthtoken()
	if spec.Kind == domain.SessionConsole {
		secret = NewConsoleSecret()
		sess.IdleUntil, sess.ExpiresAt = now.Add(spec.Idle), now.Add(spec.Lifetime)
	}
	sess.TokenHash = HashToken(secret)
	return sess, secret
}

// OpenSession starts a session of u as spec says and returns its secret.
// It checks no credential: the caller has (an identity provider's ID
// token for an SSO sign-in).
func (a *Authenticator) OpenSession(ctx context.Context, u domain.User, spec SessionSpec) (string, error) {
	sess, secret := newSession(u.UID, spec, a.Now())
	if err := a.Store.StartSession(ctx, sess, a.MaxSessions); err != nil {
		return "", err
	}
	return secret, nil
}

// release gives back a reservation whose check did not finish (a busy
// hasher, a cancelled request, a right password without its code).
func (a *Authenticator) release(ctx context.Context, uid string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, _ = a.Store.UpdateUser(ctx, uid, func(u *domain.User) error {
		u.ReleaseLogin(a.Now())
		return nil
	})
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

// errAttemptsInFlight refuses an attempt while the account's remaining
// attempts before the next lock are all being checked. It is not counted.
func errAttemptsInFlight() error {
	return domain.Errorf(domain.KindRateLimited, domain.CodeRateLimited,
		"Other login attempts for this account are being checked; try again in a moment.")
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
