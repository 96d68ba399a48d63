package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// testOrgSSO: settings are stored and replaced (an empty secret keeps the
// stored one; a first setting needs one); strict mode decides who must use
// SSO and shows in StackAccess for members but not the owner; identities
// link only members and provisioning creates a member.
func testOrgSSO(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, owner := seedOrg(t, s)
	member := addUser(t, s, org, "m@example.com")
	cfg := domain.OrgSSO{OrgUID: org.UID, Issuer: "https://idp.example.com", ClientID: "c", CreatedAt: t0, UpdatedAt: t0}
	if _, err := s.PutOrgSSO(ctx, cfg); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("a first setting without a secret: %v", err)
	}
	cfg.ClientSecret = []byte("sealed")
	if _, err := s.PutOrgSSO(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	cfg.ClientSecret, cfg.Strict, cfg.UpdatedAt = nil, true, t0.Add(time.Hour)
	if _, err := s.PutOrgSSO(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	got, err := s.OrgSSO(ctx, org.UID)
	if err != nil || !bytes.Equal(got.ClientSecret, []byte("sealed")) || !got.Strict || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("OrgSSO = %+v, %v", got, err)
	}
	for uid, want := range map[string]bool{owner.UID: false, member.UID: true, "nobody": false} {
		if got, err := s.SSORequired(ctx, uid); err != nil || got != want {
			t.Errorf("SSORequired(%s) = %v, %v; want %v", uid, got, err, want)
		}
	}
	st, roles := newStack(owner, org)
	if err := s.CreateStack(ctx, st, roles, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Share(ctx, st.APIKey, store.Grants{member.UID: nil}, t0, nil); err != nil {
		t.Fatal(err)
	}
	for uid, want := range map[string]bool{owner.UID: false, member.UID: true} {
		if acc, err := s.StackAccess(ctx, st.APIKey, uid); err != nil || !acc.Member || acc.SSOStrict != want {
			t.Errorf("StackAccess(%s) = %+v, %v; want strict %v", uid, acc, err, want)
		}
	}
	testSSOIdentities(t, s, org, member)
	if found, err := s.DeleteOrgSSO(ctx, org.UID); err != nil || !found {
		t.Fatalf("DeleteOrgSSO = %v, %v", found, err)
	}
	if acc, _ := s.StackAccess(ctx, st.APIKey, member.UID); acc.SSOStrict {
		t.Error("strict after SSO was removed")
	}
	if req, _ := s.SSORequired(ctx, member.UID); req {
		t.Error("SSO required after it was removed")
	}
}

func testSSOIdentities(t *testing.T, s *store.Store, org domain.Organization, member domain.User) {
	ctx := context.Background()
	id := store.SSOIdentity{OrgUID: org.UID, Issuer: "https://idp.example.com", Subject: "s1"}
	if _, err := s.SSOUser(ctx, id); !domain.IsKind(err, domain.KindUnauthorized) {
		t.Errorf("unknown identity: %v", err)
	}
	if err := s.LinkSSOIdentity(ctx, id, member.UID, t0); err != nil {
		t.Fatal(err)
	}
	if uid, err := s.SSOUser(ctx, id); err != nil || uid != member.UID {
		t.Errorf("SSOUser = %q, %v", uid, err)
	}
	stranger := newUser("stranger@example.com")
	other := domain.Organization{UID: domain.NewUID(), Name: "Other", OwnerUID: member.UID, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateOrg(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUser(ctx, stranger, other.UID, domain.OrgMember); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkSSOIdentity(ctx, store.SSOIdentity{OrgUID: org.UID, Issuer: id.Issuer, Subject: "s2"}, stranger.UID, t0); !domain.IsKind(err, domain.KindForbidden) {
		t.Errorf("linking a non-member: %v", err)
	}
	jit := newUser("jit@example.com")
	jitID := store.SSOIdentity{OrgUID: org.UID, Issuer: id.Issuer, Subject: "s3"}
	if err := s.ProvisionSSOUser(ctx, jit, jitID, domain.OrgMember); err != nil {
		t.Fatal(err)
	}
	if m, err := s.UserOrg(ctx, jit.UID, org.UID); err != nil || m.Role != domain.OrgMember {
		t.Errorf("provisioned membership = %+v, %v", m, err)
	}
	dup := newUser("jit@example.com")
	if err := s.ProvisionSSOUser(ctx, dup, store.SSOIdentity{OrgUID: org.UID, Issuer: id.Issuer, Subject: "s4"}, domain.OrgMember); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("provisioning a taken email: %v", err)
	}
	if _, err := s.SSOUser(ctx, store.SSOIdentity{OrgUID: org.UID, Issuer: id.Issuer, Subject: "s4"}); err == nil {
		t.Error("a failed provisioning left its identity behind")
	}
}
