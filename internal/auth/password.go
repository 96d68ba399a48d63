package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/stackd/stackd/internal/domain"
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
// hashes at once so that a burst of logins cannot exhaust memory: each
// hash holds Params.Memory KiB while it runs. Callers beyond that wait in
// a bounded queue for a bounded time, then get ErrBusy.
type Hasher struct {
	p        Params
	sem      chan struct{}
	maxQueue int64         // callers that may wait for a slot
	maxWait  time.Duration // how long one waits before ErrBusy
	waiting  atomic.Int64
	running  atomic.Int64
	peak     atomic.Int64
	dummy    string // a hash of nothing: verified for unknown emails (see Login)
}

// Default queue bounds of NewHasher.
const (
	DefaultHashQueue = 64
	DefaultHashWait  = 10 * time.Second
)

// NewHasher returns a Hasher with cost p and at most n concurrent hashes,
// with the default queue bounds.
func NewHasher(p Params, n int) *Hasher {
	return NewHasherQueue(p, n, DefaultHashQueue, DefaultHashWait)
}

// NewHasherQueue returns a Hasher with cost p, at most n concurrent hashes
// and at most queue callers waiting up to wait each.
func NewHasherQueue(p Params, n, queue int, wait time.Duration) *Hasher {
	h := &Hasher{p: p, sem: make(chan struct{}, max(n, 1)), maxQueue: int64(max(queue, 0)), maxWait: wait}
	h.dummy = encodeHash(p, randomBytes(16), randomBytes(32))
	return h
}

// DefaultHashConcurrency is how many hashes run at once by default: two
// strong hashes hold 128 MiB, which keeps a login burst under 300 MB of
// RSS (docs/security.md).
const DefaultHashConcurrency = 2

// Params returns the cost new hashes are made with.
func (h *Hasher) Params() Params { return h.p }

// MemoryBytes is the memory all concurrent hashes may hold at once.
func (h *Hasher) MemoryBytes() int64 { return int64(cap(h.sem)) * int64(h.p.Memory) << 10 }

// Concurrency is how many hashes may run at once.
func (h *Hasher) Concurrency() int { return cap(h.sem) }

// Peak is the most hashes that ever ran at once (for tests and metrics).
func (h *Hasher) Peak() int { return int(h.peak.Load()) }

// ErrBusy answers a hash that found every slot and the queue taken, or
// waited too long: 429, the client should retry shortly.
var ErrBusy = domain.Errorf(domain.KindRateLimited, domain.CodeRateLimited,
	"The server is busy checking other passwords; try again in a moment.")

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		h.enter()
		return nil
	default:
	}
	if h.waiting.Add(1) > h.maxQueue {
		h.waiting.Add(-1)
		return ErrBusy
	}
	defer h.waiting.Add(-1)
	timer := time.NewTimer(h.maxWait)
	defer timer.Stop()
	select {
	case h.sem <- struct{}{}:
		h.enter()
		return nil
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return fmt.Errorf("auth: wait for hash slot: %w", ctx.Err())
	}
}

// enter counts a hash that got its slot and keeps the peak.
func (h *Hasher) enter() {
	n := h.running.Add(1)
	for p := h.peak.Load(); n > p && !h.peak.CompareAndSwap(p, n); p = h.peak.Load() {
	}
}

func (h *Hasher) release() {
	h.running.Add(-1)
	<-h.sem
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// encodeHash writes a derived key in the PHC string format.
func encodeHash(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Hash returns an encoded argon2id hash of password in the PHC string format.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	salt := randomBytes(16)
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.Memory, h.p.Threads, 32)
	return encodeHash(h.p, salt, key), nil
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
