package cli

import "testing"

func TestMemoryLimit(t *testing.T) {
	const hashes = 128 << 20
	noEnv := func(string) string { return "" }
	withGo := func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}
	cases := []struct {
		v       string
		getenv  func(string) string
		want    int64
		wantSet bool
		wantErr bool
	}{
		{"auto", noEnv, hashes + 64<<20, true, false},
		{"", noEnv, hashes + 64<<20, true, false},
		{"auto", withGo, 0, false, false},
		{"off", noEnv, 0, false, false},
		{"0", noEnv, 0, false, false},
		{"512MiB", noEnv, 512 << 20, true, false},
		{"2GiB", withGo, 2 << 30, true, false},
		{"300000000", noEnv, 300000000, true, false},
		{"64KiB", noEnv, 64 << 10, true, false},
		{"lots", noEnv, 0, false, true},
		{"-5MiB", noEnv, 0, false, true},
		{"1.5GiB", noEnv, 0, false, true},
	}
	for _, c := range cases {
		got, set, err := memoryLimit(c.v, hashes, c.getenv)
		if got != c.want || set != c.wantSet || (err != nil) != c.wantErr {
			t.Errorf("memoryLimit(%q) = %d, %v, %v; want %d, %v, error %v", c.v, got, set, err, c.want, c.wantSet, c.wantErr)
		}
	}
}
