package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// RunExtras is the conformance suite of labels, extensions and webhooks:
// every engine must pass all of it.
func RunExtras(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s *store.Store)
	}{
		{"Labels", testLabels},
		{"LabelParents", testLabelParents},
		{"LabelParentsNoRace", testLabelParentsNoRace},
		{"Extensions", testExtensions},
		{"ExtensionLimitNoRace", testExtensionLimitNoRace},
		{"Webhooks", testWebhooks},
		{"ExtrasGoWithTheStack", testExtrasGoWithTheStack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := e.Open(t)
			tt.fn(t, s)
		})
	}
}

// extrasStacks bootstraps an organization with n stacks and returns their
// api_keys.
func extrasStacks(t *testing.T, s *store.Store, n int) []string {
	t.Helper()
	org, owner := seedOrg(t, s)
	var keys []string
	for i := 0; i < n; i++ {
		st, roles := newStack(owner, org)
		if err := s.CreateStack(context.Background(), st, roles, nil); err != nil {
			t.Fatalf("CreateStack: %v", err)
		}
		keys = append(keys, st.APIKey)
	}
	return keys
}

var extrasClock atomic.Int64

// extrasAudit prepares an audit item, each one a millisecond later than
// the last so that the log's order is the order of the writes.
func extrasAudit(apiKey, event, uid string) *domain.AuditEntry {
	at := t0.Add(time.Duration(extrasClock.Add(1)) * time.Millisecond)
	return &domain.AuditEntry{UID: domain.NewUID(), APIKey: apiKey, Module: "test", EventType: event, ActorKind: "user",
		MetaUID: uid, CreatedAt: at}
}

// extrasAuditTitles returns "event:title" for every audit item of the stack,
// oldest first.
func extrasAuditTitles(t *testing.T, s *store.Store, apiKey string) []string {
	t.Helper()
	items, _, err := s.AuditLog(context.Background(), store.AuditFilter{APIKey: apiKey, Limit: 1000})
	if err != nil {
		t.Fatalf("AuditLog: %v", err)
	}
	out := []string{}
	for i := len(items) - 1; i >= 0; i-- {
		out = append(out, items[i].EventType+":"+items[i].MetaTitle)
	}
	return out
}

func extrasLabel(apiKey, name string, parent ...string) domain.Label {
	return domain.Label{UID: domain.NewUID(), APIKey: apiKey, Name: name, Parent: append([]string{}, parent...),
		ContentTypes: []string{"blog"}, Version: 1, CreatedBy: "bltuser", UpdatedBy: "bltuser", CreatedAt: t0, UpdatedAt: t0}
}

func testLabels(t *testing.T, s *store.Store) {
	ctx := context.Background()
	keys := extrasStacks(t, s, 2)
	key, other := keys[0], keys[1]
	l := extrasLabel(key, "News")
	if err := s.CreateLabel(ctx, l, extrasAudit(key, "create", l.UID)); err != nil {
		t.Fatalf("CreateLabel: %v", err)
	}
	got, err := s.Label(ctx, key, l.UID)
	if err != nil {
		t.Fatalf("Label: %v", err)
	}
	if diff := cmp.Diff(l, got); diff != "" {
		t.Errorf("Label round trip (-want +got):\n%s", diff)
	}
	_, err = s.Label(ctx, other, l.UID)
	wantKind(t, err, domain.KindInvalid)
	err = s.CreateLabel(ctx, extrasLabel(key, "News"), extrasAudit(key, "create", "dup"))
	wantKind(t, err, domain.KindInvalid)
	if e, _ := domain.AsError(err); len(e.Fields["name"]) == 0 {
		t.Errorf("duplicate name error %v does not name the field", err)
	}
	if err := s.CreateLabel(ctx, extrasLabel(other, "News"), nil); err != nil {
		t.Errorf("the same name in another stack: %v", err)
	}

	up, err := s.UpdateLabel(ctx, key, l.UID, func(l *domain.Label) error {
		l.Name, l.ContentTypes, l.UpdatedAt = "Stories", []string{}, t0.Add(time.Hour)
		return nil
	}, extrasAudit(key, "update", l.UID))
	if err != nil || up.Name != "Stories" || up.Version != 2 || len(up.ContentTypes) != 0 {
		t.Fatalf("UpdateLabel = %+v, %v; want renamed, version 2, no content types", up, err)
	}
	refused := fmt.Errorf("refused")
	if _, err := s.UpdateLabel(ctx, key, l.UID, func(l *domain.Label) error { l.Name = "X"; return refused }, extrasAudit(key, "update", l.UID)); err != refused {
		t.Fatalf("UpdateLabel with a failing fn = %v; want its error", err)
	}
	_, err = s.UpdateLabel(ctx, key, "bltmissing", func(*domain.Label) error { return nil }, extrasAudit(key, "update", "x"))
	wantKind(t, err, domain.KindInvalid)
	list, err := s.Labels(ctx, key)
	if err != nil || len(list) != 1 || list[0].Name != "Stories" || list[0].Version != 2 {
		t.Fatalf("Labels = %+v, %v; want the renamed label only", list, err)
	}
	if err := s.DeleteLabel(ctx, key, l.UID, extrasAudit(key, "delete", l.UID)); err != nil {
		t.Fatalf("DeleteLabel: %v", err)
	}
	wantKind(t, s.DeleteLabel(ctx, key, l.UID, extrasAudit(key, "delete", l.UID)), domain.KindInvalid)
	if list, _ := s.Labels(ctx, key); len(list) != 0 {
		t.Errorf("Labels after delete = %d; want 0", len(list))
	}
	want := []string{"create:", "update:Stories", "delete:Stories"}
	if diff := cmp.Diff(want, extrasAuditTitles(t, s, key)); diff != "" {
		t.Errorf("audit items (-want +got); failed writes must leave none:\n%s", diff)
	}
}

func testLabelParents(t *testing.T, s *store.Store) {
	ctx := context.Background()
	keys := extrasStacks(t, s, 2)
	key, other := keys[0], keys[1]
	top := extrasLabel(key, "Top")
	foreign := extrasLabel(other, "Foreign")
	for _, l := range []domain.Label{top, foreign} {
		if err := s.CreateLabel(ctx, l, nil); err != nil {
			t.Fatal(err)
		}
	}
	mid := extrasLabel(key, "Mid", top.UID)
	if err := s.CreateLabel(ctx, mid, nil); err != nil {
		t.Fatalf("CreateLabel with a parent: %v", err)
	}
	low := extrasLabel(key, "Low", mid.UID)
	if err := s.CreateLabel(ctx, low, nil); err != nil {
		t.Fatal(err)
	}
	wantKind(t, s.CreateLabel(ctx, extrasLabel(key, "Orphan", "bltnosuchlabel00"), nil), domain.KindInvalid)
	wantKind(t, s.CreateLabel(ctx, extrasLabel(key, "Stranger", foreign.UID), nil), domain.KindInvalid)

	_, err := s.UpdateLabel(ctx, key, top.UID, func(l *domain.Label) error { l.Parent = []string{low.UID}; return nil }, nil)
	wantKind(t, err, domain.KindInvalid)
	if got, _ := s.Label(ctx, key, top.UID); len(got.Parent) != 0 {
		t.Errorf("a refused cycle was written: Top's parents = %v", got.Parent)
	}
	if err := s.DeleteLabel(ctx, key, mid.UID, nil); err != nil {
		t.Fatalf("DeleteLabel(Mid): %v", err)
	}
	got, err := s.Label(ctx, key, low.UID)
	if err != nil || len(got.Parent) != 0 {
		t.Errorf("after its parent's deletion Low = %+v, %v; want no parents", got, err)
	}
	if got, _ := s.Label(ctx, key, top.UID); got.Name != "Top" {
		t.Errorf("deleting a child changed its parent: %+v", got)
	}
}

// testLabelParentsNoRace makes two labels each other's parent at the same
// time: exactly one update may win, or the labels form a cycle.
func testLabelParentsNoRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := extrasStacks(t, s, 1)[0]
	for round := 0; round < 5; round++ {
		a, b := extrasLabel(key, fmt.Sprintf("A%d", round)), extrasLabel(key, fmt.Sprintf("B%d", round))
		for _, l := range []domain.Label{a, b} {
			if err := s.CreateLabel(ctx, l, nil); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pair := range [][2]string{{a.UID, b.UID}, {b.UID, a.UID}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.UpdateLabel(ctx, key, pair[0], func(l *domain.Label) error { l.Parent = []string{pair[1]}; return nil }, nil)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !domain.IsKind(err, domain.KindInvalid) {
				t.Fatalf("round %d: unexpected error %v", round, err)
			}
		}
		if ok != 1 {
			t.Fatalf("round %d: %d of 2 crossed parent updates succeeded (errors %v); want exactly 1", round, ok, errs)
		}
	}
}

func extrasPtr[T any](v T) *T { return &v }

func extrasExtension(apiKey, title string) domain.Extension {
	return domain.Extension{UID: domain.NewUID(), APIKey: apiKey, Title: title, Type: "field", DataType: "text",
		Src: "https://example.com/field.html", Multiple: extrasPtr(false), Config: json.RawMessage(`{"k":1}`), Tags: []string{"a", "b"},
		Version: 1, CreatedBy: "bltuser", UpdatedBy: "bltuser", CreatedAt: t0, UpdatedAt: t0}
}

func testExtensions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := extrasStacks(t, s, 1)[0]
	field := extrasExtension(key, "Rating")
	dash := domain.Extension{UID: domain.NewUID(), APIKey: key, Title: "Board", Type: "dashboard", Srcdoc: "<p>hi</p>",
		Config: json.RawMessage(`{}`), Tags: []string{}, Enable: extrasPtr(true), DefaultWidth: "half", Version: 1, CreatedAt: t0, UpdatedAt: t0}
	side := domain.Extension{UID: domain.NewUID(), APIKey: key, Title: "Side", Type: "asset_sidebar_widget", Src: "https://example.com/s",
		Config: json.RawMessage(`{}`), Tags: []string{}, Width: extrasPtr(400), Blur: extrasPtr(false),
		Scope: json.RawMessage(`{"content_types":["$all"]}`), Version: 1, CreatedAt: t0, UpdatedAt: t0}
	for _, x := range []domain.Extension{field, dash, side} {
		if err := s.CreateExtension(ctx, x, extrasAudit(key, "create", x.UID)); err != nil {
			t.Fatalf("CreateExtension(%s): %v", x.Title, err)
		}
		got, err := s.Extension(ctx, key, x.UID)
		if err != nil {
			t.Fatalf("Extension(%s): %v", x.Title, err)
		}
		if diff := cmp.Diff(x, got); diff != "" {
			t.Errorf("Extension %s round trip (-want +got):\n%s", x.Title, diff)
		}
	}
	wantKind(t, s.CreateExtension(ctx, extrasExtension(key, "Rating"), nil), domain.KindInvalid)
	_, err := s.Extension(ctx, key, "bltmissing")
	if e, ok := domain.AsError(err); !ok || e.Code != domain.CodeExtensionNotFound || e.Kind != domain.KindInvalid {
		t.Errorf("missing extension error = %v; want 422 with code %d", err, domain.CodeExtensionNotFound)
	}
	up, err := s.UpdateExtension(ctx, key, field.UID, func(x *domain.Extension) error {
		x.Title, x.Multiple, x.Src, x.Srcdoc = "Stars", nil, "", "<b>x</b>"
		return nil
	}, extrasAudit(key, "update", field.UID))
	if err != nil || up.Version != 2 {
		t.Fatalf("UpdateExtension = %+v, %v", up, err)
	}
	got, _ := s.Extension(ctx, key, field.UID)
	if got.Title != "Stars" || got.Multiple != nil || got.Src != "" || got.Srcdoc != "<b>x</b>" || got.Version != 2 {
		t.Errorf("after update = %+v", got)
	}
	_, err = s.UpdateExtension(ctx, key, dash.UID, func(x *domain.Extension) error { x.Title = "Side"; return nil }, extrasAudit(key, "update", dash.UID))
	wantKind(t, err, domain.KindInvalid)
	list, err := s.Extensions(ctx, key)
	if err != nil || len(list) != 3 {
		t.Fatalf("Extensions = %d, %v; want 3", len(list), err)
	}
	if err := s.DeleteExtension(ctx, key, side.UID, extrasAudit(key, "delete", side.UID)); err != nil {
		t.Fatalf("DeleteExtension: %v", err)
	}
	wantKind(t, s.DeleteExtension(ctx, key, side.UID, nil), domain.KindInvalid)
	want := []string{"create:", "create:", "create:", "update:Stars", "delete:Side"}
	if diff := cmp.Diff(want, extrasAuditTitles(t, s, key)); diff != "" {
		t.Errorf("audit items (-want +got):\n%s", diff)
	}
}

// testExtensionLimitNoRace fills a stack to two below the limit and creates
// five more at once: exactly two may succeed.
func testExtensionLimitNoRace(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := extrasStacks(t, s, 1)[0]
	for i := 0; i < domain.MaxExtensions-2; i++ {
		if err := s.CreateExtension(ctx, extrasExtension(key, fmt.Sprintf("E%d", i)), nil); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateExtension(ctx, extrasExtension(key, fmt.Sprintf("Late%d", i)), nil)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if e, isDomain := domain.AsError(err); !isDomain || e.Code != domain.CodeExtensionLimit {
			t.Fatalf("unexpected error %v; want the limit (code %d)", err, domain.CodeExtensionLimit)
		}
	}
	if list, _ := s.Extensions(ctx, key); ok != 2 || len(list) != domain.MaxExtensions {
		t.Fatalf("%d late creates succeeded, %d extensions stored; want 2 and %d", ok, len(list), domain.MaxExtensions)
	}
}

func extrasWebhook(apiKey, name string) domain.Webhook {
	return domain.Webhook{UID: domain.NewUID(), APIKey: apiKey, Name: name,
		Destinations: []domain.WebhookDestination{{TargetURL: "https://example.com/hook", HTTPBasicAuth: "user",
			CustomHeader: []domain.WebhookHeader{{HeaderName: "X-Key"}}}},
		Sealed: []byte("sealed-bytes"), Channels: []string{"assets.create"}, Branches: []string{"main"}, Notifiers: []string{},
		RetryPolicy: "manual", ConcisePayload: true, CreatedBy: "bltuser", UpdatedBy: "bltuser", CreatedAt: t0, UpdatedAt: t0}
}

func testWebhooks(t *testing.T, s *store.Store) {
	ctx := context.Background()
	key := extrasStacks(t, s, 1)[0]
	w := extrasWebhook(key, "Deploy")
	if err := s.CreateWebhook(ctx, w, extrasAudit(key, "create", w.UID)); err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	got, err := s.Webhook(ctx, key, w.UID)
	if err != nil {
		t.Fatalf("Webhook: %v", err)
	}
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("Webhook round trip (-want +got):\n%s", diff)
	}
	wantKind(t, s.CreateWebhook(ctx, extrasWebhook(key, "Deploy"), nil), domain.KindInvalid)
	clear := extrasWebhook(key, "Leaky")
	clear.Destinations[0].HTTPBasicPassword = "hunter2"
	if err := s.CreateWebhook(ctx, clear, extrasAudit(key, "create", clear.UID)); err == nil {
		t.Fatal("CreateWebhook stored a destination password in clear")
	}
	_, err = s.UpdateWebhook(ctx, key, w.UID, func(w *domain.Webhook) error {
		w.Destinations[0].CustomHeader[0].Value = "secret"
		return nil
	}, extrasAudit(key, "update", w.UID))
	if err == nil {
		t.Fatal("UpdateWebhook stored a header value in clear")
	}
	up, err := s.UpdateWebhook(ctx, key, w.UID, func(w *domain.Webhook) error {
		w.Name, w.Disabled, w.Sealed, w.Channels = "Rebuild", true, []byte("resealed"), []string{"assets.create", "assets.delete"}
		return nil
	}, extrasAudit(key, "update", w.UID))
	if err != nil || up.Name != "Rebuild" {
		t.Fatalf("UpdateWebhook = %+v, %v", up, err)
	}
	got, _ = s.Webhook(ctx, key, w.UID)
	if !got.Disabled || string(got.Sealed) != "resealed" || len(got.Channels) != 2 {
		t.Errorf("after update = %+v", got)
	}
	list, err := s.Webhooks(ctx, key)
	if err != nil || len(list) != 1 {
		t.Fatalf("Webhooks = %d, %v; want 1 (the refused ones not stored)", len(list), err)
	}
	if err := s.DeleteWebhook(ctx, key, w.UID, extrasAudit(key, "delete", w.UID)); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	_, err = s.Webhook(ctx, key, w.UID)
	wantKind(t, err, domain.KindInvalid)
	want := []string{"create:", "update:Rebuild", "delete:Rebuild"}
	if diff := cmp.Diff(want, extrasAuditTitles(t, s, key)); diff != "" {
		t.Errorf("audit items (-want +got):\n%s", diff)
	}
}

func testExtrasGoWithTheStack(t *testing.T, s *store.Store) {
	ctx := context.Background()
	keys := extrasStacks(t, s, 2)
	key, kept := keys[0], keys[1]
	for _, k := range []string{key, kept} {
		if err := s.CreateLabel(ctx, extrasLabel(k, "L"), nil); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateExtension(ctx, extrasExtension(k, "X"), nil); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateWebhook(ctx, extrasWebhook(k, "W"), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteStack(ctx, key); err != nil {
		t.Fatalf("DeleteStack: %v", err)
	}
	for _, c := range []struct {
		key  string
		want int
	}{{key, 0}, {kept, 1}} {
		labels, _ := s.Labels(ctx, c.key)
		exts, _ := s.Extensions(ctx, c.key)
		hooks, _ := s.Webhooks(ctx, c.key)
		if len(labels) != c.want || len(exts) != c.want || len(hooks) != c.want {
			t.Errorf("stack %s: %d labels, %d extensions, %d webhooks; want %d of each", c.key, len(labels), len(exts), len(hooks), c.want)
		}
	}
}
