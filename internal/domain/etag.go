package domain

import (
	"strconv"
	"strings"
)

// Optimistic concurrency (stackd's addition to the CMA, opt-in): entries,
// content types, global fields and assets carry a strong entity tag made
// of their version, "<_version>" (an entry's: the version of one locale).
// A PUT or DELETE with If-Match naming another version is refused with
// 412 and changes nothing. The comparison is made by the store inside the
// write transaction, on the row read under lock, so two writers holding
// the same version cannot both pass it.

// ETag returns the strong entity tag of version n, quotes included.
func ETag(n int) string { return `"` + strconv.Itoa(n) + `"` }

// IfMatch is a parsed If-Match header. The zero value (no header) lets
// every write through.
type IfMatch struct {
	sent bool
	any  bool     // "*": any existing item
	tags []string // the opaque tags of the strong entity tags listed
}

// ParseIfMatch reads the If-Match field lines of a request, following
// RFC 9110 §13.1.1: "*" or a comma-separated list of entity tags. Weak
// tags (W/"3") are accepted but never match, since If-Match compares
// strongly. A value that is neither "*" nor a list of quoted tags (3,
// "3, *, "3") is a 400. An empty value counts as no header.
func ParseIfMatch(lines []string) (IfMatch, error) {
	v := strings.TrimSpace(strings.Join(lines, ","))
	if strings.Trim(v, ", \t") == "" {
		return IfMatch{}, nil
	}
	if v == "*" {
		return IfMatch{sent: true, any: true}, nil
	}
	m := IfMatch{sent: true}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue // RFC 9110 §5.6.1: empty list elements are ignored
		}
		weak := strings.HasPrefix(item, `W/`)
		tag := strings.TrimPrefix(item, `W/`)
		if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' || strings.Contains(tag[1:len(tag)-1], `"`) {
			return IfMatch{}, ErrBadRequest(`The If-Match header must be * or a list of quoted entity tags, such as "3".`).
				WithField("If-Match", "is not valid.")
		}
		if !weak {
			m.tags = append(m.tags, tag[1:len(tag)-1])
		}
	}
	return m, nil
}

// Sent reports whether the request had an If-Match header.
func (m IfMatch) Sent() bool { return m.sent }

// Check compares the header with the current version of an existing item
// (0 when the item has no version in the place named, such as an entry
// not localized there, which only "*" matches). It returns nil when there
// was no header or it matches, else a 412 naming the current version.
func (m IfMatch) Check(what string, version int) error {
	if !m.sent || m.any {
		return nil
	}
	if version > 0 {
		cur := strconv.Itoa(version)
		for _, t := range m.tags {
			if t == cur {
				return nil
			}
		}
	}
	return Errorf(KindPrecondition, CodePreconditionFailed,
		"The %s has changed: its current version is %d, not the one If-Match names. Read it again, then retry with its new ETag.", what, version).
		WithField("If-Match", "does not match the current version.")
}
