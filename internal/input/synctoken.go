package input

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"time"

	"github.com/stackd/stackd/internal/auth"
	"github.com/stackd/stackd/internal/domain"
)

// SyncTokenTTL is how long a sync or pagination token may be used. The
// sync log forgets unpublish and delete events older than this, so a
// token older than it could miss them: it is refused with a request for a
// new init.
const SyncTokenTTL = 30 * 24 * time.Hour

// SyncKey is a position in the sync log's order (store.SyncKey): pages
// continue after it.
type SyncKey struct {
	Seq                    int64
	Type, UID, Locale, Env string
}

// SyncCursor is what a sync or pagination token carries: the stack,
// branch, environment and filters it was issued for, and a position in the
// stack's change order. A sync token (Page false) asks for what changed
// after Hi; a pagination token continues the window (Lo, Hi] after After.
type SyncCursor struct {
	V      int      `json:"v"`
	Stack  string   `json:"k"`
	Branch string   `json:"b"`
	Env    string   `json:"e"`
	Locale string   `json:"l,omitempty"`
	CTs    []string `json:"c,omitempty"`
	Types  []string `json:"t,omitempty"`
	Start  int64    `json:"s,omitempty"`
	Issued int64    `json:"i"`
	Page   bool     `json:"p,omitempty"`
	Init   bool     `json:"n,omitempty"`
	Lo     int64    `json:"lo"`
	Hi     int64    `json:"hi"`
	Skip   int      `json:"sk,omitempty"`
	After  *SyncKey `json:"a,omitempty"`
}

// SealCursor makes a token: the cursor as JSON, sealed (encrypted and
// authenticated) with the server's secret key, so a client can neither
// read nor forge one, and base64url-encoded for the query string.
func SealCursor(box *auth.Box, c SyncCursor) string {
	raw, _ := json.Marshal(c) // a struct of strings and numbers always encodes
	return base64.RawURLEncoding.EncodeToString(box.Seal(raw))
}

// OpenCursor reads a token; anything it cannot open or that is not current
// is a 422 naming the parameter it came in.
func OpenCursor(box *auth.Box, param, token string, now time.Time) (SyncCursor, error) {
	var c SyncCursor
	sealed, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return c, ErrSyncToken(param)
	}
	raw, err := box.Open(sealed)
	if err != nil || json.Unmarshal(raw, &c) != nil || c.V != 1 {
		return c, ErrSyncToken(param)
	}
	if now.Sub(time.UnixMilli(c.Issued)) > SyncTokenTTL {
		return c, domain.Errorf(domain.KindInvalid, domain.CodeValidation,
			"The %s has expired. Start again with init=true.", param).WithField(param, "has expired.")
	}
	return c, nil
}

// ErrSyncToken is the 422 of a token that cannot be used.
func ErrSyncToken(param string) error {
	return domain.Errorf(domain.KindInvalid, domain.CodeValidation, "The %s is not valid.", param).WithField(param, "is not valid.")
}

// Bound checks that a token is used where it was issued: the same stack,
// branch and environment, and no filter parameter that says otherwise.
func (c SyncCursor) Bound(param string, want SyncCursor) error {
	mismatch := c.Stack != want.Stack || c.Branch != want.Branch || c.Env != want.Env ||
		(want.Locale != "" && want.Locale != c.Locale) ||
		(len(want.CTs) > 0 && !slices.Equal(want.CTs, c.CTs)) ||
		(len(want.Types) > 0 && !slices.Equal(want.Types, c.Types)) ||
		(want.Start != 0 && want.Start != c.Start)
	if mismatch {
		return domain.Errorf(domain.KindInvalid, domain.CodeValidation,
			"The %s was issued for another stack, environment, branch or set of filters.", param).WithField(param, "is not valid here.")
	}
	return nil
}
