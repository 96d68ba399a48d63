package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/input"
	"github.com/stackd/stackd/internal/store"
)

var bulkNotices = map[string]string{
	domain.ActionPublish:   "Your publish request is in progress.",
	domain.ActionUnpublish: "Your unpublish request is in progress.",
	domain.ActionDelete:    "Your delete request is in progress.",
}

func (a *API) bulkPublish(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.bulk(w, r, rc, domain.ActionPublish)
}

func (a *API) bulkUnpublish(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.bulk(w, r, rc, domain.ActionUnpublish)
}

func (a *API) bulkDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return a.bulk(w, r, rc, domain.ActionDelete)
}

// bulk queues a bulk job after checking the whole request: every item must
// exist and be allowed to the caller (403 for the whole request
// otherwise), and publish rules must allow every entry. The job runs in
// the background (jobHandlers) and answers GET /v3/bulk/jobs/{job_id}.
func (a *API) bulk(w http.ResponseWriter, r *http.Request, rc *reqCtx, action string) error {
	var b input.BulkBody
	if err := decodeJSON(r, &b); err != nil {
		return err
	}
	req, err := a.bulkRequest(r, rc, action, b)
	if err != nil {
		return err
	}
	if err := a.bulkAllowed(rc, action, req); err != nil {
		return err
	}
	if action != domain.ActionDelete {
		if err := a.checkPublishRules(r.Context(), rc, rulesItems(action, req.Entries, req.Environments)); err != nil {
			return err
		}
	}
	kind := domain.JobBulkPublish
	if action == domain.ActionDelete {
		kind = domain.JobBulkDelete
	}
	scheduled, err := input.ScheduledAt(b.ScheduledAt, a.Now())
	if err != nil {
		return err
	}
	req.Job = a.newPublishJob(rc, kind, scheduled)
	j, err := a.Store.RequestPublish(r.Context(), req, a.audit(r, rc, domain.ModBulk, "queue_"+action, req.Job.UID, ""))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": bulkNotices[action], "job_id": j.UID})
	return nil
}

// bulkRequest reads a bulk body into a store request. Without locales,
// each entry acts in its own locale (the master when it names none) and
// each asset in the master locale.
func (a *API) bulkRequest(r *http.Request, rc *reqCtx, action string, b input.BulkBody) (store.PublishRequest, error) {
	req := store.PublishRequest{APIKey: rc.stack.APIKey, Master: rc.stack.MasterLocale, Action: action, Type: "bulk",
		Actor: jobActor(rc), At: a.Now()}
	if len(b.Entries)+len(b.Assets) == 0 {
		return req, domain.ErrInvalid("entries", "or assets must name at least one item.")
	}
	if len(b.Entries)+len(b.Assets) > domain.MaxBulkItems {
		return req, domain.ErrInvalid("entries", fmt.Sprintf("and assets may name at most %d items together.", domain.MaxBulkItems))
	}
	var err error
	var locales []string
	if action != domain.ActionDelete {
		if req.Environments, err = a.publishEnvironments(r, rc, b.Environments); err != nil {
			return req, err
		}
		if len(b.Locales) > 0 {
			if locales, err = input.PublishLocales(b.Locales, rc.stack.MasterLocale); err != nil {
				return req, err
			}
		}
	}
	req.Locales = locales
	for i, e := range b.Entries {
		t, err := input.BulkEntryTarget(i, e, locales, rc.stack.MasterLocale)
		if err != nil {
			return req, err
		}
		req.Entries = append(req.Entries, store.EntryTarget(t))
	}
	for i, as := range b.Assets {
		t, err := input.BulkAssetTarget(i, as, locales, rc.stack.MasterLocale)
		if err != nil {
			return req, err
		}
		req.Assets = append(req.Assets, store.AssetTarget(t))
	}
	return req, nil
}

// bulkAllowed refuses the whole request (403) when any item is not
// allowed to the caller: publish (or delete) on each entry in each
// locale, on each asset.
func (a *API) bulkAllowed(rc *reqCtx, action string, req store.PublishRequest) error {
	act := domain.ActPublish
	if action == domain.ActionDelete {
		act = domain.ActDelete
	}
	for _, e := range req.Entries {
		locales := e.Locales
		if action == domain.ActionDelete {
			locales = []string{e.Locale}
		}
		for _, l := range locales {
			if !itemAllowed(rc, domain.ModEntry, act, domain.Target{ContentType: e.ContentType, Locale: l}) {
				return domain.ErrForbidden()
			}
		}
	}
	for _, as := range req.Assets {
		if !itemAllowed(rc, domain.ModAsset, act, domain.Target{Asset: as.UID}) {
			return domain.ErrForbidden()
		}
	}
	return nil
}

// bulkJob is GET /v3/bulk/jobs/{job_id}: a bulk job's status and, item by
// item, what was asked and (once it ran) what happened (docs/publishing.md).
func (a *API) bulkJob(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	j, err := a.Store.Job(r.Context(), rc.stack.APIKey, r.PathValue("job_id"))
	if err != nil {
		return err
	}
	if j.Kind != domain.JobBulkPublish && j.Kind != domain.JobBulkDelete {
		return domain.ErrNotFound("job", "job_id")
	}
	out, err := jobJSON(j, -1)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"job": out})
	return nil
}

// jobJSON shows a publishing job: what it does, its state, a summary and
// its items (at most max of them; all when max < 0), each with its status
// ("pending" until the job has run).
func jobJSON(j domain.Job, max int) (map[string]any, error) {
	p, err := jobPayload(j)
	if err != nil {
		return nil, err
	}
	res := domain.PublishResult{Summary: domain.PublishSummary{Total: len(p.Items)}}
	if j.Status == domain.JobDone {
		if err := json.Unmarshal(j.Result, &res); err != nil {
			return nil, fmt.Errorf("api: decode result of job %s: %w", j.UID, err)
		}
	} else {
		for _, it := range p.Items {
			res.Items = append(res.Items, domain.PublishOutcome{PublishItem: it, Status: "pending"})
		}
	}
	items := res.Items
	if items == nil {
		items = []domain.PublishOutcome{}
	}
	if max >= 0 && len(items) > max {
		items = items[:max]
	}
	out := map[string]any{
		"uid": j.UID, "job_id": j.UID, "action": p.Action, "status": domain.JobState(j, p.Scheduled),
		"environments": nonNil(p.Environments), "locales": nonNil(p.Locales), "summary": res.Summary, "items": items,
		"created_by": j.CreatedBy, "created_at": isoTime(j.CreatedAt), "updated_at": isoTime(j.UpdatedAt), "run_at": isoTime(j.RunAt),
	}
	if j.Error != "" {
		out["error"] = j.Error
	}
	return out, nil
}

// runPublishJob is the job handler of scheduled publishes and bulk jobs.
// Files of assets a bulk delete removed are deleted once its transaction
// has committed; one that cannot be removed is logged and left behind.
func (a *API) runPublishJob(ctx context.Context, j domain.Job, worker string) error {
	keys, err := a.Store.RunPublishJob(ctx, j, worker, a.Now())
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := a.Files.Delete(ctx, k); err != nil {
			a.Log.WarnContext(ctx, "could not remove the file of a deleted asset", "job", j.UID, "err", err)
		}
	}
	return nil
}
