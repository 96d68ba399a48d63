package input

import (
	"math"
	"net/url"
	"strconv"

	"github.com/stackd/stackd/internal/domain"
)

// List holds the paging and sorting parameters every list call takes.
type List struct {
	Skip, Limit  int
	IncludeCount bool
	CountOnly    bool
	Asc, Desc    string
}

// MaxLimit is the largest page; a larger or zero limit is clamped to it.
const MaxLimit = 100

// maxSkip caps skip where stores and databases hold it safely (an int32).
const maxSkip = math.MaxInt32

// ParseList reads skip, limit, include_count, count, asc and desc. skip and
// limit accept any non-negative number, exponent notation included (the
// csdx export sends skip=1e+100); skip is capped at 2^31-1 and limit
// clamped to 1…100.
func ParseList(q url.Values) (List, error) {
	p := List{Limit: MaxLimit, Asc: q.Get("asc"), Desc: q.Get("desc")}
	var err error
	if p.Skip, err = nonNegative(q.Get("skip"), "skip", 0); err != nil {
		return p, err
	}
	if p.Limit, err = nonNegative(q.Get("limit"), "limit", MaxLimit); err != nil {
		return p, err
	}
	if p.Limit == 0 || p.Limit > MaxLimit {
		p.Limit = MaxLimit
	}
	p.IncludeCount = q.Get("include_count") == "true"
	p.CountOnly = q.Get("count") == "true"
	return p, nil
}

func nonNegative(s, field string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 {
		return 0, domain.ErrInvalid(field, "must be a non-negative number.")
	}
	if f > maxSkip {
		return maxSkip, nil
	}
	return int(f), nil
}

// MaxVersion is the largest version number: versions are stored in 32-bit
// integer columns.
const MaxVersion = math.MaxInt32

// Version reads a version number: a whole number from 1 to MaxVersion, or
// 0 when s is empty and optional. Anything else is a 422 on field.
func Version(s, field string, optional bool) (int, error) {
	if s == "" && optional {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxVersion {
		return 0, domain.ErrInvalid(field, "must be a version number (1, 2, …).")
	}
	return n, nil
}
