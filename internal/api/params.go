package api

import (
	"cmp"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/stackd/stackd/internal/domain"
)

// listParams are the paging and sorting parameters every list call takes.
type listParams struct {
	Skip, Limit  int
	IncludeCount bool
	CountOnly    bool
	Asc, Desc    string
}

const maxLimit = 100

// parseList reads skip, limit, include_count, count, asc and desc. skip and
// limit accept any non-negative number, exponent notation included (the
// csdx export sends skip=1e+100); limit is clamped to 100.
func parseList(r *http.Request) (listParams, error) {
	q := r.URL.Query()
	p := listParams{Limit: maxLimit, Asc: q.Get("asc"), Desc: q.Get("desc")}
	var err error
	if p.Skip, err = nonNegative(q.Get("skip"), "skip", 0); err != nil {
		return p, err
	}
	if p.Limit, err = nonNegative(q.Get("limit"), "limit", maxLimit); err != nil {
		return p, err
	}
	if p.Limit == 0 || p.Limit > maxLimit {
		p.Limit = maxLimit
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
	if f > math.MaxInt32 {
		return math.MaxInt32, nil
	}
	return int(f), nil
}

// listBody builds the answer of a list call over items already in memory:
// sorted by asc/desc, paged, with "count" when asked, or only the count.
func listBody(plural string, items []map[string]any, p listParams) map[string]any {
	if p.CountOnly {
		return map[string]any{plural: len(items)}
	}
	sortItems(items, p)
	total := len(items)
	start := min(p.Skip, total)
	end := min(start+p.Limit, total)
	body := map[string]any{plural: items[start:end]}
	if p.IncludeCount {
		body["count"] = total
	}
	return body
}

func sortItems(items []map[string]any, p listParams) {
	field, sign := p.Asc, 1
	if field == "" && p.Desc != "" {
		field, sign = p.Desc, -1
	}
	if field == "" {
		return
	}
	slices.SortStableFunc(items, func(a, b map[string]any) int { return sign * compareAny(a[field], b[field]) })
}

func compareAny(a, b any) int {
	switch x := a.(type) {
	case string:
		if y, ok := b.(string); ok {
			return cmp.Compare(x, y)
		}
	case float64:
		if y, ok := b.(float64); ok {
			return cmp.Compare(x, y)
		}
	case int:
		if y, ok := b.(int); ok {
			return cmp.Compare(x, y)
		}
	}
	return 0
}
