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

func TestLoginSlots(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	later := now.Add(time.Minute).UnixMilli()
	cases := []struct {
		name string
		u    User
		want int
	}{
		{"fresh", User{}, 5},
		{"three failures", User{Failed: 3}, 2},
		{"two in flight", User{Failed: 1, LoginPending: 2, LoginPendingUntil: later}, 2},
		{"lapsed reservations", User{Failed: 1, LoginPending: 4, LoginPendingUntil: now.UnixMilli()}, 4},
		{"expired 5-minute lock", User{Failed: 5, LockedUntil: now.UnixMilli() - 1}, 1},
		{"expired lock, one in flight", User{Failed: 7, LockedUntil: 1, LoginPending: 1, LoginPendingUntil: later}, 0},
		{"locked", User{Failed: 5, LockedUntil: later}, 0},
		{"locked forever", User{Failed: 10, LockedUntil: LockedForever}, 0},
	}
	for _, c := range cases {
		if got := c.u.LoginSlots(now); got != c.want {
			t.Errorf("%s: LoginSlots = %d, want %d", c.name, got, c.want)
		}
	}
}

// TestReserveCountRelease walks one account through reservations, failures,
// a lock and a success.
func TestReserveCountRelease(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var u User
	for i := 0; i < MaxLoginAttempts; i++ {
		if !u.ReserveLogin(now, time.Minute) {
			t.Fatalf("reservation %d refused", i)
		}
	}
	if u.ReserveLogin(now, time.Minute) {
		t.Fatal("a sixth check started while five are in flight")
	}
	if !u.ReserveLogin(now.Add(2*time.Minute), time.Minute) {
		t.Fatal("lapsed reservations still block")
	}
	u.LoginPending, u.LoginPendingUntil = 5, now.Add(time.Minute).UnixMilli()
	for i := 0; i < MaxLoginAttempts; i++ {
		u.ReleaseLogin(now)
		u.CountFailure(string(rune('a'+i)), now, 10*time.Second)
	}
	if !u.Locked(now) || u.LoginPending != 0 || u.Failed != 5 {
		t.Fatalf("after five failures: %+v", u)
	}
	u.CountFailure("e", now.Add(time.Second), 10*time.Second)
	if u.Failed != 5 {
		t.Errorf("a retry within the window counted: %d", u.Failed)
	}
	u.Unlock(now)
	if u.Locked(now) || u.Failed != 0 || u.LoginSlots(now) != MaxLoginAttempts {
		t.Errorf("after Unlock: %+v", u)
	}
}
