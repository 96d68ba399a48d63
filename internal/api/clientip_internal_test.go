package api

import (
	"fmt"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestClientIP(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	cases := []struct {
		name    string
		proxies []netip.Prefix
		peer    string
		xff     []string
		want    string
	}{
		{"no proxies: header ignored", nil, "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"untrusted peer: header ignored", trusted, "203.0.113.9:5000", []string{"198.51.100.1"}, "203.0.113.9"},
		{"one proxy", trusted, "10.0.0.2:5000", []string{"198.51.100.1"}, "198.51.100.1"},
		{"spoofed left part", trusted, "10.0.0.2:5000", []string{"1.1.1.1, 198.51.100.1"}, "198.51.100.1"},
		{"two proxies", trusted, "10.0.0.2:5000", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"repeated header lines", trusted, "10.0.0.2:5000", []string{"1.1.1.1", "198.51.100.1", "10.1.1.1"}, "198.51.100.1"},
		{"all trusted", trusted, "10.0.0.2:5000", []string{"10.3.3.3, 10.4.4.4"}, "10.3.3.3"},
		{"no header", trusted, "10.0.0.2:5000", nil, "10.0.0.2"},
		{"garbage stops the walk", trusted, "10.0.0.2:5000", []string{"198.51.100.1, nonsense, 10.5.5.5"}, "10.5.5.5"},
		{"hop with a port", trusted, "10.0.0.2:5000", []string{"198.51.100.1:4711"}, "198.51.100.1"},
		{"IPv6 client", trusted, "[fd00::1]:5000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"IPv6 hop with port", trusted, "10.0.0.2:5000", []string{"[2001:db8::7]:443"}, "2001:db8::7"},
		{"mapped IPv4 peer", trusted, "[::ffff:10.0.0.2]:5000", []string{"198.51.100.1"}, "198.51.100.1"},
	}
	for _, c := range cases {
		a := &API{Deps: Deps{TrustedProxies: c.proxies}}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := a.clientIP(r); got != c.want {
			t.Errorf("%s: clientIP = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestLimitersBounded: the bucket map never holds more than its bound, the
// least recently used bucket goes first, and a refund reaches its bucket.
func TestLimitersBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := &limiters{max: 100}
	l.take("login:email:victim@example.com", 1.0/3, 2, now)
	for i := range 1000 {
		l.take(fmt.Sprintf("login:email:guess%d@example.com", i), 1.0/3, 20, now)
		if i%10 == 0 {
			l.take("login:email:victim@example.com", 1.0/3, 2, now) // recently used: kept
		}
	}
	if n := l.len(); n > 100 {
		t.Fatalf("%d buckets kept, bound 100", n)
	}
	if ok, _, wait := l.take("login:email:victim@example.com", 1.0/3, 2, now); ok || wait <= 0 {
		t.Errorf("the victim's bucket was forgotten: ok %v wait %v", ok, wait)
	}
	l.refund("login:email:victim@example.com", now)
	if ok, _, _ := l.take("login:email:victim@example.com", 1.0/3, 2, now); !ok {
		t.Error("a refunded token cannot be taken")
	}
	if ok, _, _ := l.take("login:email:guess0@example.com", 1.0/3, 20, now); !ok {
		t.Error("a forgotten bucket did not start full")
	}
}

func TestBucket(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := bucket{perSec: 2, burst: 3, tokens: 3, last: now}
	for i := range 3 {
		if ok, left, _ := b.take(now); !ok || left != 2-i {
			t.Fatalf("take %d: ok %v left %d", i, ok, left)
		}
	}
	if ok, _, wait := b.take(now); ok || wait != 500*time.Millisecond {
		t.Fatalf("empty bucket: ok %v wait %v, want a 500ms wait", ok, wait)
	}
	if ok, _, _ := b.take(now.Add(500 * time.Millisecond)); !ok {
		t.Fatal("no token after the refill time")
	}
	b.refund(now.Add(time.Hour))
	if b.tokens != 3 {
		t.Errorf("refund overfilled the bucket: %v tokens, burst 3", b.tokens)
	}
}
