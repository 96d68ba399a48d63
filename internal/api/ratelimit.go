package api

import (
	"math"
	"net/http"
	"strconv"

	"github.com/stackd/stackd/internal/domain"
)

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
		ok, remaining, wait := a.limits.take(b.key, b.limit, max(int(math.Ceil(b.limit)), 1), now)
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

// loginSpend names the login buckets one attempt took a token from.
type loginSpend []string

// refundLogin gives the tokens back: the attempt was not a failed login.
func (a *API) refundLogin(s loginSpend) {
	now := a.Now()
	for _, key := range s {
		a.limits.refund(key, now)
	}
}

// spendLoginTokens takes one token from the attempt's email bucket and
// from its client address bucket before the password is checked, so that
// concurrent attempts cannot all pass a check made before any of them
// failed. When either bucket is empty nothing is taken and the answer is
// 429 with Retry-After.
func (a *API) spendLoginTokens(w http.ResponseWriter, r *http.Request, email string) (loginSpend, error) {
	now := a.Now()
	buckets := []struct {
		key    string
		perSec float64
		burst  int
	}{
		{"login:email:" + email, 1.0 / 3, loginFailuresPerEmail},
		{"login:addr:" + a.clientIP(r), 1, loginFailuresPerAddr},
	}
	var spent loginSpend
	for _, b := range buckets {
		ok, _, wait := a.limits.take(b.key, b.perSec, b.burst, now)
		if !ok {
			a.refundLogin(spent)
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
			return nil, domain.Errorf(domain.KindRateLimited, domain.CodeRateLimited, "Too many failed login attempts; wait a little and try again.")
		}
		spent = append(spent, b.key)
	}
	return spent, nil
}
