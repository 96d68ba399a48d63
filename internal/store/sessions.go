package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// CreateSession records a successful login: it clears the user's failed
// attempts, stores the new token's hash and expires the oldest sessions
// beyond max, in one transaction.
func (s *Store) CreateSession(ctx context.Context, userUID, tokenHash string, now time.Time, max int) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `UPDATE users SET failed_attempts = 0, locked_until = 0, last_fail_at = 0, last_fail_fp = '' WHERE uid = ?`, userUID); err != nil {
			return fmt.Errorf("store: reset failures %s: %w", userUID, err)
		}
		if _, err := c.exec(ctx, `INSERT INTO sessions (token_hash, user_uid, created_at) VALUES (?, ?, ?)`, tokenHash, userUID, ms(now)); err != nil {
			return fmt.Errorf("store: insert session: %w", err)
		}
		return trimSessions(ctx, c, userUID, max)
	})
}

// SettleLogin settles a login attempt in one transaction: it re-reads the
// user row under lock, lets decide change it (release the attempt's
// reservation, count a failure or clear the failures) and writes it back;
// when decide reports a success it also stores the session whose token
// hashes to tokenHash and expires the oldest sessions beyond max. It
// returns the user as written. An error from decide aborts everything.
func (s *Store) SettleLogin(ctx context.Context, uid, tokenHash string, now time.Time, max int,
	decide func(u *domain.User) (bool, error)) (domain.User, bool, error) {
	var out domain.User
	var ok bool
	err := s.tx(ctx, func(c conn) error {
		u, err := s.userWhere(ctx, c, `uid = ?`, uid)
		if err != nil {
			return err
		}
		if ok, err = decide(&u); err != nil {
			return err
		}
		if err := writeUser(ctx, c, u); err != nil {
			return err
		}
		out = u
		if !ok {
			return nil
		}
		if _, err := c.exec(ctx, `INSERT INTO sessions (token_hash, user_uid, created_at) VALUES (?, ?, ?)`, tokenHash, uid, ms(now)); err != nil {
			return fmt.Errorf("store: insert session: %w", err)
		}
		return trimSessions(ctx, c, uid, max)
	})
	if err != nil {
		return domain.User{}, false, err
	}
	return out, ok, nil
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

// UserBySession returns the user owning the session whose token hashes to
// tokenHash: one indexed lookup, no password hashing.
func (s *Store) UserBySession(ctx context.Context, tokenHash string) (domain.User, error) {
	u, err := scanUser(s.read().row(ctx, `SELECT `+prefixed("u.", userCols)+` FROM sessions s JOIN users u ON u.uid = s.user_uid WHERE s.token_hash = ?`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return u, domain.ErrUnauthorized("authtoken")
	}
	if err != nil {
		return u, fmt.Errorf("store: find session: %w", err)
	}
	return u, nil
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

// CountSessions returns how many valid sessions a user has.
func (s *Store) CountSessions(ctx context.Context, userUID string) (int, error) {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM sessions WHERE user_uid = ?`, userUID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count sessions: %w", err)
	}
	return n, nil
}
