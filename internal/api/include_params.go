package api

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
)

// includeKey matches the spellings of include[] clients send: include[]
// (curl, the docs), include[][] (the delivery SDK, whose query-string
// encoder adds brackets to a key that already has them), include[0],
// include[][0] and a bare include.
var includeKey = regexp.MustCompile(`^include(\[\d*\]){0,2}$`)

// includeValues returns the include[] values of q, in a stable order.
func includeValues(q url.Values) []string {
	var keys []string
	for k := range q {
		if includeKey.MatchString(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		out = append(out, q[k]...)
	}
	return out
}

// entryOptions are the parameters that shape how entries are shown on a
// read: which references to include (include[]), the projections of the
// entries and of the included ones (only/except), and the flags
// include_reference_content_type_uid, include_metadata and
// include_dimension.
type entryOptions struct {
	inc       domain.Includes
	proj      input.Projections
	refCT     bool
	metadata  bool
	dimension bool
}

// readEntryOptions reads entryOptions from r; a malformed include[] path
// is a 422.
func readEntryOptions(r *http.Request) (entryOptions, error) {
	q := r.URL.Query()
	inc, err := domain.ParseIncludes(includeValues(q))
	if err != nil {
		return entryOptions{}, err
	}
	return entryOptions{inc: inc, proj: input.ParseProjections(q), refCT: q.Get("include_reference_content_type_uid") == "true",
		metadata: q.Get("include_metadata") == "true", dimension: q.Get("include_dimension") == "true"}, nil
}
