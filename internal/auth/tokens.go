package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// NewAuthtoken mints a user session token: "blt" and 32 hex digits (128
// random bits). Only its hash is ever stored.
func NewAuthtoken() string { return "blt" + randomHex(16) }

// NewConsoleSecret mints the value of a console session cookie (256
// random bits). Only its hash is stored; it is never an authtoken.
func NewConsoleSecret() string { return randomHex(32) }

// CSRFToken derives a console session's CSRF token from its secret: the
// server recomputes it on each request instead of storing it, and a page
// script can hold it without being able to derive the cookie from it.
func CSRFToken(key []byte, secret string) string { return Fingerprint(key, "csrf", secret) }

// HashToken returns the hex SHA-256 of a bearer token. Tokens carry at least
// 128 random bits, so a fast hash is enough: there is nothing to brute-force.
// Lookups go by this hash, so comparing secrets never happens byte by byte
// in Go code.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Fingerprint returns a keyed digest of s, used to recognise a repeated
// failed login without keeping the wrong password itself.
func Fingerprint(key []byte, parts ...string) string {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Equal compares two strings in constant time.
func Equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// RandomPassword returns a strong generated password (128 random bits).
func RandomPassword() string { return "Sd-" + randomHex(16) }

// Management and delivery token secrets have a fixed shape a secret scanner
// can match: "csmt" or "csdt" and 40 lowercase hex digits (160 random
// bits), i.e. the regular expression \bcs(mt|dt)[0-9a-f]{40}\b.
const (
	managementPrefix = "csmt"
	deliveryPrefix   = "csdt"
)

// NewManagementSecret mints a management token secret.
func NewManagementSecret() string { return managementPrefix + randomHex(20) }

// NewDeliverySecret mints a delivery token secret.
func NewDeliverySecret() string { return deliveryPrefix + randomHex(20) }
