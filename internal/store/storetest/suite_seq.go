package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

func auditOf(apiKey string, m domain.Module, event string) *domain.AuditEntry {
	return &domain.AuditEntry{UID: domain.NewUID(), APIKey: apiKey, Module: string(m), EventType: event, ActorKind: "user", CreatedAt: t0}
}

// testStackSeq: the change counter moves with deletes and credential or
// environment changes, not with plain creates of content, and concurrent
// bumps are all counted.
func testStackSeq(t *testing.T, s *store.Store) {
	ctx := context.Background()
	org, owner := seedOrg(t, s)
	st, roles := newStack(owner, org)
	if err := s.CreateStack(ctx, st, roles, auditOf(st.APIKey, domain.ModStack, "create")); err != nil {
		t.Fatal(err)
	}
	seq := func() int64 {
		t.Helper()
		n, err := s.StackSeq(ctx, st.APIKey)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := seq(); n != 1 {
		t.Fatalf("after stack create: seq = %d, want 1", n)
	}
	l := domain.Label{UID: domain.NewUID(), APIKey: st.APIKey, Name: "L", Version: 1, CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateLabel(ctx, l, auditOf(st.APIKey, domain.ModLabel, "create")); err != nil {
		t.Fatal(err)
	}
	if n := seq(); n != 1 {
		t.Errorf("a label create moved the counter to %d", n)
	}
	if err := s.DeleteLabel(ctx, st.APIKey, l.UID, auditOf(st.APIKey, domain.ModLabel, "delete")); err != nil {
		t.Fatal(err)
	}
	if n := seq(); n != 2 {
		t.Errorf("after a delete: seq = %d, want 2", n)
	}
	const writers = 10
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			env := domain.Environment{UID: domain.NewUID(), APIKey: st.APIKey, Name: fmt.Sprintf("env%d", i), CreatedAt: t0, UpdatedAt: t0}
			if err := s.CreateEnvironment(ctx, env, auditOf(st.APIKey, domain.ModEnvironment, "create")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := seq(); n != 2+writers {
		t.Errorf("after %d concurrent environment creates: seq = %d, want %d", writers, n, 2+writers)
	}
	if n, err := s.StackSeq(ctx, "no-such-stack"); err != nil || n != 0 {
		t.Errorf("unknown stack: %d, %v", n, err)
	}
}
