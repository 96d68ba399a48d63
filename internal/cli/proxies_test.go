package cli

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTrustedProxies(t *testing.T) {
	cases := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"", nil, false},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}, false},
		{" 10.1.2.3/8 , 192.168.1.7,::1, fd00::/8", []string{"10.0.0.0/8", "192.168.1.7/32", "::1/128", "fd00::/8"}, false},
		{"::ffff:10.0.0.1", []string{"10.0.0.1/32"}, false},
		{"10.0.0.0/33", nil, true},
		{"proxy.local", nil, true},
	}
	for _, c := range cases {
		got, err := parseTrustedProxies(c.in)
		if (err != nil) != c.wantErr {
			t.Errorf("parseTrustedProxies(%q): error %v", c.in, err)
			continue
		}
		var strs []string
		for _, p := range got {
			strs = append(strs, p.String())
		}
		if diff := cmp.Diff(c.want, strs); diff != "" {
			t.Errorf("parseTrustedProxies(%q) (-want +got):\n%s", c.in, diff)
		}
	}
}
