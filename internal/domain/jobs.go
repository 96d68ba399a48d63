package domain

import (
	"encoding/json"
	"time"
)

// Job statuses.
const (
	JobQueued   = "queued"   // waiting for its run_at
	JobRunning  = "running"  // claimed by a worker
	JobDone     = "done"     // finished (its result may still report failed items)
	JobFailed   = "failed"   // gave up
	JobCanceled = "canceled" // unscheduled before it ran
)

// Job is background work: a scheduled publish, a bulk operation. A worker
// claims it in the database for a lease; its effects and its completion
// commit in one transaction, so it takes effect exactly once even with
// several instances and crashes.
type Job struct {
	UID        string
	APIKey     string
	Kind       string
	Payload    json.RawMessage
	Status     string
	RunAt      time.Time
	ClaimedBy  string
	ClaimUntil time.Time
	Attempts   int
	Result     json.RawMessage
	Error      string
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// MaxJobAttempts is how many times a job is tried before it is failed.
const MaxJobAttempts = 5
