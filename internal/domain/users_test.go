package domain

import (
	"testing"
	"time"
)

func TestLockout(t *testing.T) {
	want := map[int]time.Duration{1: 0, 4: 0, 5: 5 * time.Minute, 6: 10 * time.Minute, 7: 15 * time.Minute, 8: 20 * time.Minute, 9: 25 * time.Minute}
	for n, d := range want {
		if got, forever := Lockout(n); got != d || forever {
			t.Errorf("Lockout(%d) = %v, %v; want %v", n, got, forever, d)
		}
	}
	if _, forever := Lockout(10); !forever {
		t.Error("the 10th failure must lock until unlocked")
	}
}

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{`null`, time.Time{}, false},
		{`"2026-01-02"`, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), false},
		{`"2026-01-01T13:00:00Z"`, time.Date(2026, 1, 1, 13, 0, 0, 0, time.UTC), false},
		{`"2026-01-01"`, time.Time{}, true},
		{`"2025-12-31T23:59:59Z"`, time.Time{}, true},
		{`"tomorrow"`, time.Time{}, true},
		{`42`, time.Time{}, true},
	}
	for _, c := range cases {
		got, err := ParseExpiry([]byte(c.in), now)
		if (err != nil) != c.wantErr {
			t.Errorf("ParseExpiry(%s) error = %v, wantErr %v", c.in, err, c.wantErr)
			continue
		}
		if !c.wantErr && !c.want.IsZero() && got != c.want.UnixMilli() {
			t.Errorf("ParseExpiry(%s) = %d, want %d", c.in, got, c.want.UnixMilli())
		}
	}
}

func TestValidation(t *testing.T) {
	for _, bad := range []string{"", "x", "a@b", "a b@c.de", "@example.com"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) accepted", bad)
		}
	}
	if got, err := NormalizeEmail(" Ada@Example.COM "); err != nil || got != "ada@example.com" {
		t.Errorf("NormalizeEmail = %q, %v", got, err)
	}
	for _, bad := range []string{"short1!", "onlyletters", "12345678", ""} {
		if ValidatePassword(bad) == nil {
			t.Errorf("ValidatePassword(%q) accepted", bad)
		}
	}
}
