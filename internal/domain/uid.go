package domain

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
)

// NewUID returns a Contentstack-style uid: "blt" followed by 16 lowercase hex digits.
func NewUID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "blt" + hex.EncodeToString(b[:])
}

var uidPattern = regexp.MustCompile(`^blt[0-9a-f]{16}$`)

// ValidUID reports whether s has the shape NewUID produces.
func ValidUID(s string) bool { return uidPattern.MatchString(s) }
