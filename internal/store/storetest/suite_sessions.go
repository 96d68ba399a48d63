package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// testConsoleSessions: console sessions share the per-user cap with
// authtokens, are found only as their own kind, keep their expiry times,
// are dropped once expired when the user signs in again, and "sign out
// everywhere" removes both kinds.
func testConsoleSessions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, _ := seedOrg(t, s)
	u := addUser(t, s, org, "c@example.com")
	if err := s.CreateSession(ctx, u.UID, "api0", t0, 3); err != nil {
		t.Fatal(err)
	}
	console := domain.Session{TokenHash: "con1", UserUID: u.UID, Kind: domain.SessionConsole, SSOOrg: org.UID,
		CreatedAt: t0.Add(time.Second), IdleUntil: t0.Add(30 * time.Minute), ExpiresAt: t0.Add(12 * time.Hour)}
	if err := s.StartSession(ctx, console, 3); err != nil {
		t.Fatal(err)
	}
	_, got, err := s.SessionByHash(ctx, "con1", domain.SessionConsole)
	if err != nil || got.SSOOrg != org.UID || !got.IdleUntil.Equal(console.IdleUntil) || !got.ExpiresAt.Equal(console.ExpiresAt) {
		t.Fatalf("SessionByHash = %+v, %v", got, err)
	}
	if _, err := s.UserBySession(ctx, "con1"); !domain.IsKind(err, domain.KindUnauthorized) {
		t.Errorf("a console session's secret works as an authtoken: %v", err)
	}
	if _, _, err := s.SessionByHash(ctx, "api0", domain.SessionConsole); !domain.IsKind(err, domain.KindUnauthorized) {
		t.Errorf("an authtoken works as a console session: %v", err)
	}
	_, api, err := s.SessionByHash(ctx, "api0", domain.SessionAPI)
	if err != nil || !api.IdleUntil.IsZero() || !api.ExpiresAt.IsZero() || api.Expired(t0.Add(1000*time.Hour)) {
		t.Errorf("authtoken session %+v, %v: must never expire", api, err)
	}
	if err := s.TouchSession(ctx, "con1", t0.Add(40*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, got, _ = s.SessionByHash(ctx, "con1", domain.SessionConsole); !got.IdleUntil.Equal(t0.Add(40 * time.Minute)) {
		t.Errorf("TouchSession: idle until %v", got.IdleUntil)
	}
	// A sign-in after the console session died drops it, whatever the cap.
	later := domain.Session{TokenHash: "api2", UserUID: u.UID, Kind: domain.SessionAPI, CreatedAt: t0.Add(time.Hour)}
	if err := s.StartSession(ctx, later, 20); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SessionByHash(ctx, "con1", domain.SessionConsole); err == nil {
		t.Error("an expired console session survived the next sign-in")
	}
	// Both kinds count toward the cap: the oldest goes.
	for i, h := range []string{"con3", "con4"} {
		c := console
		c.TokenHash, c.CreatedAt, c.IdleUntil = h, t0.Add(time.Hour+time.Duration(i+1)*time.Second), t0.Add(2*time.Hour)
		if err := s.StartSession(ctx, c, 3); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.CountSessions(ctx, u.UID); n != 3 {
		t.Errorf("CountSessions = %d, want 3", n)
	}
	if _, err := s.UserBySession(ctx, "api0"); err == nil {
		t.Error("the oldest authtoken survived a console sign-in over the cap")
	}
	n, err := s.DeleteUserSessions(ctx, u.UID)
	if err != nil || n != 3 {
		t.Fatalf("DeleteUserSessions = %d, %v; want 3", n, err)
	}
	if n, _ := s.CountSessions(ctx, u.UID); n != 0 {
		t.Errorf("%d sessions left after signing out everywhere", n)
	}
}
