package domain

import "time"

// Session kinds: what a session's secret is presented as.
const (
	SessionAPI     = "api"     // an authtoken, sent in the authtoken header; never expires by itself
	SessionConsole = "console" // the web console's HttpOnly cookie; idle and absolute expiry
)

// Session is one signed-in user: an API authtoken or a console cookie.
// Only the hash of its secret is kept.
type Session struct {
	TokenHash string
	UserUID   string
	Kind      string // SessionAPI or SessionConsole
	SSOOrg    string // the organization whose single sign-on opened it; "" = a password login
	CreatedAt time.Time
	IdleUntil time.Time // zero: no idle expiry
	ExpiresAt time.Time // zero: no absolute expiry
}

// Expired reports whether s is no longer valid at now.
func (s Session) Expired(now time.Time) bool {
	return (!s.IdleUntil.IsZero() && !now.Before(s.IdleUntil)) || (!s.ExpiresAt.IsZero() && !now.Before(s.ExpiresAt))
}
