package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// CreateSession records a successful API login (an authtoken); see StartSession.
func (s *Store) CreateSession(ctx context.Context, userUID, tokenHash string, now time.Time, max int) error {
	return s.StartSession(ctx, domain.Session{TokenHash: tokenHash, UserUID: userUID, Kind: domain.SessionAPI, CreatedAt: now}, max)
}

// StartSession records a successful sign-in of either kind: it clears the
// user's failed attempts, drops the user's expired console sessions,
// stores the new session and expires the oldest sessions beyond max (both
// kinds count together), in one transaction.
func (s *Store) StartSession(ctx context.Context, sess domain.Session, max int) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `UPDATE users SET failed_attempts = 0, locked_until = 0, last_fail_at = 0, last_fail_fp = '' WHERE uid = ?`, sess.UserUID); err != nil {
			return fmt.Errorf("store: reset failures %s: %w", sess.UserUID, err)
		}
		now := ms(sess.CreatedAt)
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_uid = ? AND ((idle_until > 0 AND idle_until <= ?) OR (expires_at > 0 AND expires_at <= ?))`,
			sess.UserUID, now, now); err != nil {
			return fmt.Errorf("store: drop expired sessions: %w", err)
		}
		if _, err := c.exec(ctx, `INSERT INTO sessions (token_hash, user_uid, created_at, kind, sso_org, idle_until, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			sess.TokenHash, sess.UserUID, now, sess.Kind, sess.SSOOrg, optMS(sess.IdleUntil), optMS(sess.ExpiresAt)); err != nil {
			return fmt.Errorf("store: insert session: %w", err)
		}
		return trimSessions(ctx, c, sess.UserUID, max)
	})
}

// optMS stores an optional time: the zero time as 0.
func optMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

// fromOptMS reads an optional time: 0 as the zero time.
func fromOptMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

// trimSessions deletes all but the newest max sessions of a user.
func trimSessions(ctx context.Context, c conn, userUID string, max int) error {
	rows, err := c.query(ctx, `SELECT token_hash FROM sessions WHERE user_uid = ? ORDER BY created_at DESC, token_hash`, userUID)
	if err != nil {
		return fmt.Errorf("store: list sessions: %w", err)
	}
	var old []string
	for i := 0; rows.Next(); i++ {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return fmt.Errorf("store: scan session: %w", err)
		}
		if i >= max {
			old = append(old, h)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: list sessions: %w", err)
	}
	for _, h := range old {
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, h); err != nil {
			return fmt.Errorf("store: expire session: %w", err)
		}
	}
	return nil
}

const sessionCols = `s.token_hash, s.user_uid, s.kind, s.sso_org, s.created_at, s.idle_until, s.expires_at`

// UserBySession returns the user owning the API session (authtoken) whose
// token hashes to tokenHash: one indexed lookup, no password hashing. A
// console session's secret is not an authtoken.
func (s *Store) UserBySession(ctx context.Context, tokenHash string) (domain.User, error) {
	u, _, err := s.SessionByHash(ctx, tokenHash, domain.SessionAPI)
	return u, err
}

// SessionByHash returns the session of the given kind whose secret hashes
// to tokenHash, and its user. An unknown session is a 401. Expiry is the
// caller's to check (domain.Session.Expired).
func (s *Store) SessionByHash(ctx context.Context, tokenHash, kind string) (domain.User, domain.Session, error) {
	var sess domain.Session
	var created, idle, expires int64
	var u domain.User
	row := s.read().row(ctx, `SELECT `+sessionCols+`, `+prefixed("u.", userCols)+` FROM sessions s JOIN users u ON u.uid = s.user_uid
		WHERE s.token_hash = ? AND s.kind = ?`, tokenHash, kind)
	u, err := scanUser(scanFunc(func(dest ...any) error {
		return row.Scan(append([]any{&sess.TokenHash, &sess.UserUID, &sess.Kind, &sess.SSOOrg, &created, &idle, &expires}, dest...)...)
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return u, sess, domain.ErrUnauthorized("authtoken")
	}
	if err != nil {
		return u, sess, fmt.Errorf("store: find session: %w", err)
	}
	sess.CreatedAt, sess.IdleUntil, sess.ExpiresAt = fromMS(created), fromOptMS(idle), fromOptMS(expires)
	return u, sess, nil
}

// scanFunc adapts a function to the scanner interface.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// TouchSession moves a console session's idle deadline to idleUntil.
func (s *Store) TouchSession(ctx context.Context, tokenHash string, idleUntil time.Time) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `UPDATE sessions SET idle_until = ? WHERE token_hash = ? AND idle_until > 0`, ms(idleUntil), tokenHash); err != nil {
			return fmt.Errorf("store: touch session: %w", err)
		}
		return nil
	})
}

// DeleteSession revokes one session.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
			return fmt.Errorf("store: delete session: %w", err)
		}
		return nil
	})
}

// DeleteUserSessions revokes every session of a user, authtokens and
// console sessions alike ("sign out everywhere"), and returns how many.
func (s *Store) DeleteUserSessions(ctx context.Context, userUID string) (int, error) {
	var n int64
	err := s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM sessions WHERE user_uid = ?`, userUID)
		if err != nil {
			return fmt.Errorf("store: delete sessions of %s: %w", userUID, err)
		}
		n, err = res.RowsAffected()
		return wrap(err, "count deleted sessions")
	})
	return int(n), err
}

// CountSessions returns how many sessions a user has, of both kinds.
func (s *Store) CountSessions(ctx context.Context, userUID string) (int, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM sessions WHERE user_uid = ?`, userUID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count sessions: %w", err)
	}
	return n, nil
}
