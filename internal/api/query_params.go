package api

import (
	"net/http"

	"github.com/stackd/stackd/internal/query"
	"github.com/stackd/stackd/internal/store"
)

// listFilter reads what a filtered list call takes: skip, limit,
// include_count, count, asc, desc and the JSON query parameter. A query
// that cannot run is a 422 naming the problem.
func listFilter(r *http.Request, apiKey string) (store.ListFilter, error) {
	p, err := parseList(r)
	if err != nil {
		return store.ListFilter{}, err
	}
	q, err := query.Parse(r.URL.Query().Get("query"))
	if err != nil {
		return store.ListFilter{}, err
	}
	return store.ListFilter{APIKey: apiKey, Query: q, Asc: p.Asc, Desc: p.Desc, Skip: p.Skip, Limit: p.Limit,
		Count: p.IncludeCount, CountOnly: p.CountOnly}, nil
}

// writeList answers a list call: {plural: [...]} with count when asked,
// or {plural: N} for count=true.
func writeList(w http.ResponseWriter, plural string, items []map[string]any, total int, f store.ListFilter) {
	if f.CountOnly {
		writeJSON(w, http.StatusOK, map[string]any{plural: total})
		return
	}
	body := map[string]any{plural: items}
	if f.Count {
		body["count"] = total
	}
	writeJSON(w, http.StatusOK, body)
}

// boolParam reports whether query parameter name is "true".
func boolParam(r *http.Request, name string) bool { return r.URL.Query().Get(name) == "true" }

// localeParam is the locale query parameter, the stack's master locale
// when absent.
func localeParam(r *http.Request, rc *reqCtx) string {
	if l := r.URL.Query().Get("locale"); l != "" {
		return l
	}
	return rc.stack.MasterLocale
}
