package api

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"

	"github.com/stackd/stackd/internal/domain"
)

func TestAssetURL(t *testing.T) {
	as := domain.Asset{APIKey: "bltkey", UID: "bltuid", URLSecret: "s3cr3t", Filename: "my file#1?.png"}
	const p = "/assets/bltkey/bltuid/s3cr3t/my%20file%231%3F.png"
	tlsReq := httptest.NewRequest("GET", "/v3/assets", nil)
	tlsReq.TLS = &tls.ConnectionState{}
	tlsReq.Host = "cma.test:8443"
	for _, c := range []struct {
		name, public, target string
		tls                  bool
		want                 string
	}{
		{"from the request", "", "/v3/assets", false, "http://example.com" + p},
		{"from a TLS request", "", "/v3/assets", true, "https://cma.test:8443" + p},
		{"public url", "https://cdn.example.org", "/v3/assets", false, "https://cdn.example.org" + p},
		{"public url with a path and slash", "https://example.org/stackd/", "/v3/assets", true, "https://example.org/stackd" + p},
		{"relative", "https://cdn.example.org", "/v3/assets?relative_urls=true", false, p},
	} {
		a := &API{Deps: Deps{PublicURL: c.public}}
		r := httptest.NewRequest("GET", c.target, nil)
		if c.tls {
			r.TLS, r.Host = tlsReq.TLS, tlsReq.Host
		}
		if got := a.assetURL(r, as); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
