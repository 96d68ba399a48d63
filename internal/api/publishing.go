package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

// publishPlan is a publish request read and checked by the HTTP layer.
type publishPlan struct {
	envs      []domain.Environment
	locales   []string
	version   int
	scheduled *time.Time // nil: now
}

// readPublishBody reads and checks a single publish body whose targets
// are under key ("entry" or "asset"). No locales means the master locale.
func (a *API) readPublishBody(r *http.Request, rc *reqCtx, key string) (publishPlan, error) {
	var b input.PublishBody
	if err := decodeJSON(r, &b); err != nil {
		return publishPlan{}, err
	}
	t := b.Entry
	if key == "asset" {
		t = b.Asset
	}
	if t == nil {
		return publishPlan{}, domain.ErrInvalid(key, "is required: name the environments (and locales) to act on.")
	}
	var p publishPlan
	var err error
	if p.envs, err = a.publishEnvironments(r, rc, t.Environments); err != nil {
		return p, err
	}
	if p.locales, err = input.PublishLocales(t.Locales, rc.stack.MasterLocale); err != nil {
		return p, err
	}
	if p.version, err = input.PublishVersion(b.Version); err != nil {
		return p, err
	}
	p.scheduled, err = input.ScheduledAt(b.ScheduledAt, a.Now())
	return p, err
}

// publishEnvironments resolves environment names (or uids), naming every
// unknown one in one 422.
func (a *API) publishEnvironments(r *http.Request, rc *reqCtx, names []string) ([]domain.Environment, error) {
	if len(names) == 0 {
		return nil, domain.ErrInvalid("environments", "must name at least one environment.")
	}
	if len(names) > domain.MaxPublishTargets {
		return nil, domain.ErrInvalid("environments", fmt.Sprintf("may name at most %d environments.", domain.MaxPublishTargets))
	}
	var out []domain.Environment
	var unknown []string
	for _, n := range names {
		if !domain.CleanText(n) || strings.TrimSpace(n) == "" {
			return nil, domain.ErrInvalid("environments", "must be environment names.")
		}
		e, err := a.Store.Environment(r.Context(), rc.stack.APIKey, n)
		switch {
		case domain.IsKind(err, domain.KindInvalid):
			unknown = append(unknown, n)
		case err != nil:
			return nil, err
		case !slices.ContainsFunc(out, func(x domain.Environment) bool { return x.UID == e.UID }):
			out = append(out, e)
		}
	}
	if len(unknown) > 0 {
		return nil, domain.Errorf(domain.KindInvalid, domain.CodeValidation, "The environments %q do not exist.", unknown).
			WithField("environments", fmt.Sprintf("%q are not environments of this stack.", unknown))
	}
	return out, nil
}

// itemAllowed reports whether the caller may act on one item of a
// publish or bulk request: a user by their roles for that item (custom
// roles' rules name content types, locales and assets), a management
// token by its write scope on the item's module.
func itemAllowed(rc *reqCtx, m domain.Module, act domain.Action, t domain.Target) bool {
	p := rc.principal
	if p.Kind == domain.CredManagement {
		return p.Token != nil && p.Token.AllowsModule(string(m), true, p.Branch)
	}
	return domain.Decide(p, domain.Permission{Module: m, Action: act}, t)
}

// jobActor records who makes a request, for the audit item of its job.
func jobActor(rc *reqCtx) domain.JobActor {
	if rc.token != nil {
		return domain.JobActor{Kind: "management_token", TokenUID: rc.token.UID, TokenName: rc.token.Name}
	}
	return domain.JobActor{Kind: "user", UserUID: actorUID(rc)}
}

// newPublishJob is the job a request is recorded as: run at once, or at
// its scheduled time.
func (a *API) newPublishJob(rc *reqCtx, kind string, at *time.Time) domain.Job {
	now := a.Now()
	runAt := now
	if at != nil {
		runAt = *at
	}
	return domain.Job{UID: domain.NewUID(), Kind: kind, RunAt: runAt, CreatedBy: actorUID(rc), CreatedAt: now, UpdatedAt: now}
}

// rulesItems are the items publish rules see for entries published or
// unpublished in locales to environments.
func rulesItems(action string, entries []store.EntryTarget, envs []domain.Environment) []publishItem {
	var out []publishItem
	for _, e := range entries {
		for _, l := range e.Locales {
			for _, env := range envs {
				out = append(out, publishItem{ContentType: e.ContentType, EntryUID: e.UID, Locale: l, Environment: env, Action: action})
			}
		}
	}
	return out
}

func (a *API) publishEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.entryAction(w, r, rc, domain.ActionPublish)
}

func (a *API) unpublishEntry(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.entryAction(w, r, rc, domain.ActionUnpublish)
}

// entryAction is POST …/entries/{entry_uid}/publish and /unpublish: the
// entry (at the version asked for, else each locale's latest) to the
// environments and locales of the body, now or at scheduled_at. Publish
// rules and the caller's rights in each locale are checked first; a
// refused request writes nothing.
func (a *API) entryAction(w http.ResponseWriter, r *http.Request, rc *reqCtx, action string) error {
	p, err := a.readPublishBody(r, rc, "entry")
	if err != nil {
		return err
	}
	t := store.EntryTarget{ContentType: r.PathValue("content_type_uid"), UID: r.PathValue("entry_uid"), Locales: p.locales, Version: p.version}
	for _, l := range p.locales {
		if !itemAllowed(rc, domain.ModEntry, domain.ActPublish, domain.Target{ContentType: t.ContentType, Locale: l}) {
			return domain.ErrForbidden()
		}
	}
	if err := a.checkPublishRules(r.Context(), rc, rulesItems(action, []store.EntryTarget{t}, p.envs)); err != nil {
		return err
	}
	if err := a.requestPublish(r, rc, domain.ItemEntry, action, p, []store.EntryTarget{t}, nil, t.UID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice("The requested action has been performed."))
	return nil
}

func (a *API) publishAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.assetAction(w, r, rc, domain.ActionPublish, "Asset sent for publishing.")
}

func (a *API) unpublishAsset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.assetAction(w, r, rc, domain.ActionUnpublish, "Asset sent for unpublishing.")
}

// assetAction is POST /v3/assets/{asset_uid}/publish and /unpublish.
func (a *API) assetAction(w http.ResponseWriter, r *http.Request, rc *reqCtx, action, msg string) error {
	p, err := a.readPublishBody(r, rc, "asset")
	if err != nil {
		return err
	}
	t := store.AssetTarget{UID: r.PathValue("asset_uid"), Locales: p.locales, Version: p.version}
	if err := a.requestPublish(r, rc, domain.ItemAsset, action, p, nil, []store.AssetTarget{t}, t.UID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, notice(msg))
	return nil
}

// requestPublish makes the one store call of a single publish: carried out
// now, or queued for its scheduled time.
func (a *API) requestPublish(r *http.Request, rc *reqCtx, typ, action string, p publishPlan, entries []store.EntryTarget,
	assets []store.AssetTarget, uid string) error {
	event := action
	if p.scheduled != nil {
		event = "schedule_" + action
	}
	_, err := a.Store.RequestPublish(r.Context(), store.PublishRequest{APIKey: rc.stack.APIKey, Master: rc.stack.MasterLocale,
		Action: action, Type: typ, Entries: entries, Assets: assets, Environments: p.envs, Locales: p.locales,
		Actor: jobActor(rc), Job: a.newPublishJob(rc, domain.JobPublish, p.scheduled), Inline: p.scheduled == nil, At: a.Now()},
		a.audit(r, rc, domain.Module(typ), event, uid, ""))
	return err
}
