package domain

import (
	"net"
	"net/url"
	"strings"
	"time"
)

// OrgSSO is an organization's OpenID Connect identity provider.
type OrgSSO struct {
	OrgUID       string
	Issuer       string // the provider's issuer URL (discovery at Issuer + /.well-known/openid-configuration)
	ClientID     string
	ClientSecret []byte // sealed with the server's secret box
	Strict       bool   // members other than the owner may not sign in with a password
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// NewOrgSSO validates an organization's SSO settings. The client secret is
// checked for size only; the caller seals it into ClientSecret (an empty
// secret keeps the stored one).
func NewOrgSSO(orgUID, issuer, clientID, secret string, strict bool, now time.Time) (OrgSSO, error) {
	if err := ValidateIssuer(issuer); err != nil {
		return OrgSSO{}, err
	}
	if err := ValidateClientID(clientID); err != nil {
		return OrgSSO{}, err
	}
	if len(secret) > 1024 {
		return OrgSSO{}, ErrInvalid("client_secret", "must be at most 1024 characters.")
	}
	return OrgSSO{OrgUID: orgUID, Issuer: issuer, ClientID: clientID, Strict: strict, CreatedAt: now, UpdatedAt: now}, nil
}

// ValidateIssuer checks an issuer URL: https, or http on a loopback host
// (a provider on the same machine, as in tests); no query or fragment.
func ValidateIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return ErrInvalid("issuer", "must be an https:// URL without query or fragment.")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
	}
	return ErrInvalid("issuer", "must be an https:// URL (http:// only on a loopback address).")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ValidateClientID checks an OAuth client id: 1 to 255 printable characters.
func ValidateClientID(id string) error {
	if id == "" || len(id) > 255 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r == 0x7f }) {
		return ErrInvalid("client_id", "must be 1 to 255 printable characters without spaces.")
	}
	return nil
}

// ErrSSORequired is the answer to a password login of a member of a
// strict-SSO organization (Contentstack's answer is not documented).
func ErrSSORequired() *Error {
	return Errorf(KindInvalid, CodeLoginFailed, "This organization requires single sign-on. Sign in through your identity provider.").
		WithField("error", "This organization requires single sign-on.")
}

// ErrSSOStack is the answer to a password session on a stack of a
// strict-SSO organization the session was not opened through.
func ErrSSOStack() *Error {
	return Errorf(KindStackUnknown, CodeStackUnknown,
		"This stack's organization requires single sign-on. Sign in through the organization's identity provider to use it.").
		WithField("api_key", "requires single sign-on.")
}
