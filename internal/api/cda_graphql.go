package api

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/graphql"
	"github.com/stackd/stackd/internal/query"
	"github.com/stackd/stackd/internal/store"
)

// serveGraphQL runs the GraphQL endpoint: the same delivery-token check as
// every CDA route (api_key from the path), but every failure, credentials
// included, answered as a GraphQL error body with the status the REST CDA
// would give.
func (a *API) serveGraphQL(w http.ResponseWriter, r *http.Request, rt cdaRoute) {
	r = a.withView(r)
	cc, err := a.authorizeCDA(r)
	if err == nil {
		err = rt.h(w, r, cc)
	}
	if err != nil {
		a.writeGraphQLError(w, r, err)
	}
}

// writeGraphQLError answers err as {"errors":[{"message", "extensions":
// {"error_code"}}]}; server faults are logged and answered generically.
func (a *API) writeGraphQLError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := domain.AsError(err)
	if !ok || e.Kind == domain.KindInternal {
		a.Log.ErrorContext(r.Context(), "graphql request failed", "request_id", requestID(r), "err", err)
		e = domain.Errorf(domain.KindInternal, domain.CodeInternal, "Something went wrong (request id %s).", requestID(r))
	}
	ext := map[string]any{"error_code": e.Code}
	if len(e.Fields) > 0 {
		ext["errors"] = e.Fields
	}
	writeJSON(w, statusOf(e.Kind), graphql.Response{Errors: gqlerror.List{{Message: e.Message, Extensions: ext}}})
}

// cdaGraphQL is the GraphQL Content Delivery API: POST a JSON body
// {query, operationName, variables}, or GET with those as parameters
// (variables as JSON text). A request that cannot run is a 400 with its
// errors; one that runs is a 200 with data and any errors of its fields.
func (a *API) cdaGraphQL(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	req, err := graphqlRequest(r)
	if err != nil {
		return err
	}
	schema, err := a.graphqlSchema(r.Context(), cc)
	if err != nil {
		return err
	}
	resp, invalid := schema.Execute(r.Context(), req, &gqlFetcher{a: a, r: r, cc: cc})
	status := http.StatusOK
	if invalid {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, resp)
	return nil
}

// graphqlRequest reads a GraphQL request from the body (POST) or the query
// string (GET).
func graphqlRequest(r *http.Request) (graphql.Request, error) {
	var req graphql.Request
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				return req, domain.ErrBadRequest("variables is not a JSON object.")
			}
		}
	} else {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt == "application/graphql" {
			b, err := io.ReadAll(r.Body)
			if err != nil {
				return req, decodeJSON(r, nil)
			}
			req.Query = string(b)
		} else if err := decodeJSON(r, &req); err != nil {
			return req, err
		}
	}
	if req.Query == "" {
		return req, domain.ErrBadRequest("A GraphQL query is required (query).")
	}
	return req, nil
}

// gqlFetcher reads for the executor what the REST CDA serves the token's
// environment, shown as the REST CDA shows it.
type gqlFetcher struct {
	a  *API
	r  *http.Request
	cc *cdaCtx
}

func (g *gqlFetcher) filter(locale string, fallback bool, where map[string]any) (store.DeliveryFilter, error) {
	if locale == "" {
		locale = g.cc.stack.MasterLocale
	}
	f := store.DeliveryFilter{APIKey: g.cc.stack.APIKey, Environment: g.cc.env.UID, Locale: locale,
		Master: g.cc.stack.MasterLocale, Fallback: fallback}
	if where != nil {
		raw, err := json.Marshal(where)
		if err != nil {
			return f, domain.ErrInvalid("where", "cannot be read.")
		}
		if f.Query, err = query.Parse(string(raw)); err != nil {
			return f, err
		}
	}
	return f, nil
}

// Entries reads one entry or a page, with the references q.Include names.
func (g *gqlFetcher) Entries(ctx context.Context, q graphql.EntryQuery) ([]map[string]any, int, error) {
	f, err := g.filter(q.Locale, q.Fallback, q.Query)
	if err != nil {
		return nil, 0, err
	}
	f.ContentType, f.Asc, f.Desc, f.Skip, f.Limit, f.Count = q.ContentType, q.Asc, q.Desc, q.Skip, q.Limit, q.Count
	var entries []domain.PublishedEntry
	total := 0
	if q.UID != "" {
		f.UID = q.UID
		pe, err := g.a.Store.DeliveryEntry(ctx, f)
		if domain.IsKind(err, domain.KindInvalid) || domain.IsKind(err, domain.KindNotFound) {
			return nil, 0, nil // not published there: null
		}
		if err != nil {
			return nil, 0, err
		}
		entries = []domain.PublishedEntry{pe}
	} else if entries, total, err = g.a.Store.DeliveryEntries(ctx, f); err != nil {
		return nil, 0, err
	}
	items, err := g.a.showDelivered(g.r, f, entryOptions{inc: q.Include, refCT: true, dimension: true}, entries)
	return items, total, err
}

// Assets reads one asset or a page.
func (g *gqlFetcher) Assets(ctx context.Context, q graphql.AssetQuery) ([]map[string]any, int, error) {
	f, err := g.filter(q.Locale, q.Fallback, q.Query)
	if err != nil {
		return nil, 0, err
	}
	f.Asc, f.Desc, f.Skip, f.Limit, f.Count = q.Asc, q.Desc, q.Skip, q.Limit, q.Count
	var assets []domain.PublishedAsset
	total := 0
	if q.UID != "" {
		f.UID = q.UID
		pa, err := g.a.Store.DeliveryAsset(ctx, f)
		if domain.IsKind(err, domain.KindInvalid) || domain.IsKind(err, domain.KindNotFound) {
			return nil, 0, nil
		}
		if err != nil {
			return nil, 0, err
		}
		assets = []domain.PublishedAsset{pa}
	} else if assets, total, err = g.a.Store.DeliveryAssets(ctx, f); err != nil {
		return nil, 0, err
	}
	out := make([]map[string]any, len(assets))
	for i, pa := range assets {
		out[i] = g.a.cdaAssetJSON(g.r, pa, entryOptions{dimension: true})
	}
	return out, total, nil
}

// graphqlSchema returns the stack's schema: built from its content types
// and global fields, and cached per stack, branch and change counter (a
// content type or global field change bumps it), so a change is seen at
// the next request on every instance.
func (a *API) graphqlSchema(ctx context.Context, cc *cdaCtx) (*graphql.Schema, error) {
	seq, err := a.Store.StackSeq(ctx, cc.stack.APIKey)
	if err != nil {
		return nil, err
	}
	key := fmt.Sprintf("%s\x00%s\x00%d", cc.stack.APIKey, domain.DefaultBranch, seq)
	if s := a.gql.get(key); s != nil {
		return s, nil
	}
	cts, _, err := a.Store.ContentTypes(ctx, store.ListFilter{APIKey: cc.stack.APIKey, Limit: graphql.MaxContentTypes})
	if err != nil {
		return nil, err
	}
	gfs, err := a.Store.GlobalFieldSchemas(ctx, cc.stack.APIKey)
	if err != nil {
		return nil, err
	}
	s, err := graphql.Build(cts, gfs)
	if err != nil {
		return nil, errors.Join(domain.Errorf(domain.KindInternal, domain.CodeInternal, "The stack's GraphQL schema could not be built."), err)
	}
	a.gql.put(key, s)
	return s, nil
}

// schemaCache keeps the schemas of the most recently queried stacks: at
// most schemaCacheSize, least recently used out first.
type schemaCache struct {
	mu    sync.Mutex
	order *list.List // of *schemaEntry, most recent first
	byKey map[string]*list.Element
}

type schemaEntry struct {
	key string
	s   *graphql.Schema
}

const schemaCacheSize = 64

func newSchemaCache() *schemaCache {
	return &schemaCache{order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *schemaCache) get(key string) *graphql.Schema {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*schemaEntry).s
	}
	return nil
}

func (c *schemaCache) put(key string, s *graphql.Schema) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; ok {
		return
	}
	c.byKey[key] = c.order.PushFront(&schemaEntry{key, s})
	for c.order.Len() > schemaCacheSize {
		old := c.order.Remove(c.order.Back()).(*schemaEntry)
		delete(c.byKey, old.key)
	}
}
