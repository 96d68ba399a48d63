package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// queueWindow is how far back the publish queue reaches.
const queueWindow = 30 * 24 * time.Hour

// queueKinds are the jobs the publish queue shows: single publishes
// (immediate and scheduled) and bulk publishes.
var queueKinds = []string{domain.JobPublish, domain.JobBulkPublish}

// maxJobDetails bounds the items a bulk entry of the queue shows.
const maxJobDetails = 25

// listPublishQueue is GET /v3/publish-queue: the publish and unpublish
// actions of the last 30 days, newest first; bulkJobId=<job_id> keeps
// that bulk job only, include_job_details=true adds a bulk job's first
// 25 items.
func (a *API) listPublishQueue(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := parseList(r)
	if err != nil {
		return err
	}
	details := boolParam(r, "include_job_details")
	var jobs []domain.Job
	var total int
	if id := r.URL.Query().Get("bulkJobId"); id != "" {
		j, err := a.Store.Job(r.Context(), rc.stack.APIKey, id)
		if err == nil && j.Kind == domain.JobBulkPublish {
			jobs, total = []domain.Job{j}, 1
		} else if err != nil && !domain.IsKind(err, domain.KindInvalid) {
			return err
		}
	} else {
		jobs, total, err = a.Store.Jobs(r.Context(), store.JobFilter{APIKey: rc.stack.APIKey, Kinds: queueKinds,
			Since: a.Now().Add(-queueWindow), Skip: p.Skip, Limit: p.Limit})
		if err != nil {
			return err
		}
	}
	if p.CountOnly {
		writeJSON(w, http.StatusOK, map[string]any{"queue": total})
		return nil
	}
	items := make([]map[string]any, 0, len(jobs))
	for _, j := range jobs {
		it, err := queueItemJSON(j, details)
		if err != nil {
			return err
		}
		items = append(items, it)
	}
	body := map[string]any{"queue": items}
	if p.IncludeCount {
		body["count"] = total
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// queueJob finds a job of the publish queue; other jobs are not in it (422).
func (a *API) queueJob(r *http.Request, rc *reqCtx) (domain.Job, error) {
	j, err := a.Store.Job(r.Context(), rc.stack.APIKey, r.PathValue("queue_uid"))
	if domain.IsKind(err, domain.KindInvalid) || err == nil && j.Kind != domain.JobPublish && j.Kind != domain.JobBulkPublish {
		return j, domain.ErrNotFound("publish queue item", "uid")
	}
	return j, err
}

// getPublishQueueItem is GET /v3/publish-queue/{queue_uid}.
func (a *API) getPublishQueueItem(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	j, err := a.queueJob(r, rc)
	if err != nil {
		return err
	}
	it, err := queueItemJSON(j, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"queue": it})
	return nil
}

// unschedulePublish is GET /v3/publish-queue/{queue_uid}/unschedule: it
// cancels a scheduled publish or unpublish (single or bulk) that has not
// run yet. One that was not scheduled, ran, runs or was canceled is a 422.
func (a *API) unschedulePublish(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	j, err := a.queueJob(r, rc)
	if err != nil {
		return err
	}
	p, err := jobPayload(j)
	if err != nil {
		return err
	}
	if !p.Scheduled {
		return domain.ErrInvalid("uid", "is not a scheduled action; only scheduled actions can be unscheduled.")
	}
	j, err = a.Store.CancelJob(r.Context(), rc.stack.APIKey, j.UID, a.Now(),
		a.audit(r, rc, domain.ModPublishQueue, "unschedule", j.UID, ""))
	if err != nil {
		return err
	}
	it, err := queueItemJSON(j, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"notice": "The scheduled action has been canceled.", "queue": it})
	return nil
}

// queueItemJSON shows a job as an item of the publish queue
// (docs/publishing.md). A scheduled action has scheduled_at; a finished
// one published_at; a bulk job its bulkJobId and summary, and with
// details its first 25 items.
func queueItemJSON(j domain.Job, details bool) (map[string]any, error) {
	p, err := jobPayload(j)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"uid": j.UID, "action": p.Action, "type": p.Type, "approval": false, "approved": true, "rejected": false,
		"user": j.CreatedBy, "stack": j.APIKey, "environment": nonNil(p.Environments), "locale": nonNil(p.Locales)}
	out["publish_details"] = map[string]any{"status": domain.JobState(j, p.Scheduled)}
	out["created_at"], out["created_by"] = isoTime(j.CreatedAt), j.CreatedBy
	out["updated_at"], out["updated_by"] = isoTime(j.UpdatedAt), j.CreatedBy
	if p.Scheduled {
		out["scheduled_at"] = isoTime(j.RunAt)
	}
	if j.Status == domain.JobDone {
		out["published_at"] = isoTime(j.UpdatedAt)
	}
	if p.Type == "bulk" {
		job, err := jobJSON(j, maxJobDetails)
		if err != nil {
			return nil, err
		}
		out["bulkJobId"], out["summary"] = j.UID, job["summary"]
		if details {
			out["items"] = job["items"]
		}
		return out, nil
	}
	if len(p.Items) > 0 {
		it := p.Items[0]
		obj := map[string]any{"uid": it.UID, "title": it.Title, "version": it.Version}
		if p.Type == domain.ItemEntry {
			obj["locale"] = it.Locale
			out["content_type"] = map[string]any{"uid": it.ContentType}
		}
		out[p.Type] = obj
	}
	return out, nil
}

// jobPayload decodes a publishing job's payload; one that does not parse
// is a server fault.
func jobPayload(j domain.Job) (domain.PublishPayload, error) {
	var p domain.PublishPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return p, fmt.Errorf("api: decode job %s: %w", j.UID, err)
	}
	return p, nil
}
