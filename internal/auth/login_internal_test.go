package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store/storetest"
)

// TestLoginBusyHasher: a login that finds every hash slot and the queue
// taken is refused with ErrBusy (429) without being counted, and gives its
// reservation back.
func TestLoginBusyHasher(t *testing.T) {
	st, _, _ := storetest.OpenSQLite(t)
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := NewHasherQueue(TestParams, 1, 0, 0)
	hash, err := h.Hash(ctx, "Passw0rd!")
	if err != nil {
		t.Fatal(err)
	}
	org := domain.Organization{UID: domain.NewUID(), Name: "Org", OwnerUID: "bltowner", CreatedAt: now, UpdatedAt: now}
	u := domain.User{UID: "bltowner", Email: "busy@example.com", Username: "busy", PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if _, err := st.Bootstrap(ctx, org, u); err != nil {
		t.Fatal(err)
	}
	box, _ := NewBox([]byte("0123456789abcdef0123"))
	a := &Authenticator{Store: st, Hasher: h, Box: box, Key: []byte("k"), Now: func() time.Time { return now },
		MaxSessions: 20, RetryWindow: 10 * time.Second}

	h.sem <- struct{}{} // another hash holds the only slot
	for _, password := range []string{"Passw0rd!", "wrong-one-1"} {
		if _, _, err := a.Login(ctx, "busy@example.com", password, ""); !errors.Is(err, ErrBusy) {
			t.Fatalf("login with every slot taken: %v, want ErrBusy", err)
		}
	}
	got, _ := st.User(ctx, u.UID)
	if got.Failed != 0 || got.LoginPending != 0 {
		t.Errorf("refused logins left %d failures and %d reservations", got.Failed, got.LoginPending)
	}
	<-h.sem
	if _, token, err := a.Login(ctx, "busy@example.com", "Passw0rd!", ""); err != nil || token == "" {
		t.Fatalf("login once the slot is free: %v", err)
	}
}
