package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/jobs"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

// TestQueueDepthAndOutcomes: the store counts due, scheduled and running
// jobs across stacks, and the runner reports each job's outcome (done, a
// retry, a final failure, a job kind without handler) to its observer.
func TestQueueDepthAndOutcomes(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s, _, _ := e.Open(t)
			ctx := context.Background()
			queue(t, s, 2, t0)                                                           // due now
			queue(t, s, 3, t0.Add(time.Hour))                                            // scheduled
			if _, err := s.ClaimJobs(ctx, "elsewhere", t0, time.Minute, 1); err != nil { // one due job running
				t.Fatal(err)
			}
			got, err := s.JobQueue(ctx, t0)
			if diff := cmp.Diff(store.JobQueue{Due: 1, Scheduled: 3, Running: 1}, got); err != nil || diff != "" {
				t.Fatalf("JobQueue (-want +got):\n%s %v", diff, err)
			}

			var outcomes []string
			fail := true
			r := &jobs.Runner{Store: s, Now: func() time.Time { return t0 }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
				Lease: time.Minute, Worker: "w", Observe: func(kind, outcome string) { outcomes = append(outcomes, kind+":"+outcome) },
				Handlers: map[string]jobs.Handler{"count": func(ctx context.Context, j domain.Job, worker string) error {
					if fail {
						return errors.New("boom")
					}
					return s.TxJob(ctx, j, worker, t0, nil, func(context.Context, *store.Tx) (json.RawMessage, error) { return nil, nil })
				}}}
			r.Tick(ctx) // the due job fails once: retried later
			fail = false
			orphan := domain.Job{UID: domain.NewUID(), APIKey: "bltstack", Kind: "unknown_kind", RunAt: t0, CreatedAt: t0, UpdatedAt: t0}
			if err := s.EnqueueJob(ctx, orphan, nil); err != nil {
				t.Fatal(err)
			}
			r.Tick(ctx) // no handler for the orphan
			r.Now = func() time.Time { return t0.Add(2 * time.Hour) }
			r.Tick(ctx) // everything due by then succeeds
			// Then five are done: the retried job, the three scheduled ones
			// and the one whose "elsewhere" claim expired.
			want := []string{"count:retry", "unknown_kind:no_handler", "count:done", "count:done", "count:done", "count:done", "count:done"}
			if diff := cmp.Diff(want, outcomes); diff != "" {
				t.Errorf("outcomes (-want +got):\n%s", diff)
			}
			if got, _ := s.JobQueue(ctx, t0.Add(2*time.Hour)); got != (store.JobQueue{}) {
				t.Errorf("JobQueue after the runs = %+v; want empty", got)
			}
		})
	}
}
