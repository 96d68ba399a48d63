package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// testSettleLogin: a settlement writes the user row as decide left it, and
// stores the session only when decide reports a success; an error from
// decide changes nothing.
func testSettleLogin(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, _ := seedOrg(t, s)
	u := addUser(t, s, org, "settle@example.com")
	cases := []struct {
		name        string
		decide      func(u *domain.User) (bool, error)
		wantSession bool
		wantFailed  int
		wantErr     bool
	}{
		{"failure counted", func(u *domain.User) (bool, error) { u.Failed = 3; return false, nil }, false, 3, false},
		{"aborted", func(u *domain.User) (bool, error) { u.Failed = 9; return true, errors.New("abort") }, false, 3, true},
		{"success", func(u *domain.User) (bool, error) { u.Failed, u.TFALastStep = 0, 42; return true, nil }, true, 0, false},
	}
	for i, c := range cases {
		hash := fmt.Sprintf("settle-%d", i)
		got, ok, err := s.SettleLogin(ctx, u.UID, domain.Session{TokenHash: hash, UserUID: u.UID, Kind: domain.SessionAPI, CreatedAt: t0}, 20, c.decide)
		if (err != nil) != c.wantErr || ok != (c.wantSession && !c.wantErr) {
			t.Fatalf("%s: ok %v err %v", c.name, ok, err)
		}
		if !c.wantErr && got.Failed != c.wantFailed {
			t.Errorf("%s: returned user has %d failures, want %d", c.name, got.Failed, c.wantFailed)
		}
		if stored, _ := s.User(ctx, u.UID); stored.Failed != c.wantFailed {
			t.Errorf("%s: stored user has %d failures, want %d", c.name, stored.Failed, c.wantFailed)
		}
		if _, err := s.UserBySession(ctx, hash); (err == nil) != c.wantSession {
			t.Errorf("%s: session stored = %v, want %v", c.name, err == nil, c.wantSession)
		}
	}
	if stored, _ := s.User(ctx, u.UID); stored.TFALastStep != 42 {
		t.Errorf("TFALastStep = %d, want 42", stored.TFALastStep)
	}
}

// testLoginReservationsRace: concurrent reservations on one user row, as
// concurrent logins make them, take exactly the slots the policy leaves.
func testLoginReservationsRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, _ := seedOrg(t, s)
	u := addUser(t, s, org, "reserve@example.com")
	for _, start := range []int{0, 7} {
		if _, err := s.UpdateUser(ctx, u.UID, func(u *domain.User) error {
			u.Unlock(t0)
			u.Failed = start
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := (&domain.User{Failed: start}).LoginSlots(t0)
		var taken sync.WaitGroup
		var mu sync.Mutex
		n := 0
		for range 30 {
			taken.Add(1)
			go func() {
				defer taken.Done()
				_, err := s.UpdateUser(ctx, u.UID, func(u *domain.User) error {
					if !u.ReserveLogin(t0, time.Minute) {
						return domain.ErrInvalid("user", "no slot")
					}
					return nil
				})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					n++
				} else if !domain.IsKind(err, domain.KindInvalid) {
					t.Errorf("reserve: %v", err)
				}
			}()
		}
		taken.Wait()
		if n != want {
			t.Errorf("from %d failures: %d of 30 concurrent reservations succeeded, want %d", start, n, want)
		}
	}
}

// testSessionCapConcurrent: logins settled at once never leave a user more
// sessions than the cap.
func testSessionCapConcurrent(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, _ := seedOrg(t, s)
	u := addUser(t, s, org, "cap@example.com")
	const max, logins = 20, 45
	var wg sync.WaitGroup
	for i := range logins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.SettleLogin(ctx, u.UID, domain.Session{TokenHash: fmt.Sprintf("cap-%02d", i), UserUID: u.UID, Kind: domain.SessionAPI,
				CreatedAt: t0.Add(time.Duration(i) * time.Millisecond)}, max,
				func(u *domain.User) (bool, error) { return true, nil })
			if err != nil {
				t.Errorf("login %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if n, err := s.CountSessions(ctx, u.UID); err != nil || n != max {
		t.Errorf("%d concurrent logins left %d sessions (%v), want the cap %d", logins, n, err, max)
	}
}
