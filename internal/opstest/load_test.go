package opstest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// ackEntry is what stackd acknowledged last for one entry, and the titles
// sent after that without an acknowledgment (any of them may have been
// committed before the answer was lost).
type ackEntry struct {
	version int
	title   string
	pending []string
	at      time.Time
}

// ackAsset is an acknowledged asset: the digest of each acknowledged version's file.
type ackAsset struct {
	versions map[int][32]byte
	deleted  bool // its deletion was acknowledged
	at       time.Time
}

// ledger records every write attempt and its answer.
type ledger struct {
	mu       sync.Mutex
	entries  map[string]*ackEntry
	assets   map[string]*ackAsset
	statuses map[string]int // "201", "503", "transport", …
	failed   bool           // the last answer was a transport error or a 5xx
}

func (l *ledger) lastFailed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failed
}

func newLedger() *ledger {
	return &ledger{entries: map[string]*ackEntry{}, assets: map[string]*ackAsset{}, statuses: map[string]int{}}
}

func (l *ledger) note(r reply) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed = r.err != nil || r.status >= 500
	if r.err != nil {
		l.statuses["transport"]++
		return
	}
	l.statuses[fmt.Sprint(r.status)]++
}

// acked counts acknowledged writes; count returns the answers with a status.
func (l *ledger) acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for k, v := range l.statuses {
		if strings.HasPrefix(k, "2") {
			n += v
		}
	}
	return n
}

func (l *ledger) count(status string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.statuses[status]
}

func (l *ledger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var parts []string
	for k, v := range l.statuses {
		parts = append(parts, fmt.Sprintf("%s×%d", k, v))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%d entries, %d assets acknowledged; answers: %s", len(l.entries), len(l.assets), strings.Join(parts, " "))
}

// load is the write load: writers loop until their context ends, each on
// entries and assets of its own (so no two requests race on one item).
type load struct {
	c       *client
	l       *ledger
	deletes bool // also delete assets (the backup test)
}

func (ld *load) run(ctx context.Context, writers int) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() { defer wg.Done(); ld.writer(ctx, w) }()
	}
	return &wg
}

func (ld *load) writer(ctx context.Context, w int) {
	var mine, myAssets []string
	for i := 0; ctx.Err() == nil; i++ {
		switch {
		case i%10 == 3 && len(myAssets) > 0 && ld.deletes:
			myAssets = ld.deleteAsset(myAssets)
		case i%10 == 5 && len(myAssets) > 0:
			ld.replaceAsset(myAssets[len(myAssets)-1], fmt.Sprintf("w%d-%d", w, i))
		case i%5 == 1:
			if uid := ld.uploadAsset(fmt.Sprintf("w%d-%d", w, i)); uid != "" {
				myAssets = append(myAssets, uid)
			}
		case i%2 == 0 && len(mine) > 0:
			ld.updateEntry(mine[i%len(mine)], fmt.Sprintf("w%d-%d-u", w, i))
		default:
			if uid := ld.createEntry(fmt.Sprintf("w%d-%d", w, i)); uid != "" {
				mine = append(mine, uid)
			}
		}
		if ld.c.t.Failed() {
			return
		}
		if ld.l.lastFailed() {
			time.Sleep(20 * time.Millisecond) // the server is down: do not spin
		}
	}
}

func (ld *load) createEntry(title string) string {
	r := ld.c.do("POST", "/v3/content_types/note/entries", map[string]any{"entry": map[string]any{"title": title}})
	ld.l.note(r)
	if r.err != nil || r.status != 201 {
		return ""
	}
	e := r.body["entry"].(map[string]any)
	uid := str(e["uid"])
	ld.l.mu.Lock()
	ld.l.entries[uid] = &ackEntry{version: num(e["_version"]), title: title, at: time.Now()}
	ld.l.mu.Unlock()
	return uid
}

func (ld *load) updateEntry(uid, title string) {
	ld.l.mu.Lock()
	ld.l.entries[uid].pending = append(ld.l.entries[uid].pending, title)
	ld.l.mu.Unlock()
	r := ld.c.do("PUT", "/v3/content_types/note/entries/"+uid, map[string]any{"entry": map[string]any{"title": title}})
	ld.l.note(r)
	if r.err != nil || r.status != 200 {
		return
	}
	v := num(r.body["entry"].(map[string]any)["_version"])
	ld.l.mu.Lock()
	ld.l.entries[uid] = &ackEntry{version: v, title: title, at: time.Now()}
	ld.l.mu.Unlock()
}

func randomFile() ([]byte, [32]byte) {
	b := make([]byte, 512+int(time.Now().UnixNano()%1536))
	_, _ = rand.Read(b)
	return b, sha256.Sum256(b)
}

func (ld *load) uploadAsset(title string) string {
	data, sum := randomFile()
	r := ld.c.upload("POST", "/v3/assets", title, data)
	ld.l.note(r)
	if r.err != nil || r.status != 201 {
		return ""
	}
	a := r.body["asset"].(map[string]any)
	uid := str(a["uid"])
	ld.l.mu.Lock()
	ld.l.assets[uid] = &ackAsset{versions: map[int][32]byte{num(a["_version"]): sum}, at: time.Now()}
	ld.l.mu.Unlock()
	return uid
}

func (ld *load) replaceAsset(uid, title string) {
	data, sum := randomFile()
	r := ld.c.upload("PUT", "/v3/assets/"+uid, title, data)
	ld.l.note(r)
	if r.err != nil || r.status != 200 {
		return
	}
	v := num(r.body["asset"].(map[string]any)["_version"])
	ld.l.mu.Lock()
	ld.l.assets[uid].versions[v] = sum
	ld.l.mu.Unlock()
}

// deleteAsset deletes the oldest asset of the list and returns the rest.
func (ld *load) deleteAsset(uids []string) []string {
	r := ld.c.do("DELETE", "/v3/assets/"+uids[0], nil)
	ld.l.note(r)
	if r.err == nil && r.status == 200 {
		ld.l.mu.Lock()
		ld.l.assets[uids[0]].deleted = true
		ld.l.mu.Unlock()
	}
	return uids[1:]
}

// verify checks that every acknowledged write acknowledged before
// `before` (zero: all) is in the stackd c calls: each entry at its
// acknowledged version with its title (or a later version with a title
// sent after it), each asset with the bytes of every acknowledged
// version, unless its deletion was acknowledged.
func (l *ledger) verify(t *testing.T, c *client, before time.Time) (entries, assets int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for uid, want := range l.entries {
		if !before.IsZero() && want.at.After(before) {
			continue
		}
		entries++
		verifyEntry(t, c, uid, want)
	}
	for uid, want := range l.assets {
		if want.deleted || (!before.IsZero() && want.at.After(before)) {
			continue
		}
		assets++
		for v, sum := range want.versions {
			verifyAssetVersion(t, c, uid, v, sum)
		}
	}
	return entries, assets
}

func verifyEntry(t *testing.T, c *client, uid string, want *ackEntry) {
	t.Helper()
	r := c.do("GET", "/v3/content_types/note/entries/"+uid, nil)
	if r.err != nil || r.status != 200 {
		t.Errorf("acknowledged entry %s (v%d %q) is lost: %d %s %v", uid, want.version, want.title, r.status, r.raw, r.err)
		return
	}
	e := r.body["entry"].(map[string]any)
	got, title := num(e["_version"]), str(e["title"])
	if got < want.version || (got == want.version && title != want.title) ||
		(got > want.version && !oneOf(title, want.pending...)) {
		t.Errorf("entry %s: v%d %q, want v%d %q (or later: %v)", uid, got, title, want.version, want.title, want.pending)
	}
}

func verifyAssetVersion(t *testing.T, c *client, uid string, v int, sum [32]byte) {
	t.Helper()
	r := c.do("GET", fmt.Sprintf("/v3/assets/%s/download?version=%d", uid, v), nil)
	if r.err != nil || r.status != 200 {
		t.Errorf("acknowledged asset %s version %d is lost: %d %v", uid, v, r.status, r.err)
		return
	}
	if sha256.Sum256(r.raw) != sum {
		t.Errorf("asset %s version %d: the file differs from the one uploaded (%d bytes)", uid, v, len(r.raw))
	}
}
