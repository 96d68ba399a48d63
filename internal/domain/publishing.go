package domain

import (
	"encoding/json"
	"time"
)

// Publishing actions.
const (
	ActionPublish   = "publish"
	ActionUnpublish = "unpublish"
	ActionDelete    = "delete" // bulk delete
)

// Kinds of the jobs publishing queues. Single publishes (immediate ones
// recorded as finished jobs, scheduled ones run at their time) and bulk
// publishes make up the publish queue; bulk deletes are bulk jobs only.
const (
	JobPublish     = "publish"
	JobBulkPublish = "bulk_publish"
	JobBulkDelete  = "bulk_delete"
)

// Item types.
const (
	ItemEntry = "entry"
	ItemAsset = "asset"
)

// Outcome statuses of a publish item and of a whole publish job.
const (
	OutcomeSuccess = "success"
	OutcomeFailed  = "failed"
	OutcomePartial = "partial" // a job some of whose items failed
)

// MaxBulkItems bounds the entries and assets of one bulk request,
// MaxPublishTargets the locales and the environments of one request, and
// MaxPublishItems what one request resolves to (each entry or asset in
// each locale on each environment).
const (
	MaxBulkItems      = 100
	MaxPublishTargets = 50
	MaxPublishItems   = 1000
)

// PublishItem is one unit of publishing work: one entry (or asset) in one
// locale to one environment, or for a bulk delete one entry (locale) or
// asset to delete. Items are resolved when the request is made, so a
// scheduled or bulk job carries exactly what was asked for.
type PublishItem struct {
	Type         string `json:"type"` // ItemEntry or ItemAsset
	ContentType  string `json:"content_type,omitempty"`
	UID          string `json:"uid"`
	Title        string `json:"title,omitempty"`
	Locale       string `json:"locale,omitempty"`        // the locale published; for deletes the locale deleted ("" = the whole entry)
	SourceLocale string `json:"source_locale,omitempty"` // entries: the locale whose content is published
	Version      int    `json:"version,omitempty"`       // publish: the version published
	Environment  string `json:"environment,omitempty"`   // the environment's uid
}

// Key identifies what an item acts on, to drop duplicates.
func (it PublishItem) Key() string {
	return it.Type + "\x00" + it.UID + "\x00" + it.Locale + "\x00" + it.Environment
}

// JobActor is who asked for a job, for its audit item when it runs.
type JobActor struct {
	Kind      string `json:"kind"` // "user" or "management_token"
	UserUID   string `json:"user_uid,omitempty"`
	TokenUID  string `json:"token_uid,omitempty"`
	TokenName string `json:"token_name,omitempty"`
}

// UID is the uid recorded as the actor (created_by, published_by).
func (a JobActor) UID() string {
	if a.Kind == "management_token" {
		return a.TokenUID
	}
	return a.UserUID
}

// PublishPayload is the payload of a publishing job.
type PublishPayload struct {
	Action       string        `json:"action"`       // ActionPublish, ActionUnpublish or ActionDelete
	Type         string        `json:"type"`         // ItemEntry or ItemAsset for single publishes; "bulk"
	Master       string        `json:"master"`       // the stack's master locale (bulk deletes need it)
	Environments []string      `json:"environments"` // environment uids asked for
	Locales      []string      `json:"locales"`      // locales asked for
	Items        []PublishItem `json:"items"`
	Actor        JobActor      `json:"actor"`
	Scheduled    bool          `json:"scheduled,omitempty"` // asked for a later time (scheduled_at)
}

// PublishOutcome is what happened to one item.
type PublishOutcome struct {
	PublishItem
	Status string `json:"status"` // OutcomeSuccess or OutcomeFailed
	Error  string `json:"error,omitempty"`
}

// PublishSummary counts a job's outcomes.
type PublishSummary struct {
	Total   int `json:"total"`
	Success int `json:"success"`
	Failed  int `json:"failed"`
}

// PublishResult is the result of a finished publishing job.
type PublishResult struct {
	Status  string           `json:"status"` // OutcomeSuccess, OutcomeFailed or OutcomePartial
	Summary PublishSummary   `json:"summary"`
	Items   []PublishOutcome `json:"items"`
}

// NewPublishResult sums up outcomes: success when all succeeded (or there
// were none), failed when none did, partial otherwise.
func NewPublishResult(outcomes []PublishOutcome) PublishResult {
	r := PublishResult{Items: outcomes, Summary: PublishSummary{Total: len(outcomes)}}
	if r.Items == nil {
		r.Items = []PublishOutcome{}
	}
	for _, o := range outcomes {
		if o.Status == OutcomeSuccess {
			r.Summary.Success++
		} else {
			r.Summary.Failed++
		}
	}
	switch {
	case r.Summary.Failed == 0:
		r.Status = OutcomeSuccess
	case r.Summary.Success == 0:
		r.Status = OutcomeFailed
	default:
		r.Status = OutcomePartial
	}
	return r
}

// Publication is one published state: an entry (or asset) in a locale on
// an environment at a version.
type Publication struct {
	UID          string
	ContentType  string // entries
	Locale       string // the locale it is published in
	SourceLocale string // entries: the locale whose content it shows
	Environment  string // environment uid
	Version      int
	PublishedAt  time.Time
	PublishedBy  string
}

// PublishedEntry is an entry as an environment serves it: the published
// version's content and where it is published.
type PublishedEntry struct {
	Entry Entry
	Pub   Publication
}

// PublishedAsset is an asset as an environment serves it.
type PublishedAsset struct {
	Asset Asset
	Pub   Publication
}

// JobState is the status a publishing job shows in the publish queue and
// the bulk job status: "scheduled" (waiting for its time), "queued"
// (waiting for a worker), "in_progress", the outcome of a finished job
// (success, partial, failed), "failed" for a job that gave up, and
// "canceled" for one unscheduled before it ran.
func JobState(j Job, scheduled bool) string {
	switch j.Status {
	case JobQueued:
		if scheduled {
			return "scheduled"
		}
		return "queued"
	case JobRunning:
		return "in_progress"
	case JobDone:
		var r PublishResult
		if json.Unmarshal(j.Result, &r) == nil && r.Status != "" {
			return r.Status
		}
		return OutcomeSuccess
	case JobCanceled:
		return "canceled"
	}
	return OutcomeFailed
}
