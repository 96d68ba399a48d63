package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// Run is the conformance suite: every engine must pass all of it.
func Run(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{
		{"MigrateTwice", testMigrateTwice},
		{"Bootstrap", testBootstrap},
		{"Users", testUsers},
		{"UpdateUserNoLostWrites", testUpdateUserNoLostWrites},
		{"Sessions", testSessions},
		{"ConsoleSessions", testConsoleSessions},
		{"OrgSSO", testOrgSSO},
		{"Stacks", testStacks},
		{"Sharing", testSharing},
		{"StackSeq", testStackSeq},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := e.Open(t)
			tt.fn(t, s)
		})
	}
}

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newUser(email string) domain.User {
	return domain.User{UID: domain.NewUID(), Email: email, Username: email, PasswordHash: "x", CreatedAt: t0, UpdatedAt: t0}
}

// seedOrg bootstraps an organization with an owner and returns both.
func seedOrg(t *testing.T, s *store.Store) (domain.Organization, domain.User) {
	t.Helper()
	owner := newUser("owner@example.com")
	org := domain.Organization{UID: domain.NewUID(), Name: "Org", OwnerUID: owner.UID, CreatedAt: t0, UpdatedAt: t0}
	created, err := s.Bootstrap(context.Background(), org, owner)
	if err != nil || !created {
		t.Fatalf("Bootstrap = %v, %v; want true, nil", created, err)
	}
	return org, owner
}

func addUser(t *testing.T, s *store.Store, org domain.Organization, email string) domain.User {
	t.Helper()
	u := newUser(email)
	if err := s.CreateUser(context.Background(), u, org.UID, domain.OrgMember); err != nil {
		t.Fatalf("CreateUser(%s): %v", email, err)
	}
	return u
}

func wantKind(t *testing.T, err error, k domain.Kind) {
	t.Helper()
	if !domain.IsKind(err, k) {
		t.Fatalf("error = %v; want a domain error of kind %d", err, k)
	}
}

func testMigrateTwice(t *testing.T, s *store.Store) {
	for i := 0; i < 2; i++ {
		if err := s.Migrate(context.Background()); err != nil {
			t.Fatalf("Migrate #%d: %v", i+1, err)
		}
	}
}

func testBootstrap(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, owner := seedOrg(t, s)
	other := newUser("other@example.com")
	created, err := s.Bootstrap(ctx, domain.Organization{UID: domain.NewUID(), Name: "Second", OwnerUID: other.UID, CreatedAt: t0, UpdatedAt: t0}, other)
	if err != nil || created {
		t.Fatalf("second Bootstrap = %v, %v; want false, nil", created, err)
	}
	first, err := s.FirstOrg(ctx)
	if err != nil || first.UID != org.UID {
		t.Fatalf("FirstOrg = %v, %v; want %s", first.UID, err, org.UID)
	}
	orgs, err := s.UserOrgs(ctx, owner.UID)
	if err != nil || len(orgs) != 1 || orgs[0].Role != domain.OrgOwner {
		t.Fatalf("UserOrgs(owner) = %+v, %v; want one owned organization", orgs, err)
	}
	if _, err := s.UserByEmail(ctx, "other@example.com"); err == nil {
		t.Fatal("second Bootstrap created its owner")
	}
}

func testUsers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, _ := seedOrg(t, s)
	u := addUser(t, s, org, "a@example.com")
	wantKind(t, s.CreateUser(ctx, newUser("a@example.com"), org.UID, domain.OrgMember), domain.KindInvalid)
	wantKind(t, s.CreateUser(ctx, newUser("b@example.com"), "bltmissing", domain.OrgMember), domain.KindInvalid)
	got, err := s.UserByEmail(ctx, "a@example.com")
	if err != nil {
		t.Fatalf("UserByEmail: %v", err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("UserByEmail mismatch (-want +got):\n%s", diff)
	}
	_, err = s.User(ctx, "bltnobody")
	wantKind(t, err, domain.KindInvalid)
	updated, err := s.UpdateUser(ctx, u.UID, func(u *domain.User) error {
		u.FirstName, u.TFAEnabled, u.TFASecret = "Ada", true, []byte{1, 2, 3}
		return nil
	})
	if err != nil || updated.FirstName != "Ada" {
		t.Fatalf("UpdateUser = %+v, %v", updated, err)
	}
	got, _ = s.User(ctx, u.UID)
	if got.FirstName != "Ada" || !got.TFAEnabled || !cmp.Equal(got.TFASecret, []byte{1, 2, 3}) {
		t.Errorf("after UpdateUser: %+v", got)
	}
	_, err = s.UpdateUser(ctx, u.UID, func(u *domain.User) error {
		u.FirstName = "Lost"
		return domain.ErrInvalid("x", "abort")
	})
	wantKind(t, err, domain.KindInvalid)
	if got, _ := s.User(ctx, u.UID); got.FirstName != "Ada" {
		t.Errorf("an aborted UpdateUser wrote %q", got.FirstName)
	}
}

// testUpdateUserNoLostWrites runs concurrent read-modify-write updates and
// checks that every one of them counted.
func testUpdateUserNoLostWrites(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, _ := seedOrg(t, s)
	u := addUser(t, s, org, "c@example.com")
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateUser(ctx, u.UID, func(u *domain.User) error { u.Failed++; return nil })
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("UpdateUser: %v", err)
		}
	}
	if got, _ := s.User(ctx, u.UID); got.Failed != n {
		t.Errorf("Failed = %d after %d concurrent increments", got.Failed, n)
	}
}

func testSessions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, _ := seedOrg(t, s)
	u := addUser(t, s, org, "d@example.com")
	if _, err := s.UpdateUser(ctx, u.UID, func(u *domain.User) error { u.Failed, u.LockedUntil = 3, 99; return nil }); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if err := s.CreateSession(ctx, u.UID, fmt.Sprintf("hash%d", i), t0.Add(time.Duration(i)*time.Second), 3); err != nil {
			t.Fatalf("CreateSession %d: %v", i, err)
		}
	}
	if n, _ := s.CountSessions(ctx, u.UID); n != 3 {
		t.Errorf("CountSessions = %d; want 3 (the cap)", n)
	}
	for i, wantValid := range []bool{false, false, true, true, true} {
		_, err := s.UserBySession(ctx, fmt.Sprintf("hash%d", i))
		if (err == nil) != wantValid {
			t.Errorf("session %d valid = %v; want %v", i, err == nil, wantValid)
		}
	}
	if got, _ := s.User(ctx, u.UID); got.Failed != 0 || got.LockedUntil != 0 {
		t.Errorf("CreateSession kept failures: %+v", got)
	}
	if err := s.DeleteSession(ctx, "hash4"); err != nil {
		t.Fatal(err)
	}
	_, err := s.UserBySession(ctx, "hash4")
	wantKind(t, err, domain.KindUnauthorized)
	if err := s.ChangePassword(ctx, u.UID, "newhash", "hash3", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserBySession(ctx, "hash2"); err == nil {
		t.Error("ChangePassword kept another session")
	}
	if _, err := s.UserBySession(ctx, "hash3"); err != nil {
		t.Errorf("ChangePassword revoked the kept session: %v", err)
	}
}

func newStack(owner domain.User, org domain.Organization) (domain.Stack, []domain.Role) {
	st := domain.Stack{UID: domain.NewUID(), APIKey: domain.NewUID(), OrgUID: org.UID, Name: "S", MasterLocale: "en-us",
		OwnerUID: owner.UID, CreatedAt: t0, UpdatedAt: t0}
	var roles []domain.Role
	for _, b := range domain.BuiltinRoles {
		roles = append(roles, domain.Role{UID: domain.NewUID(), APIKey: st.APIKey, Name: b.Name, Builtin: b.Kind, CreatedAt: t0, UpdatedAt: t0})
	}
	return st, roles
}

func testStacks(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, owner := seedOrg(t, s)
	st, roles := newStack(owner, org)
	if err := s.CreateStack(ctx, st, roles, nil); err != nil {
		t.Fatalf("CreateStack: %v", err)
	}
	got, err := s.Stack(ctx, st.APIKey)
	if err != nil || got.Name != "S" || got.OwnerUID != owner.UID {
		t.Fatalf("Stack = %+v, %v", got, err)
	}
	_, err = s.Stack(ctx, "bltunknown")
	wantKind(t, err, domain.KindStackUnknown)
	acc, err := s.StackAccess(ctx, st.APIKey, owner.UID)
	if err != nil || !acc.Member {
		t.Fatalf("owner access = %+v, %v", acc, err)
	}
	if list, _ := s.UserStacks(ctx, owner.UID, ""); len(list) != 1 {
		t.Errorf("UserStacks = %d stacks; want 1", len(list))
	}
	if list, _ := s.UserStacks(ctx, owner.UID, "bltotherorg"); len(list) != 0 {
		t.Errorf("UserStacks(other org) = %d stacks; want 0", len(list))
	}
	up, err := s.UpdateStack(ctx, st.APIKey, func(st *domain.Stack) error { st.Name = "Renamed"; return nil }, nil)
	if err != nil || up.Name != "Renamed" {
		t.Fatalf("UpdateStack = %+v, %v", up, err)
	}
	if rs, _ := s.Roles(ctx, st.APIKey); len(rs) != 3 {
		t.Errorf("Roles = %d; want 3 built-in roles", len(rs))
	}
	if err := s.DeleteStack(ctx, st.APIKey); err != nil {
		t.Fatal(err)
	}
	_, err = s.Stack(ctx, st.APIKey)
	wantKind(t, err, domain.KindStackUnknown)
	if rs, _ := s.Roles(ctx, st.APIKey); len(rs) != 0 {
		t.Errorf("DeleteStack left %d roles", len(rs))
	}
}

func testSharing(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, owner := seedOrg(t, s)
	dev := addUser(t, s, org, "dev@example.com")
	st, roles := newStack(owner, org)
	if err := s.CreateStack(ctx, st, roles, nil); err != nil {
		t.Fatal(err)
	}
	admin, developer := roles[0].UID, roles[1].UID
	wantKind(t, s.Share(ctx, st.APIKey, store.Grants{dev.UID: {"bltnorole"}}, t0, nil), domain.KindInvalid)
	if acc, _ := s.StackAccess(ctx, st.APIKey, dev.UID); acc.Member {
		t.Fatal("a refused Share added the member")
	}
	if err := s.Share(ctx, st.APIKey, store.Grants{dev.UID: {developer}}, t0, nil); err != nil {
		t.Fatalf("Share: %v", err)
	}
	acc, _ := s.StackAccess(ctx, st.APIKey, dev.UID)
	if !acc.Member || !cmp.Equal(acc.Builtins, []domain.Builtin{domain.RoleDeveloper}) {
		t.Fatalf("after Share: %+v", acc)
	}
	if err := s.SetRoles(ctx, st.APIKey, store.Grants{dev.UID: {admin}}, nil); err != nil {
		t.Fatal(err)
	}
	if acc, _ := s.StackAccess(ctx, st.APIKey, dev.UID); !cmp.Equal(acc.Builtins, []domain.Builtin{domain.RoleAdmin}) {
		t.Errorf("SetRoles did not replace: %+v", acc)
	}
	users, err := s.StackUsers(ctx, st.APIKey)
	if err != nil || len(users) != 2 || users[0].IsOwner == users[1].IsOwner {
		t.Fatalf("StackUsers = %+v, %v", users, err)
	}
	wantKind(t, s.Unshare(ctx, st.APIKey, owner.UID, nil), domain.KindInvalid)
	if err := s.TransferOwnership(ctx, st.APIKey, dev.UID, t0, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Stack(ctx, st.APIKey); got.OwnerUID != dev.UID {
		t.Errorf("owner after transfer = %s", got.OwnerUID)
	}
	if err := s.Unshare(ctx, st.APIKey, owner.UID, nil); err != nil {
		t.Fatalf("Unshare former owner: %v", err)
	}
	if acc, _ := s.StackAccess(ctx, st.APIKey, owner.UID); acc.Member || len(acc.RoleUIDs) != 0 {
		t.Errorf("after Unshare: %+v", acc)
	}
	wantKind(t, s.SetRoles(ctx, st.APIKey, store.Grants{owner.UID: {admin}}, nil), domain.KindInvalid)
}
