package api

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/stackd/stackd/internal/input"
)

// listParams are the paging and sorting parameters every list call takes.
type listParams = input.List

// parseList reads skip, limit, include_count, count, asc and desc
// (input.ParseList).
func parseList(r *http.Request) (listParams, error) { return input.ParseList(r.URL.Query()) }

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
