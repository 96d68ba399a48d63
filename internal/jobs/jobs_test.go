package jobs_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/jobs"
	"github.com/stackd/stackd/internal/store"
	"github.com/stackd/stackd/internal/store/storetest"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func queue(t *testing.T, s *store.Store, n int, runAt time.Time) []string {
	t.Helper()
	var uids []string
	for i := 0; i < n; i++ {
		j := domain.Job{UID: domain.NewUID(), APIKey: "bltstack", Kind: "count", RunAt: runAt, CreatedAt: t0, UpdatedAt: t0}
		if err := s.EnqueueJob(context.Background(), j, nil); err != nil {
			t.Fatal(err)
		}
		uids = append(uids, j.UID)
	}
	return uids
}

// TestExactlyOnce runs two runners, each on its own connection pool to the
// same database, against the same queue: every job runs exactly once.
func TestExactlyOnce(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			s1, database, dir := e.Open(t)
			s2, err := store.Open(context.Background(), database, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			uids := queue(t, s1, 30, t0)
			var mu sync.Mutex
			runs := map[string]int{}
			handler := func(s *store.Store) jobs.Handler {
				return func(ctx context.Context, j domain.Job, worker string) error {
					return s.TxJob(ctx, j, worker, t0, nil, func(ctx context.Context, tx *store.Tx) (json.RawMessage, error) {
						mu.Lock()
						runs[j.UID]++
						mu.Unlock()
						return json.RawMessage(`{"ok":true}`), nil
					})
				}
			}
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			r1 := &jobs.Runner{Store: s1, Handlers: map[string]jobs.Handler{"count": handler(s1)}, Now: func() time.Time { return t0 }, Log: log, Lease: time.Minute, Worker: "w1"}
			r2 := &jobs.Runner{Store: s2, Handlers: map[string]jobs.Handler{"count": handler(s2)}, Now: func() time.Time { return t0 }, Log: log, Lease: time.Minute, Worker: "w2"}
			var wg sync.WaitGroup
			for _, r := range []*jobs.Runner{r1, r2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 3; i++ {
						if _, err := r.Tick(context.Background()); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			for _, uid := range uids {
				if runs[uid] != 1 {
					t.Errorf("job %s ran %d times", uid, runs[uid])
				}
				j, err := s1.Job(context.Background(), "bltstack", uid)
				if err != nil || j.Status != domain.JobDone || string(j.Result) != `{"ok":true}` {
					t.Errorf("job %s: %+v %v", uid, j, err)
				}
			}
		})
	}
}

// TestScheduleRetryAndLease: a job waits for its time; a failing handler is
// retried later and failed after MaxJobAttempts; a claim whose lease ran out
// is taken over, and the late worker's commit is refused.
func TestScheduleRetryAndLease(t *testing.T) {
	s, _, _ := storetest.OpenSQLite(t)
	now := t0
	clock := func() time.Time { return now }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	calls := 0
	r := &jobs.Runner{Store: s, Now: clock, Log: log, Lease: time.Minute, Worker: "w", Handlers: map[string]jobs.Handler{
		"count": func(ctx context.Context, j domain.Job, worker string) error { calls++; return errors.New("boom") },
	}}
	uid := queue(t, s, 1, t0.Add(time.Hour))[0]
	if n, _ := r.Tick(context.Background()); n != 0 {
		t.Fatal("a job ran before its time")
	}
	for i := 0; i < domain.MaxJobAttempts+2; i++ {
		now = now.Add(2 * time.Hour)
		r.Tick(context.Background())
	}
	j, _ := s.Job(context.Background(), "bltstack", uid)
	if j.Status != domain.JobFailed || calls != domain.MaxJobAttempts || j.Error != "boom" {
		t.Errorf("after repeated failures: status %s, %d calls, error %q", j.Status, calls, j.Error)
	}

	uid = queue(t, s, 1, now)[0]
	claimed, err := s.ClaimJobs(context.Background(), "slow", now, time.Minute, 10)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	now = now.Add(2 * time.Minute)
	taken, _ := s.ClaimJobs(context.Background(), "fast", now, time.Minute, 10)
	if len(taken) != 1 || taken[0].UID != uid {
		t.Fatalf("an expired lease was not taken over: %v", taken)
	}
	err = s.TxJob(context.Background(), claimed[0], "slow", now, nil, func(ctx context.Context, tx *store.Tx) (json.RawMessage, error) { return nil, nil })
	if !errors.Is(err, store.ErrClaimLost) {
		t.Errorf("the late worker committed: %v", err)
	}
	if err := s.TxJob(context.Background(), taken[0], "fast", now, nil, func(ctx context.Context, tx *store.Tx) (json.RawMessage, error) { return nil, nil }); err != nil {
		t.Errorf("the new claimant could not commit: %v", err)
	}
}

func TestCancel(t *testing.T) {
	s, _, _ := storetest.OpenSQLite(t)
	uid := queue(t, s, 1, t0.Add(time.Hour))[0]
	if _, err := s.CancelJob(context.Background(), "bltstack", uid, t0, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CancelJob(context.Background(), "bltstack", uid, t0, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("canceling twice: %v", err)
	}
	if claimed, _ := s.ClaimJobs(context.Background(), "w", t0.Add(2*time.Hour), time.Minute, 10); len(claimed) != 0 {
		t.Error("a canceled job was claimed")
	}
	if _, err := s.CancelJob(context.Background(), "otherstack", uid, t0, nil); !domain.IsKind(err, domain.KindInvalid) {
		t.Errorf("another stack canceled the job: %v", err)
	}
}
