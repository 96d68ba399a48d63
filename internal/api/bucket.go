package api

import (
	"container/list"
	"math"
	"sync"
	"time"
)

// bucket is a token bucket: burst tokens, refilled at perSec a second.
// Unlike golang.org/x/time/rate it can give a token back after the fact
// (a login that turned out not to be a failure) and tell when it is full
// again, i.e. idle and safe to forget.
type bucket struct {
	perSec, burst, tokens float64
	last                  time.Time
}

func (b *bucket) advance(now time.Time) {
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.perSec)
		b.last = now
	}
}

// take spends one token at now, or reports how long until one is there.
func (b *bucket) take(now time.Time) (ok bool, remaining int, wait time.Duration) {
	b.advance(now)
	if b.tokens >= 1 {
		b.tokens--
		return true, int(b.tokens), 0
	}
	return false, 0, time.Duration((1 - b.tokens) / b.perSec * float64(time.Second))
}

func (b *bucket) refund(now time.Time) {
	b.advance(now)
	b.tokens = math.Min(b.burst, b.tokens+1)
}

// DefaultMaxBuckets bounds the rate-limit buckets one process keeps.
const DefaultMaxBuckets = 10000

// limiters holds token buckets by key, at most max of them (default
// DefaultMaxBuckets): when a new key comes and the map is full, the least
// recently used bucket is forgotten (a forgotten bucket starts full again
// if its key comes back). Buckets live in this process only: with several
// instances each enforces its own share (documented in docs/tokens.md).
// They use the API's clock, so tests can move time.
type limiters struct {
	mu    sync.Mutex
	max   int
	byKey map[string]*list.Element // of *keyed
	lru   list.List                // front: most recently used
}

type keyed struct {
	key string
	b   bucket
}

// bucket returns the bucket of key (creating it full), marks it used and
// must be called with l.mu held.
func (l *limiters) bucket(key string, perSec float64, burst int, now time.Time) *bucket {
	if l.byKey == nil {
		l.byKey = map[string]*list.Element{}
	}
	if el, ok := l.byKey[key]; ok {
		k := el.Value.(*keyed)
		if k.b.perSec == perSec && k.b.burst == float64(burst) {
			l.lru.MoveToFront(el)
			return &k.b
		}
		l.lru.Remove(el) // the limit changed: start afresh
		delete(l.byKey, key)
	}
	limit := l.max
	if limit <= 0 {
		limit = DefaultMaxBuckets
	}
	for len(l.byKey) >= limit {
		oldest := l.lru.Back()
		delete(l.byKey, oldest.Value.(*keyed).key)
		l.lru.Remove(oldest)
	}
	k := &keyed{key: key, b: bucket{perSec: perSec, burst: float64(burst), tokens: float64(burst), last: now}}
	l.byKey[key] = l.lru.PushFront(k)
	return &k.b
}

// take spends one token of a bucket at now and reports what is left and,
// when refused, how long to wait.
func (l *limiters) take(key string, perSec float64, burst int, now time.Time) (ok bool, remaining int, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key, perSec, burst, now).take(now)
}

// has reports whether key's bucket holds a token at now, spending none.
func (l *limiters) has(key string, perSec float64, burst int, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, perSec, burst, now)
	b.advance(now)
	return b.tokens >= 1
}

// refund gives back a token taken from key's bucket (if it is still kept).
func (l *limiters) refund(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if el, ok := l.byKey[key]; ok {
		el.Value.(*keyed).b.refund(now)
	}
}

// len is how many buckets are kept.
func (l *limiters) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.byKey)
}
