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

// ackEntry is the history of one entry: every title sent for it, in
// order, and the answers that acknowledged some of them.
type ackEntry struct {
	sent []string
	acks []ack
}

// ack is one acknowledged write: the version it made and when.
type ack struct {
	version int
	sent    int // index of the title in sent
	at      time.Time
}

// ackAsset is an acknowledged asset: the digest of each acknowledged
// version's file and when it was acknowledged.
type ackAsset struct {
	versions   map[int]ackFile
	deleteSent time.Time // when its deletion was sent
	deleted    time.Time // when its deletion was acknowledged
}

type ackFile struct {
	sum [32]byte
	at  time.Time
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
	ld.l.entries[uid] = &ackEntry{sent: []string{title}, acks: []ack{{version: num(e["_version"]), at: time.Now()}}}
	ld.l.mu.Unlock()
	return uid
}

func (ld *load) updateEntry(uid, title string) {
	ld.l.mu.Lock()
	e := ld.l.entries[uid]
	e.sent = append(e.sent, title)
	i := len(e.sent) - 1
	ld.l.mu.Unlock()
	r := ld.c.do("PUT", "/v3/content_types/note/entries/"+uid, map[string]any{"entry": map[string]any{"title": title}})
	ld.l.note(r)
	if r.err != nil || r.status != 200 {
		return
	}
	v := num(r.body["entry"].(map[string]any)["_version"])
	ld.l.mu.Lock()
	e.acks = append(e.acks, ack{version: v, sent: i, at: time.Now()})
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
	ld.l.assets[uid] = &ackAsset{versions: map[int]ackFile{num(a["_version"]): {sum, time.Now()}}}
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
	ld.l.assets[uid].versions[v] = ackFile{sum, time.Now()}
	ld.l.mu.Unlock()
}

// deleteAsset deletes the oldest asset of the list and returns the rest.
func (ld *load) deleteAsset(uids []string) []string {
	ld.l.mu.Lock()
	ld.l.assets[uids[0]].deleteSent = time.Now()
	ld.l.mu.Unlock()
	r := ld.c.do("DELETE", "/v3/assets/"+uids[0], nil)
	ld.l.note(r)
	if r.err == nil && r.status == 200 {
		ld.l.mu.Lock()
		ld.l.assets[uids[0]].deleted = time.Now()
		ld.l.mu.Unlock()
	}
	return uids[1:]
}

// verify checks that every write acknowledged before `before` (zero: all)
// is in the stackd c calls: each entry at its last acknowledged version
// with its title, or at a later version with a title sent after it (such
// a write may have committed before its answer was lost, or before the
// backup began); each asset with the bytes of every acknowledged version.
// An asset whose deletion was acknowledged before `before` must be gone;
// one whose deletion was sent before `after` (when the backup ended) may
// or may not be there; any other must be there.
func (l *ledger) verify(t *testing.T, c *client, before, after time.Time) (entries, assets int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for uid, e := range l.entries {
		if a, ok := e.lastAck(before); ok {
			entries++
			verifyEntry(t, c, uid, a.version, e.sent[a.sent], e.sent[a.sent+1:])
		}
	}
	for uid, a := range l.assets {
		switch {
		case !a.deleted.IsZero() && (before.IsZero() || a.deleted.Before(before)):
			if r := c.do("GET", "/v3/assets/"+uid, nil); r.err != nil || r.status != 422 {
				t.Errorf("asset %s, deleted: %d %s %v", uid, r.status, r.raw, r.err)
			}
		case !a.deleteSent.IsZero() && (after.IsZero() || a.deleteSent.Before(after)):
			// deleted around the backup: either way is right
		default:
			if a.verify(t, c, uid, before) {
				assets++
			}
		}
	}
	return entries, assets
}

// verify checks the versions acknowledged before `before` (zero: all) and
// reports whether there were any.
func (a *ackAsset) verify(t *testing.T, c *client, uid string, before time.Time) bool {
	t.Helper()
	counted := false
	for v, f := range a.versions {
		if before.IsZero() || f.at.Before(before) {
			verifyAssetVersion(t, c, uid, v, f.sum)
			counted = true
		}
	}
	return counted
}

// lastAck is the last acknowledgment before `before` (zero: the last).
func (e *ackEntry) lastAck(before time.Time) (ack, bool) {
	for i := len(e.acks) - 1; i >= 0; i-- {
		if before.IsZero() || e.acks[i].at.Before(before) {
			return e.acks[i], true
		}
	}
	return ack{}, false
}

func verifyEntry(t *testing.T, c *client, uid string, version int, title string, later []string) {
	t.Helper()
	r := c.do("GET", "/v3/content_types/note/entries/"+uid, nil)
	if r.err != nil || r.status != 200 {
		t.Errorf("acknowledged entry %s (v%d %q) is lost: %d %s %v", uid, version, title, r.status, r.raw, r.err)
		return
	}
	e := r.body["entry"].(map[string]any)
	got, gotTitle := num(e["_version"]), str(e["title"])
	if got < version || (got == version && gotTitle != title) || (got > version && !oneOf(gotTitle, later...)) {
		t.Errorf("entry %s: v%d %q, want v%d %q (or later: %v)", uid, got, gotTitle, version, title, later)
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
