package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/domain"
)

// Optimistic concurrency on the CMA (stackd's addition, docs/compatibility.md):
// entries, content types, global fields and assets answer GET, create and
// update with ETag "<_version>", and PUT and DELETE honour If-Match
// (domain.IfMatch; the store compares it on the row it locks). The CMA
// never answers 304: the version does not cover decorations such as
// include_workflow or publish details.

// ifMatch reads the request's If-Match header (400 when malformed).
func ifMatch(r *http.Request) (domain.IfMatch, error) {
	return domain.ParseIfMatch(r.Header.Values("If-Match"))
}

// setETag gives the answer the strong ETag of version n; call it before
// writeJSON.
func setETag(w http.ResponseWriter, n int) {
	w.Header().Set("ETag", domain.ETag(n))
}
