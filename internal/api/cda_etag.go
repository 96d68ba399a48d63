package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// heldResponse holds a CDA JSON answer until the handler is done, so that
// a 200 gets a strong ETag computed from its bytes: with include[],
// fallback and projections a body depends on other items than the one
// asked for, so no version number can stand for it (docs/architecture.md,
// ETags). Headers go straight to the real writer's header map.
type heldResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldResponse) Header() http.Header         { return h.header }
func (h *heldResponse) Write(b []byte) (int, error) { return h.body.Write(b) }
func (h *heldResponse) WriteHeader(status int)      { h.status = status }

// send writes the held answer to w: a 200 with its ETag, or a 304 without
// a body when the request's If-None-Match names that ETag.
func (h *heldResponse) send(w http.ResponseWriter, r *http.Request) {
	if h.status == http.StatusOK {
		tag := bodyETag(h.body.Bytes())
		w.Header().Set("ETag", tag)
		if noneMatch(r.Header.Get("If-None-Match"), tag) {
			w.Header().Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
}

// bodyETag is the strong ETag of a body: the first 16 bytes of its SHA-256
// in hex, quoted.
func bodyETag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// noneMatch reports whether an If-None-Match header names tag: "*", or a
// list of entity tags one of which equals it (weak comparison, as RFC
// 9110 asks for If-None-Match: W/"x" matches "x").
func noneMatch(header, tag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == tag {
			return true
		}
	}
	return false
}
