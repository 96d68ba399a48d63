package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/stackd/stackd/internal/domain"
)

// limiters holds token buckets by key. Buckets live in this process only:
// with several instances each enforces its own share (documented in
// docs/tokens.md). They use the API's clock, so tests can move time.
type limiters struct {
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func (l *limiters) get(key string, perSec float64, burst int) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*rate.Limiter{}
	}
	b, ok := l.buckets[key]
	if !ok || b.Limit() != rate.Limit(perSec) {
		b = rate.NewLimiter(rate.Limit(perSec), burst)
		l.buckets[key] = b
	}
	return b
}

// take spends one token of a bucket at now and reports the limit, what is
// left and, when refused, how long to wait.
func (l *limiters) take(key string, perSec float64, now time.Time) (ok bool, remaining int, wait time.Duration) {
	burst := max(int(math.Ceil(perSec)), 1)
	b := l.get(key, perSec, burst)
	if b.AllowN(now, 1) {
		return true, int(b.TokensAt(now)), 0
	}
	r := b.ReserveN(now, 1)
	wait = r.DelayFrom(now)
	r.CancelAt(now)
	return false, 0, wait
}

// limit applies the organization's read or write limit (off unless
// configured) and a management token's own limit (which never exceeds the
// organization's). When a limit applies the answer carries
// X-RateLimit-Limit and X-RateLimit-Remaining; over it, 429 with Retry-After.
func (a *API) limit(w http.ResponseWriter, r *http.Request, rt route, rc *reqCtx) error {
	if rc.stack == nil {
		return nil
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	kind, orgLimit := "read", a.RateRead
	if write {
		kind, orgLimit = "write", a.RateWrite
	}
	type bucket struct {
		key   string
		limit float64
	}
	var buckets []bucket
	if orgLimit > 0 {
		buckets = append(buckets, bucket{"org:" + rc.stack.OrgUID + ":" + kind, orgLimit})
	}
	if t := rc.token; t != nil && t.RateLimitEnabled {
		own := float64(t.RateRead)
		if write {
			own = float64(t.RateWrite)
		}
		if orgLimit > 0 && (own <= 0 || own > orgLimit) {
			own = orgLimit
		}
		if own > 0 {
			buckets = append(buckets, bucket{"token:" + t.UID + ":" + kind, own})
		}
	}
	now := a.Now()
	for _, b := range buckets {
		ok, remaining, wait := a.limits.take(b.key, b.limit, now)
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(int(b.limit)))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		if !ok {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			return domain.Errorf(domain.KindRateLimited, domain.CodeRateLimited, "Too many requests: the rate limit of %d %s requests per second is used up.", int(b.limit), kind)
		}
	}
	return nil
}

// Failed logins have their own buckets, per email and per client address,
// so that guessing passwords is slow even before the lockout starts.
const (
	loginFailuresPerEmail = 20  // burst; one more every 3 s
	loginFailuresPerAddr  = 100 // burst; one more every second
)

// loginAllowed reports whether another login attempt from this address for
// this email may be tried now.
func (a *API) loginAllowed(r *http.Request, email string) error {
	now := a.Now()
	e := a.limits.get("login:email:"+email, 1.0/3, loginFailuresPerEmail)
	ip := a.limits.get("login:addr:"+remoteIP(r), 1, loginFailuresPerAddr)
	if e.TokensAt(now) >= 1 && ip.TokensAt(now) >= 1 {
		return nil
	}
	return domain.Errorf(domain.KindRateLimited, domain.CodeRateLimited, "Too many failed login attempts; wait a little and try again.")
}

// loginFailed spends one token of both login buckets.
func (a *API) loginFailed(r *http.Request, email string) {
	now := a.Now()
	a.limits.get("login:email:"+email, 1.0/3, loginFailuresPerEmail).AllowN(now, 1)
	a.limits.get("login:addr:"+remoteIP(r), 1, loginFailuresPerAddr).AllowN(now, 1)
}
