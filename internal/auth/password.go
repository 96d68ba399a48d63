package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Time    uint32
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultParams is the production cost (RFC 9106's second recommended
// option, lowered in memory to suit small servers): about 40 ms a hash on
// one core here.
var DefaultParams = Params{Time: 3, Memory: 64 * 1024, Threads: 2}

// TestParams is a deliberately cheap cost for test suites.
var TestParams = Params{Time: 1, Memory: 64, Threads: 1}

// Hasher hashes and verifies passwords, running at most a fixed number of
// hashes at once so that a burst of logins cannot exhaust memory.
type Hasher struct {
	p   Params
	sem chan struct{}
}

// NewHasher returns a Hasher with cost p and at most n concurrent hashes.
func NewHasher(p Params, n int) *Hasher {
	if n < 1 {
		n = 1
	}
	return &Hasher{p: p, sem: make(chan struct{}, n)}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: wait for hash slot: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns an encoded argon2id hash of password in the PHC string format.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.Memory, h.p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, h.p.Memory, h.p.Time, h.p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errMalformed reports a stored hash stackd cannot read.
var errMalformed = errors.New("auth: malformed password hash")

// Verify reports whether password matches encoded. The comparison of the
// derived keys takes constant time. The cost is read from encoded, so hashes
// made under older parameters keep working.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	var p Params
	var version int
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errMalformed
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil {
		return false, errMalformed
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errMalformed
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, errMalformed
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
