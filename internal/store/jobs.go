package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

func init() { registerStackTables("jobs") }

const jobCols = `uid, api_key, kind, payload, status, run_at, claimed_by, claim_until, attempts, result, error, created_by, created_at, updated_at`

func scanJob(sc scanner) (domain.Job, error) {
	var j domain.Job
	var payload, result string
	var runAt, claimUntil, created, updated int64
	err := sc.Scan(&j.UID, &j.APIKey, &j.Kind, &payload, &j.Status, &runAt, &j.ClaimedBy, &claimUntil, &j.Attempts,
		&result, &j.Error, &j.CreatedBy, &created, &updated)
	j.Payload, j.Result = json.RawMessage(payload), json.RawMessage(result)
	j.RunAt, j.ClaimUntil, j.CreatedAt, j.UpdatedAt = fromMS(runAt), fromMS(claimUntil), fromMS(created), fromMS(updated)
	return j, err
}

// insertJob queues a job inside the caller's transaction.
func insertJob(ctx context.Context, c conn, j domain.Job) error {
	if j.Status == "" {
		j.Status = domain.JobQueued
	}
	_, err := c.exec(ctx, `INSERT INTO jobs (`+jobCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		j.UID, j.APIKey, j.Kind, rawOr(j.Payload, "{}"), j.Status, ms(j.RunAt), j.ClaimedBy, ms(j.ClaimUntil), j.Attempts,
		rawOr(j.Result, "{}"), j.Error, j.CreatedBy, ms(j.CreatedAt), ms(j.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert job: %w", err)
	}
	return nil
}

// EnqueueJob queues a job (and its audit item) in one transaction.
func (s *Store) EnqueueJob(ctx context.Context, j domain.Job, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error { return insertJob(ctx, c, j) })
}

// Job returns one job of a stack.
func (s *Store) Job(ctx context.Context, apiKey, uid string) (domain.Job, error) {
	j, err := scanJob(s.read().row(ctx, `SELECT `+jobCols+` FROM jobs WHERE api_key = ? AND uid = ?`, apiKey, uid))
	if errors.Is(err, sql.ErrNoRows) {
		return j, domain.ErrNotFound("job", "job_id")
	}
	if err != nil {
		return j, fmt.Errorf("store: find job: %w", err)
	}
	return j, nil
}

// JobFilter selects jobs of a stack, newest first.
type JobFilter struct {
	APIKey string
	Kinds  []string
	Since  time.Time
	Skip   int
	Limit  int
}

// Jobs returns one page of a stack's jobs and the total count.
func (s *Store) Jobs(ctx context.Context, f JobFilter) ([]domain.Job, int, error) {
	where := `api_key = ? AND created_at >= ?`
	args := []any{f.APIKey, ms(f.Since)}
	if len(f.Kinds) > 0 {
		where += ` AND kind IN (` + placeholders(len(f.Kinds)) + `)`
		for _, k := range f.Kinds {
			args = append(args, k)
		}
	}
	c := s.read()
	var total int
	if err := c.row(ctx, `SELECT COUNT(*) FROM jobs WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count jobs: %w", err)
	}
	out, err := queryList(ctx, c, "jobs", scanJob, `SELECT `+jobCols+` FROM jobs WHERE `+where+` ORDER BY created_at DESC, uid DESC LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Skip)...)
	return out, total, err
}

// ClaimJobs claims up to limit jobs that are due at now (queued with run_at
// passed, or running with an expired lease) for worker until now+lease.
// Each claim is a conditional update, so two instances never claim one job.
func (s *Store) ClaimJobs(ctx context.Context, worker string, now time.Time, lease time.Duration, limit int) ([]domain.Job, error) {
	rows, err := s.read().query(ctx, `SELECT uid FROM jobs WHERE (status = ? AND run_at <= ?) OR (status = ? AND claim_until < ?)
		ORDER BY run_at, uid LIMIT ?`, domain.JobQueued, ms(now), domain.JobRunning, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: find due jobs: %w", err)
	}
	var uids []string
	for rows.Next() {
		var uid string
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: scan due job: %w", err)
		}
		uids = append(uids, uid)
	}
	rows.Close()
	var out []domain.Job
	for _, uid := range uids {
		j, ok, err := s.claim(ctx, uid, worker, now, lease)
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, j)
		}
	}
	return out, nil
}

func (s *Store) claim(ctx context.Context, uid, worker string, now time.Time, lease time.Duration) (domain.Job, bool, error) {
	var j domain.Job
	claimed := false
	err := s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `UPDATE jobs SET status = ?, claimed_by = ?, claim_until = ?, attempts = attempts + 1, updated_at = ?
			WHERE uid = ? AND ((status = ? AND run_at <= ?) OR (status = ? AND claim_until < ?))`,
			domain.JobRunning, worker, ms(now.Add(lease)), ms(now), uid, domain.JobQueued, ms(now), domain.JobRunning, ms(now))
		if err != nil {
			return fmt.Errorf("store: claim job: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // another worker was first
		}
		claimed = true
		j, err = scanJob(c.row(ctx, `SELECT `+jobCols+` FROM jobs WHERE uid = ?`, uid))
		return err
	})
	return j, claimed, err
}

// ErrClaimLost reports that a job's lease passed to another worker.
var ErrClaimLost = errors.New("store: job claim lost")

// finishJob records a job's outcome inside the transaction that made its
// effects, provided worker still holds the claim; otherwise the whole
// transaction rolls back with ErrClaimLost.
func finishJob(ctx context.Context, c conn, uid, worker, status string, result json.RawMessage, errText string, now time.Time) error {
	res, err := c.exec(ctx, `UPDATE jobs SET status = ?, result = ?, error = ?, claimed_by = '', claim_until = 0, updated_at = ?
		WHERE uid = ? AND claimed_by = ? AND status = ?`, status, rawOr(result, "{}"), errText, ms(now), uid, worker, domain.JobRunning)
	if err != nil {
		return fmt.Errorf("store: finish job: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrClaimLost
	}
	return nil
}

// FinishJob records the outcome of a job whose work happened elsewhere.
func (s *Store) FinishJob(ctx context.Context, uid, worker, status string, result json.RawMessage, errText string, now time.Time) error {
	return s.tx(ctx, func(c conn) error { return finishJob(ctx, c, uid, worker, status, result, errText, now) })
}

// RetryJob puts a claimed job back in the queue to run at runAt, or fails
// it once it has used its attempts.
func (s *Store) RetryJob(ctx context.Context, j domain.Job, worker, errText string, runAt, now time.Time) error {
	return s.tx(ctx, func(c conn) error {
		status := domain.JobQueued
		if j.Attempts >= domain.MaxJobAttempts {
			status = domain.JobFailed
		}
		res, err := c.exec(ctx, `UPDATE jobs SET status = ?, run_at = ?, error = ?, claimed_by = '', claim_until = 0, updated_at = ?
			WHERE uid = ? AND claimed_by = ? AND status = ?`, status, ms(runAt), errText, ms(now), j.UID, worker, domain.JobRunning)
		if err != nil {
			return fmt.Errorf("store: retry job: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrClaimLost
		}
		return nil
	})
}

// CancelJob cancels a queued job of a stack; a job already running or
// finished cannot be canceled (422).
func (s *Store) CancelJob(ctx context.Context, apiKey, uid string, now time.Time, a *domain.AuditEntry) (domain.Job, error) {
	var out domain.Job
	err := s.txAudit(ctx, a, func(c conn) error {
		j, err := scanJob(c.row(ctx, `SELECT `+jobCols+` FROM jobs WHERE api_key = ? AND uid = ?`+c.lock(), apiKey, uid))
		if errors.Is(err, sql.ErrNoRows) {
			return domain.ErrNotFound("publish queue item", "uid")
		}
		if err != nil {
			return fmt.Errorf("store: find job: %w", err)
		}
		if j.Status != domain.JobQueued {
			return domain.ErrInvalid("uid", fmt.Sprintf("is %s and can no longer be unscheduled.", j.Status))
		}
		if _, err := c.exec(ctx, `UPDATE jobs SET status = ?, updated_at = ? WHERE uid = ?`, domain.JobCanceled, ms(now), uid); err != nil {
			return fmt.Errorf("store: cancel job: %w", err)
		}
		j.Status, j.UpdatedAt = domain.JobCanceled, now
		out = j
		return nil
	})
	return out, err
}

// TxJob runs fn in a write transaction (with its audit item) and, when fn
// succeeds, records the job's outcome in that same transaction: a job's
// effects and its completion commit together. fn returns the result to
// store. Callers outside this package use it through the job runner.
func (s *Store) TxJob(ctx context.Context, j domain.Job, worker string, now time.Time, a *domain.AuditEntry, fn func(ctx context.Context, tx *Tx) (json.RawMessage, error)) error {
	return s.txAudit(ctx, a, func(c conn) error {
		result, err := fn(ctx, &Tx{c: c})
		if err != nil {
			return err
		}
		return finishJob(ctx, c, j.UID, worker, domain.JobDone, result, "", now)
	})
}

// Tx is an open write transaction handed to job code, so that store
// methods written for jobs can join it.
type Tx struct{ c conn }

// JobQueue counts the unfinished jobs of every stack: queued and due,
// queued for later (scheduled publishing), and claimed by a worker.
type JobQueue struct {
	Due, Scheduled, Running int
}

// JobQueue counts the unfinished jobs at now, for metrics: one statement
// served by the (status, run_at) index.
func (s *Store) JobQueue(ctx context.Context, now time.Time) (JobQueue, error) {
	var q JobQueue
	err := s.read().row(ctx, `SELECT
		COALESCE(SUM(CASE WHEN status = ? AND run_at <= ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = ? AND run_at > ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = ? THEN 1 ELSE 0 END), 0)
		FROM jobs WHERE status IN (?, ?)`,
		domain.JobQueued, ms(now), domain.JobQueued, ms(now), domain.JobRunning, domain.JobQueued, domain.JobRunning).
		Scan(&q.Due, &q.Scheduled, &q.Running)
	if err != nil {
		return q, fmt.Errorf("store: count job queue: %w", err)
	}
	return q, nil
}
