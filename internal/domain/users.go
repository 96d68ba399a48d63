package domain

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person who logs in with an email and a password.
type User struct {
	UID          string
	Email        string // stored lower-cased
	Username     string
	FirstName    string
	LastName     string
	PasswordHash string
	TFAEnabled   bool
	TFASecret    []byte // the TOTP seed, encrypted with the server's secret key
	Failed       int    // consecutive failed logins
	LockedUntil  int64  // Unix ms; 0 = not locked; LockedForever = until unlocked
	LastFailAt   int64  // Unix ms of the last counted failure
	LastFailFP   string // fingerprint of the last counted failure, to fold client retries
	// LoginPending counts password checks in flight (reserved, not yet
	// settled); the reservations lapse at LoginPendingUntil (Unix ms), so a
	// process that dies mid-check cannot keep them forever.
	LoginPending      int
	LoginPendingUntil int64
	TFALastStep       int64 // the last accepted TOTP time step; older or equal steps are refused
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// LockedForever marks an account locked until an operator unlocks it.
const LockedForever int64 = -1

// Locked reports whether the account refuses logins at now.
func (u *User) Locked(now time.Time) bool {
	return u.LockedUntil == LockedForever || u.LockedUntil > now.UnixMilli()
}

// Lockout returns how long an account is locked after its n-th consecutive
// failure, following Contentstack's policy: attempts 1-4 nothing, the 5th
// to 9th lock for 5, 10, 15, 20, 25 minutes, the 10th until unlocked.
func Lockout(n int) (d time.Duration, forever bool) {
	switch {
	case n < 5:
		return 0, false
	case n >= 10:
		return 0, true
	default:
		return time.Duration(n-4) * 5 * time.Minute, false
	}
}

// MaxLoginAttempts is how many consecutive failures the policy counts before
// the first lockout.
const MaxLoginAttempts = 5

// NormalizeEmail lower-cases and trims an email and checks its syntax.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return "", ErrInvalid("email", "is not a valid email address.")
	}
	return s, nil
}

// ValidatePassword enforces the password policy: 8 to 128 characters, with
// at least one letter and one digit or symbol.
func ValidatePassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < 8 || n > 128 {
		return ErrInvalid("password", "must be between 8 and 128 characters long.")
	}
	var letter, other bool
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letter = true
		default:
			other = true
		}
	}
	if !letter || !other {
		return ErrInvalid("password", "must contain a letter and a digit or symbol.")
	}
	return nil
}

// ValidateName checks an optional person or object name.
func ValidateName(field, s string, required bool, max int) error {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return ErrInvalid(field, "is required.")
	}
	if utf8.RuneCountInString(s) > max {
		return ErrInvalid(field, "is too long.")
	}
	return nil
}
