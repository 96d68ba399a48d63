package api

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientIP is the address a request comes from, for the login buckets,
// the rate limits and the audit log. The connection's peer, unless the peer
// is one of Deps.TrustedProxies: then X-Forwarded-For is read from right to
// left, skipping trusted addresses, and the first untrusted one is the
// client. An entry that is not an address ends the walk at the last trusted
// hop (a proxy that wrote garbage is not believed further); when every hop
// is trusted, the leftmost is the client. Without trusted proxies,
// X-Forwarded-For is ignored: any client could write it.
func (a *API) clientIP(r *http.Request) string {
	peer := remoteIP(r)
	addr, err := netip.ParseAddr(peer)
	if err != nil || !a.trustedProxy(addr) {
		return peer
	}
	hops := forwardedFor(r)
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := parseHop(hops[i])
		if !ok {
			break
		}
		if !a.trustedProxy(hop) {
			return hop.String()
		}
		addr = hop
	}
	return addr.String()
}

func (a *API) trustedProxy(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range a.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// forwardedFor returns every X-Forwarded-For hop, in order, across repeated
// header lines.
func forwardedFor(r *http.Request) []string {
	var hops []string
	for _, line := range r.Header.Values("X-Forwarded-For") {
		for _, hop := range strings.Split(line, ",") {
			hops = append(hops, strings.TrimSpace(hop))
		}
	}
	return hops
}

// parseHop reads one X-Forwarded-For entry: an address, optionally with a
// port (some proxies add one; IPv6 then in brackets).
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

// remoteIP is the connection peer's address, without the port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
