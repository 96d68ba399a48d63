package input

import (
	"testing"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

func testBox(t testing.TB) *auth.Box {
	t.Helper()
	box, err := auth.NewBox([]byte("a test secret key of enough length"))
	if err != nil {
		t.Fatal(err)
	}
	return box
}

// FuzzSyncToken: whatever a client sends as a token, opening it never
// panics and is either a cursor or a 422.
func FuzzSyncToken(f *testing.F) {
	box := testBox(f)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Add(SealCursor(box, SyncCursor{V: 1, Stack: "k", Branch: "main", Env: "e", Issued: now.UnixMilli(), Hi: 4}))
	f.Add(SealCursor(box, SyncCursor{V: 2, Stack: "k", Issued: now.UnixMilli()}))
	f.Add("")
	f.Add("%%")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := OpenCursor(box, "sync_token", tok, now)
		if err != nil {
			if e, ok := domain.AsError(err); !ok || e.Kind != domain.KindInvalid {
				t.Fatalf("error %v is not a 422", err)
			}
			return
		}
		if c.V != 1 {
			t.Fatalf("opened a cursor of version %d", c.V)
		}
	})
}

func TestSyncTokenRoundTrip(t *testing.T) {
	box := testBox(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := SyncCursor{V: 1, Stack: "k", Branch: "main", Env: "e", Locale: "en-us", CTs: []string{"a", "b"}, Issued: now.UnixMilli(), Hi: 9}
	out, err := OpenCursor(box, "sync_token", SealCursor(box, in), now.Add(time.Hour))
	if err != nil || out.Stack != "k" || out.Hi != 9 || len(out.CTs) != 2 {
		t.Fatalf("round trip: %+v, %v", out, err)
	}
	if _, err := OpenCursor(box, "sync_token", SealCursor(box, in), now.Add(SyncTokenTTL+time.Minute)); err == nil {
		t.Error("an expired token opened")
	}
	other, _ := auth.NewBox([]byte("another secret key, another server"))
	if _, err := OpenCursor(other, "sync_token", SealCursor(box, in), now); err == nil {
		t.Error("a token sealed under another key opened")
	}
}
