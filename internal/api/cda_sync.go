package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// syncPageSize is the number of items a sync page holds, as Contentstack's.
const syncPageSize = 100

// syncTypes are the item types the type filter accepts.
var syncTypes = []string{"entry_published", "entry_unpublished", "entry_deleted", "asset_published", "asset_unpublished",
	"asset_deleted", "content_type_deleted"}

// cdaSync is the CDA's GET /v3/stacks/sync: with init=true every item the
// token's environment serves; with a sync_token what changed since it was
// issued, each changed item once in its latest state, in commit order;
// with a pagination_token the next page of either. A token wins over
// init=true (the delivery SDK sends both).
func (a *API) cdaSync(w http.ResponseWriter, r *http.Request, cc *cdaCtx) error {
	want, err := syncRequest(r, cc, a.Now())
	if err != nil {
		return err
	}
	cur, err := a.syncCursorOf(r, want)
	if err != nil {
		return err
	}
	page, err := a.Store.SyncLog(r.Context(), store.SyncFilter{APIKey: cur.Stack, Branch: cur.Branch, Env: cur.Env,
		Locale: cur.Locale, ContentTypes: cur.CTs, Types: cur.Types, StartAt: cur.Start, Lo: cur.Lo, Hi: cur.Hi,
		Init: cur.Init, After: (*store.SyncKey)(cur.After), Limit: syncPageSize + 1})
	if err != nil {
		return err
	}
	more := len(page.Items) > syncPageSize
	if more {
		page.Items = page.Items[:syncPageSize]
	}
	shown, err := a.syncItems(r, cc, page.Items)
	if err != nil {
		return err
	}
	out := map[string]any{"items": shown, "skip": cur.Skip, "limit": syncPageSize, "total_count": page.Total}
	// A token's age counts from when its window's end was read, so that a
	// token still valid never needs an event the log has already pruned.
	next := cur
	if cur.Hi == 0 {
		next.Issued = a.Now().UnixMilli()
	}
	next.Hi = page.Hi
	if more {
		last := input.SyncKey(page.Items[len(page.Items)-1].SyncKey)
		next.Page, next.After, next.Skip = true, &last, cur.Skip+len(page.Items)
		out["pagination_token"] = input.SealCursor(a.Box, next)
	} else {
		next.Page, next.Init, next.After, next.Skip, next.Lo = false, false, nil, 0, page.Hi
		out["sync_token"] = input.SealCursor(a.Box, next)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// syncRequest reads the filters of a sync request into a cursor for the
// request's stack, branch and environment.
func syncRequest(r *http.Request, cc *cdaCtx, now time.Time) (input.SyncCursor, error) {
	q := r.URL.Query()
	branch, err := requestBranch(r)
	if err != nil {
		return input.SyncCursor{}, err
	}
	c := input.SyncCursor{V: 1, Stack: cc.stack.APIKey, Branch: branch, Env: cc.env.UID, Locale: q.Get("locale"),
		CTs: splitList(q["content_type_uid"]), Types: splitList(q["type"]), Issued: now.UnixMilli()}
	for _, t := range c.Types {
		if !slices.Contains(syncTypes, t) {
			return c, domain.ErrInvalid("type", "must be one of "+strings.Join(syncTypes, ", ")+".")
		}
	}
	if s := q.Get("start_date"); s != "" {
		t, err := parseSyncDate(s)
		if err != nil {
			return c, domain.ErrInvalid("start_date", "must be an ISO 8601 date or date-time.")
		}
		c.Start = t.UnixMilli()
	}
	return c, nil
}

// splitList reads a repeated or comma-separated parameter, sorted so that
// the same filter always compares equal.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out
}

func parseSyncDate(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000Z", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, domain.ErrInvalid("start_date", "is not a date.")
}

// syncCursorOf picks where the request starts: a pagination token, else a
// sync token, else an init. A token must be used where it was issued.
func (a *API) syncCursorOf(r *http.Request, want input.SyncCursor) (input.SyncCursor, error) {
	q := r.URL.Query()
	for _, param := range []string{"pagination_token", "sync_token"} {
		tok := q.Get(param)
		if tok == "" {
			continue
		}
		c, err := input.OpenCursor(a.Box, param, tok, a.Now())
		if err != nil {
			return c, err
		}
		if c.Page != (param == "pagination_token") {
			return c, input.ErrSyncToken(param)
		}
		if err := c.Bound(param, want); err != nil {
			return c, err
		}
		if !c.Page {
			c.Lo, c.Hi = c.Hi, 0 // what changed after the token's position, up to now
		}
		return c, nil
	}
	if q.Get("init") != "true" {
		return want, domain.ErrInvalid("init", "Send init=true, a sync_token or a pagination_token.")
	}
	want.Init, want.Lo, want.Hi = true, -1, 0
	return want, nil
}

// syncItems shows the events of a page as the delivery SDK reads them.
// Published entries are shown as the CDA shows them (file fields as the
// published asset objects), a few queries per locale on the page.
func (a *API) syncItems(r *http.Request, cc *cdaCtx, items []store.SyncItem) ([]map[string]any, error) {
	entries, err := a.syncEntries(r, cc, items)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, 0, len(items))
	for i, it := range items {
		m := map[string]any{"type": it.Type + "_" + it.Event, "event_at": isoTime(it.EventAt), "content_type_uid": it.ContentType}
		switch {
		case it.Entry != nil:
			m["data"] = entries[i]
		case it.Asset != nil:
			m["content_type_uid"], m["data"] = "sys_assets", a.cdaAssetJSON(r, *it.Asset, entryOptions{})
		case it.Event == store.SyncPublished:
			continue // changed again in a later commit, which the next sync carries
		case it.Type == store.SyncContentType:
			m["data"] = map[string]any{"uid": it.UID}
		case it.Type == store.SyncAsset:
			m["content_type_uid"], m["data"] = "sys_assets", map[string]any{"uid": it.UID, "locale": it.Locale}
		default:
			m["data"] = map[string]any{"uid": it.UID, "locale": it.Locale, "content_type_uid": it.ContentType}
		}
		out = append(out, m)
	}
	return out, nil
}

// syncEntries renders the published entries of a page, by their index.
func (a *API) syncEntries(r *http.Request, cc *cdaCtx, items []store.SyncItem) (map[int]map[string]any, error) {
	byLocale := map[string][]int{}
	for i, it := range items {
		if it.Entry != nil {
			byLocale[it.Locale] = append(byLocale[it.Locale], i)
		}
	}
	out := make(map[int]map[string]any, len(items))
	for locale, idx := range byLocale {
		f := store.DeliveryFilter{APIKey: cc.stack.APIKey, Environment: cc.env.UID, Locale: locale, Master: cc.stack.MasterLocale}
		pes := make([]domain.PublishedEntry, len(idx))
		for j, i := range idx {
			pes[j] = *items[i].Entry
		}
		shown, err := a.showDelivered(r, f, entryOptions{}, pes)
		if err != nil {
			return nil, err
		}
		for j, i := range idx {
			out[i] = shown[j]
		}
	}
	return out, nil
}

// Housekeeping returns the periodic tasks that keep the HTTP layer's logs
// bounded: the sync log forgets unpublish and delete events older than a
// token may be (published items stay: they are what an init lists).
func Housekeeping(d Deps) []func(ctx context.Context, now time.Time) error {
	return []func(ctx context.Context, now time.Time) error{
		func(ctx context.Context, now time.Time) error {
			return d.Store.PruneSyncLog(ctx, now.Add(-input.SyncTokenTTL))
		},
	}
}
