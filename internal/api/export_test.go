package api

import (
	"net/http/httptest"

	"github.com/go-chi/chi/v5"

	"github.com/stackd/stackd/internal/domain"
)

// GateItem names one publish or unpublish for CheckPublishRules; the
// environment by name.
type GateItem struct {
	ContentType, EntryUID, Locale, Environment, Action string
}

// CheckPublishRules runs the publish-rule gate (checkPublishRules) the way
// a publish route would: for the caller the headers identify, after the
// authorization a publish route does (entry publish right), on items.
// Tests in package api_test use it until the publish routes exist.
func CheckPublishRules(d Deps, headers map[string]string, items []GateItem) error {
	a := &API{Deps: d}
	r := httptest.NewRequest("POST", "/v3/publish-gate", nil)
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	rc, err := a.authorize(r, route{creds: userOrMgmt, stack: needStack, perm: perm(domain.ModEntry, domain.ActPublish)})
	if err != nil {
		return err
	}
	list := make([]publishItem, 0, len(items))
	for _, it := range items {
		env, err := a.Store.Environment(r.Context(), rc.stack.APIKey, it.Environment)
		if err != nil {
			return err
		}
		list = append(list, publishItem{ContentType: it.ContentType, EntryUID: it.EntryUID, Locale: it.Locale, Environment: env, Action: it.Action})
	}
	return a.checkPublishRules(r.Context(), rc, list)
}

// Routers returns the chi routers behind New and NewCDA, built from d, for
// the test that walks them and compares with the OpenAPI documents.
func Routers(d Deps) (cma, cda chi.Routes) {
	_, cma = newCMA(d)
	_, cda = newCDA(d)
	return cma, cda
}
