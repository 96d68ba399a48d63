// Package jobs runs background work that must happen exactly once across
// every stackd instance on a database: scheduled publishing and bulk
// operations. Jobs are claimed in the database with a lease; a handler
// commits its effects and the job's completion in one transaction
// (store.TxJob), so a crash before the commit leaves the job to be claimed
// again, and a commit can happen only once.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/store"
)

// Handler does one job. worker names the claim the handler must pass to
// store.TxJob when it commits.
type Handler func(ctx context.Context, j domain.Job, worker string) error

// Runner claims due jobs and runs their handlers.
type Runner struct {
	Store    *store.Store
	Handlers map[string]Handler
	Now      func() time.Time
	Log      *slog.Logger
	Interval time.Duration // how often to look for due jobs
	Lease    time.Duration // how long a claim lasts before another worker may take over
	Worker   string        // this runner's name in claims
	// Housekeeping tasks (pruning logs past their retention) run at most
	// once per HousekeepEvery on each instance; they are idempotent, so
	// instances need not agree on who runs them.
	Housekeeping   []func(ctx context.Context, now time.Time) error
	HousekeepEvery time.Duration
	lastHousekeep  time.Time
	// Observe, when set, is told the outcome of every job this runner
	// ran: "done", "retry", "failed", "claim_lost" or "no_handler".
	// kind is the job's kind, one of a fixed set.
	Observe func(kind, outcome string)
}

// Job outcomes passed to Runner.Observe.
const (
	OutcomeDone      = "done"
	OutcomeRetry     = "retry"
	OutcomeFailed    = "failed"
	OutcomeClaimLost = "claim_lost"
	OutcomeNoHandler = "no_handler"
)

func (r *Runner) observe(kind, outcome string) {
	if r.Observe != nil {
		r.Observe(kind, outcome)
	}
}

// NewWorkerName returns a claim name unique to this process.
func NewWorkerName() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Run looks for due jobs every Interval until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.Interval)
	defer t.Stop()
	for {
		if _, err := r.Tick(ctx); err != nil && ctx.Err() == nil {
			r.Log.Warn("job runner", "err", err)
		}
		r.housekeep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// housekeep runs the housekeeping tasks when HousekeepEvery has passed.
func (r *Runner) housekeep(ctx context.Context) {
	now := r.Now()
	if r.HousekeepEvery <= 0 || now.Sub(r.lastHousekeep) < r.HousekeepEvery {
		return
	}
	r.lastHousekeep = now
	for _, task := range r.Housekeeping {
		if err := task(store.Background(ctx), now); err != nil && ctx.Err() == nil {
			r.Log.Warn("housekeeping", "err", err)
		}
	}
}

// Tick claims the jobs due now and runs them, one after another. It
// returns how many it ran.
func (r *Runner) Tick(ctx context.Context) (int, error) {
	now := r.Now()
	claimed, err := r.Store.ClaimJobs(ctx, r.Worker, now, r.Lease, 20)
	for _, j := range claimed {
		r.run(ctx, j)
	}
	return len(claimed), err
}

func (r *Runner) run(ctx context.Context, j domain.Job) {
	h, ok := r.Handlers[j.Kind]
	if !ok {
		_ = r.Store.FinishJob(ctx, j.UID, r.Worker, domain.JobFailed, nil, "no handler for job kind "+j.Kind, r.Now())
		r.observe(j.Kind, OutcomeNoHandler)
		return
	}
	err := h(ctx, j, r.Worker)
	switch {
	case err == nil:
		r.Log.Info("job done", "job", j.UID, "kind", j.Kind, "stack", j.APIKey)
		r.observe(j.Kind, OutcomeDone)
	case errors.Is(err, store.ErrClaimLost):
		r.Log.Warn("job claim lost to another worker", "job", j.UID)
		r.observe(j.Kind, OutcomeClaimLost)
	default:
		now := r.Now()
		r.Log.Warn("job failed; will retry", "job", j.UID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
		backoff := time.Duration(j.Attempts) * 10 * time.Second
		if rerr := r.Store.RetryJob(ctx, j, r.Worker, err.Error(), now.Add(backoff), now); rerr != nil {
			r.Log.Warn("job retry", "job", j.UID, "err", rerr)
		}
		r.observe(j.Kind, retryOutcome(j))
	}
}

// retryOutcome says what RetryJob made of a failed attempt: queued again,
// or failed for good once the job used its attempts.
func retryOutcome(j domain.Job) string {
	if j.Attempts >= domain.MaxJobAttempts {
		return OutcomeFailed
	}
	return OutcomeRetry
}
