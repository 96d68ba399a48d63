package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// SetPendingTFA stores a sealed TOTP seed being enrolled, replacing any
// earlier one; two-factor login stays as it was until ConfirmTFA.
func (s *Store) SetPendingTFA(ctx context.Context, userUID string, sealed []byte, now time.Time) error {
	return s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `UPDATE users SET tfa_pending = ?, updated_at = ? WHERE uid = ?`, encodeSecret(sealed), ms(now), userUID)
		return mustAffect(res, err, errUserNotFound(), "set pending totp")
	})
}

// PendingTFA returns the sealed seed being enrolled; none is a 422.
func (s *Store) PendingTFA(ctx context.Context, userUID string) ([]byte, error) {
	var v string
	err := s.read().row(ctx, `SELECT tfa_pending FROM users WHERE uid = ?`, userUID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errUserNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("store: pending totp: %w", err)
	}
	if v == "" {
		return nil, domain.ErrInvalid("tfa_token", "no two-factor enrolment is pending; start one first.")
	}
	return base64.StdEncoding.DecodeString(v)
}

// ConfirmTFA turns the pending seed into the login seed, provided it is
// still the one whose code was checked (a concurrent restart of the
// enrolment makes this a 422).
func (s *Store) ConfirmTFA(ctx context.Context, userUID string, checked []byte, now time.Time) error {
	return s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `UPDATE users SET tfa_enabled = TRUE, tfa_secret = tfa_pending, tfa_pending = '', updated_at = ?
			WHERE uid = ? AND tfa_pending = ? AND tfa_pending <> ''`, ms(now), userUID, encodeSecret(checked))
		return mustAffect(res, err, domain.ErrInvalid("tfa_token", "the enrolment changed meanwhile; start again."), "confirm totp")
	})
}

// DisableTFA turns two-factor login off and forgets the seeds.
func (s *Store) DisableTFA(ctx context.Context, userUID string, now time.Time) error {
	return s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `UPDATE users SET tfa_enabled = FALSE, tfa_secret = '', tfa_pending = '', updated_at = ? WHERE uid = ?`, ms(now), userUID)
		return mustAffect(res, err, errUserNotFound(), "disable totp")
	})
}

// mustAffect turns an UPDATE that changed no row into none.
func mustAffect(res sql.Result, err error, none error, what string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if n == 0 {
		return none
	}
	return nil
}
