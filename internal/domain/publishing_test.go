package domain

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewPublishResult(t *testing.T) {
	ok := PublishOutcome{Status: OutcomeSuccess}
	bad := PublishOutcome{Status: OutcomeFailed, Error: "gone"}
	for _, c := range []struct {
		name     string
		outcomes []PublishOutcome
		status   string
		summary  PublishSummary
	}{
		{"none", nil, OutcomeSuccess, PublishSummary{}},
		{"all succeed", []PublishOutcome{ok, ok}, OutcomeSuccess, PublishSummary{Total: 2, Success: 2}},
		{"all fail", []PublishOutcome{bad}, OutcomeFailed, PublishSummary{Total: 1, Failed: 1}},
		{"some fail", []PublishOutcome{ok, bad, ok}, OutcomePartial, PublishSummary{Total: 3, Success: 2, Failed: 1}},
	} {
		r := NewPublishResult(c.outcomes)
		if r.Status != c.status || !cmp.Equal(r.Summary, c.summary) || r.Items == nil {
			t.Errorf("%s: %+v", c.name, r)
		}
	}
}

func TestJobState(t *testing.T) {
	partial, _ := json.Marshal(PublishResult{Status: OutcomePartial})
	for _, c := range []struct {
		job       Job
		scheduled bool
		want      string
	}{
		{Job{Status: JobQueued}, true, "scheduled"},
		{Job{Status: JobQueued}, false, "queued"},
		{Job{Status: JobRunning}, true, "in_progress"},
		{Job{Status: JobDone, Result: partial}, false, OutcomePartial},
		{Job{Status: JobDone, Result: json.RawMessage(`{}`)}, false, OutcomeSuccess},
		{Job{Status: JobFailed}, false, OutcomeFailed},
		{Job{Status: JobCanceled}, true, "canceled"},
	} {
		if got := JobState(c.job, c.scheduled); got != c.want {
			t.Errorf("JobState(%s, %v) = %s, want %s", c.job.Status, c.scheduled, got, c.want)
		}
	}
}

func TestPublishItemKey(t *testing.T) {
	a := PublishItem{Type: ItemEntry, UID: "blt1", Locale: "en-us", Environment: "env"}
	b := a
	b.Version = 3
	if a.Key() != b.Key() {
		t.Error("the same entry, locale and environment must have one key whatever the version")
	}
	b.Environment = "other"
	if a.Key() == b.Key() {
		t.Error("another environment must have another key")
	}
}
