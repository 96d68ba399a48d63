package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

func init() { registerStackTables("published_entries", "published_assets") }

// Publishing: a request (single, scheduled or bulk) is checked and
// resolved into domain.PublishItems in one transaction, which either
// carries them out at once and records a finished job (immediate single
// publishes), or queues a job that carries them out later
// (RunPublishJob). Either way the request appears in the jobs table, which
// is the publish queue.

// EntryTarget names an entry a publishing request acts on.
type EntryTarget struct {
	ContentType string
	UID         string
	Locales     []string // publish and unpublish: the locales to act in
	Locale      string   // delete: the locale to delete; "" or the master deletes the whole entry
	Version     int      // publish: the version to publish; 0 = the latest of the content published
}

// AssetTarget names an asset a publishing request acts on.
type AssetTarget struct {
	UID     string
	Locales []string // publish and unpublish: the locales to act in
	Version int      // publish: 0 = the latest
}

// PublishRequest is one publish, unpublish or bulk delete request.
type PublishRequest struct {
	APIKey       string
	Master       string // the stack's master locale
	Action       string // domain.ActionPublish, ActionUnpublish or ActionDelete
	Type         string // payload type: domain.ItemEntry, ItemAsset or "bulk"
	Entries      []EntryTarget
	Assets       []AssetTarget
	Environments []domain.Environment // publish and unpublish
	Locales      []string             // the locales asked for, as the queue shows them
	Actor        domain.JobActor
	Job          domain.Job // UID, Kind, RunAt and CreatedBy/CreatedAt/UpdatedAt; the rest is set here
	Inline       bool       // carry the request out now and record the job as done
	At           time.Time
}

// RequestPublish checks a publishing request and resolves it into items:
// the environments, locales, entries, assets and versions named must
// exist (422 naming the first that does not). With Inline it carries the
// items out and records the job as done, otherwise it queues the job to
// run at Job.RunAt. It returns the job as stored; a refused request
// writes nothing.
func (s *Store) RequestPublish(ctx context.Context, req PublishRequest, a *domain.AuditEntry) (domain.Job, error) {
	if n := req.size(); n > domain.MaxPublishItems {
		return domain.Job{}, domain.ErrInvalid("entries", fmt.Sprintf("with their locales and environments make %d items; one request may make at most %d.",
			n, domain.MaxPublishItems))
	}
	var out domain.Job
	err := s.txAudit(ctx, a, func(c conn) error {
		items, err := resolveRequest(ctx, c, req)
		if err != nil {
			return err
		}
		envs := make([]string, 0, len(req.Environments))
		for _, e := range req.Environments {
			envs = append(envs, e.UID)
		}
		p := domain.PublishPayload{Action: req.Action, Type: req.Type, Master: req.Master, Environments: envs,
			Locales: nonNilStrings(req.Locales), Items: items, Actor: req.Actor, Scheduled: req.Job.RunAt.After(req.Job.CreatedAt)}
		j := req.Job
		j.APIKey, j.Status, j.Attempts = req.APIKey, domain.JobQueued, 0
		if j.Payload, err = json.Marshal(p); err != nil {
			return fmt.Errorf("store: encode publish job: %w", err)
		}
		if req.Inline {
			outcomes, _, err := applyItems(ctx, c, req.APIKey, p, req.At)
			if err != nil {
				return err
			}
			if j.Result, err = json.Marshal(domain.NewPublishResult(outcomes)); err != nil {
				return fmt.Errorf("store: encode publish result: %w", err)
			}
			j.Status, j.UpdatedAt = domain.JobDone, req.At
		}
		out = j
		return insertJob(ctx, c, j)
	})
	return out, err
}

// size is how many items the request makes at most: each entry or asset
// in each of its locales on each environment (deletes: one each).
func (req PublishRequest) size() int {
	if req.Action == domain.ActionDelete {
		return len(req.Entries) + len(req.Assets)
	}
	n := 0
	for _, t := range req.Entries {
		n += len(t.Locales)
	}
	for _, t := range req.Assets {
		n += len(t.Locales)
	}
	return n * len(req.Environments)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// resolveRequest turns a request into items, checking everything it names.
func resolveRequest(ctx context.Context, c conn, req PublishRequest) ([]domain.PublishItem, error) {
	for _, e := range req.Environments {
		if _, err := envByName(ctx, c, req.APIKey, e.UID); err != nil {
			return nil, domain.ErrInvalid("environments", fmt.Sprintf("%q is not an environment of this stack.", e.Name))
		}
	}
	var codes []string
	for _, t := range req.Entries {
		codes = append(codes, t.Locales...)
	}
	for _, t := range req.Assets {
		codes = append(codes, t.Locales...)
	}
	if err := checkLocales(ctx, c, req.APIKey, codes, req.Master); err != nil {
		return nil, err
	}
	fallbacks, err := localeFallbacks(ctx, c, req.APIKey, req.Master)
	if err != nil {
		return nil, err
	}
	r := resolver{c: c, req: req, fallbacks: fallbacks, seen: map[string]bool{}}
	entries := slices.Clone(req.Entries)
	slices.SortFunc(entries, func(x, y EntryTarget) int { return strings.Compare(x.ContentType+"/"+x.UID, y.ContentType+"/"+y.UID) })
	for _, t := range entries {
		if err := r.entry(ctx, t); err != nil {
			return nil, err
		}
	}
	for _, t := range req.Assets {
		if err := r.asset(ctx, t); err != nil {
			return nil, err
		}
	}
	if r.items == nil {
		r.items = []domain.PublishItem{}
	}
	return r.items, nil
}

// checkLocales refuses locale codes that are not languages of the stack,
// naming all of them.
func checkLocales(ctx context.Context, c conn, apiKey string, codes []string, master string) error {
	var bad []string
	for _, code := range codes {
		if slices.Contains(bad, code) {
			continue
		}
		if err := checkLocale(ctx, c, apiKey, code, master); domain.IsKind(err, domain.KindInvalid) {
			bad = append(bad, code)
		} else if err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		return domain.ErrInvalid("locales", fmt.Sprintf("%q are not languages of this stack.", bad))
	}
	return nil
}

type resolver struct {
	c         conn
	req       PublishRequest
	fallbacks map[string]string
	seen      map[string]bool
	items     []domain.PublishItem
}

func (r *resolver) add(it domain.PublishItem) {
	if !r.seen[it.Key()] {
		r.seen[it.Key()] = true
		r.items = append(r.items, it)
	}
}

// entry resolves one entry target: for a publish, each locale's content
// (the locale's own, or the first of its fallback chain the entry has
// content in) at the version asked for or its latest.
func (r *resolver) entry(ctx context.Context, t EntryTarget) error {
	apiKey := r.req.APIKey
	have, err := entryOf(ctx, r.c, apiKey, t.ContentType, t.UID, "")
	if err != nil {
		return err
	}
	base := domain.PublishItem{Type: domain.ItemEntry, ContentType: t.ContentType, UID: t.UID}
	if r.req.Action == domain.ActionDelete {
		return r.deleteEntry(ctx, t, have, base)
	}
	for _, l := range t.Locales {
		it := base
		it.Locale = l
		if r.req.Action == domain.ActionPublish {
			chain := domain.FallbackChain(l, r.req.Master, r.fallbacks)
			i := slices.IndexFunc(chain, func(x string) bool { return slices.Contains(have, x) })
			if i < 0 {
				return errNotLocalized(t.UID, l)
			}
			e, err := entryAt(ctx, r.c, apiKey, t.UID, chain[i], t.Version)
			if err != nil {
				return err
			}
			it.SourceLocale, it.Version, it.Title = chain[i], e.Version, e.Title
		} else if slices.Contains(have, l) {
			e, err := entryRow(ctx, r.c, apiKey, t.UID, l)
			if err != nil {
				return err
			}
			it.Title = e.Title
		}
		for _, env := range r.req.Environments {
			it.Environment = env.UID
			r.add(it)
		}
	}
	return nil
}

// entryAt reads an entry's locale at version, or its current content.
func entryAt(ctx context.Context, c conn, apiKey, uid, locale string, version int) (domain.Entry, error) {
	if version > 0 {
		return entryVersion(ctx, c, apiKey, uid, locale, version)
	}
	return entryRow(ctx, c, apiKey, uid, locale)
}

func (r *resolver) deleteEntry(ctx context.Context, t EntryTarget, have []string, it domain.PublishItem) error {
	show := r.req.Master
	if t.Locale != "" && t.Locale != r.req.Master {
		if !slices.Contains(have, t.Locale) {
			return errNotLocalized(t.UID, t.Locale)
		}
		it.Locale, show = t.Locale, t.Locale
	}
	if slices.Contains(have, show) {
		e, err := entryRow(ctx, r.c, r.req.APIKey, t.UID, show)
		if err != nil {
			return err
		}
		it.Title = e.Title
	}
	r.add(it)
	return nil
}

// asset resolves one asset target. Assets have one content for every
// locale; publishing records the locales it is published in.
func (r *resolver) asset(ctx context.Context, t AssetTarget) error {
	as, err := assetByUID(ctx, r.c, r.req.APIKey, t.UID, false)
	if err != nil {
		return err
	}
	base := domain.PublishItem{Type: domain.ItemAsset, UID: t.UID, Title: as.Title}
	if r.req.Action == domain.ActionDelete {
		r.add(base)
		return nil
	}
	if r.req.Action == domain.ActionPublish {
		base.Version = as.Version
		if t.Version > 0 {
			if err := assetVersionExists(ctx, r.c, t.UID, t.Version); err != nil {
				return err
			}
			base.Version = t.Version
		}
	}
	for _, l := range t.Locales {
		for _, env := range r.req.Environments {
			it := base
			it.Locale, it.Environment = l, env.UID
			r.add(it)
		}
	}
	return nil
}

func assetVersionExists(ctx context.Context, c conn, uid string, version int) error {
	var n int
	if err := c.row(ctx, `SELECT COUNT(*) FROM asset_versions WHERE asset_uid = ? AND version = ?`, uid, version).Scan(&n); err != nil {
		return fmt.Errorf("store: find asset version: %w", err)
	}
	if n == 0 {
		return domain.ErrInvalid("version", fmt.Sprintf("the asset %s has no version %d.", uid, version))
	}
	return nil
}
