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

const userCols = `uid, email, username, first_name, last_name, password_hash, tfa_enabled, tfa_secret,
	failed_attempts, locked_until, last_fail_at, last_fail_fp, login_pending, login_pending_until, tfa_last_step,
	created_at, updated_at`

func scanUser(sc scanner) (domain.User, error) {
	var u domain.User
	var secret string
	var created, updated int64
	err := sc.Scan(&u.UID, &u.Email, &u.Username, &u.FirstName, &u.LastName, &u.PasswordHash, &u.TFAEnabled, &secret,
		&u.Failed, &u.LockedUntil, &u.LastFailAt, &u.LastFailFP, &u.LoginPending, &u.LoginPendingUntil, &u.TFALastStep,
		&created, &updated)
	if err != nil {
		return u, err
	}
	if secret != "" {
		if u.TFASecret, err = base64.StdEncoding.DecodeString(secret); err != nil {
			return u, fmt.Errorf("decode tfa secret: %w", err)
		}
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return u, nil
}

func errUserNotFound() *domain.Error { return domain.ErrNotFound("user", "user") }

// User returns the user with uid.
func (s *Store) User(ctx context.Context, uid string) (domain.User, error) {
	return s.userWhere(ctx, s.read(), `uid = ?`, uid)
}

// UserByEmail returns the user with email (already normalized).
func (s *Store) UserByEmail(ctx context.Context, email string) (domain.User, error) {
	return s.userWhere(ctx, s.read(), `email = ?`, email)
}

// userWhere finds one user. Inside a write transaction it locks the row
// (c.lock), so a read-modify-write cannot lose a concurrent update.
func (s *Store) userWhere(ctx context.Context, c conn, where string, arg any) (domain.User, error) {
	u, err := scanUser(c.row(ctx, `SELECT `+userCols+` FROM users WHERE `+where+c.lock(), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, errUserNotFound()
	}
	if err != nil {
		return u, fmt.Errorf("store: find user: %w", err)
	}
	return u, nil
}

// CreateUser adds u and makes it a member of org with role. A taken email
// is a 422 naming the field.
func (s *Store) CreateUser(ctx context.Context, u domain.User, orgUID string, role domain.OrgRole) error {
	return s.tx(ctx, func(c conn) error {
		if err := orgMustExist(ctx, c, orgUID); err != nil {
			return err
		}
		if err := insertUser(ctx, c, u); err != nil {
			return err
		}
		return addOrgMember(ctx, c, orgUID, u.UID, role, u.CreatedAt)
	})
}

func insertUser(ctx context.Context, c conn, u domain.User) error {
	_, err := c.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (`+placeholders(17)+`)`,
		u.UID, u.Email, u.Username, u.FirstName, u.LastName, u.PasswordHash, u.TFAEnabled, encodeSecret(u.TFASecret),
		u.Failed, u.LockedUntil, u.LastFailAt, u.LastFailFP, u.LoginPending, u.LoginPendingUntil, u.TFALastStep,
		ms(u.CreatedAt), ms(u.UpdatedAt))
	if c.d.isUnique(err) {
		return domain.ErrInvalid("email", "is already taken.")
	}
	if err != nil {
		return fmt.Errorf("store: insert user %s: %w", u.Email, err)
	}
	return nil
}

func encodeSecret(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

// UpdateUser reads the user with uid, lets fn change it and writes it back,
// all in one transaction. fn may return an error to abort.
func (s *Store) UpdateUser(ctx context.Context, uid string, fn func(u *domain.User) error) (domain.User, error) {
	var out domain.User
	err := s.tx(ctx, func(c conn) error {
		u, err := s.userWhere(ctx, c, `uid = ?`, uid)
		if err != nil {
			return err
		}
		if err := fn(&u); err != nil {
			return err
		}
		out = u
		return writeUser(ctx, c, u)
	})
	return out, err
}

func writeUser(ctx context.Context, c conn, u domain.User) error {
	_, err := c.exec(ctx, `UPDATE users SET username = ?, first_name = ?, last_name = ?, password_hash = ?,
		tfa_enabled = ?, tfa_secret = ?, failed_attempts = ?, locked_until = ?, last_fail_at = ?, last_fail_fp = ?,
		login_pending = ?, login_pending_until = ?, tfa_last_step = ?, updated_at = ? WHERE uid = ?`,
		u.Username, u.FirstName, u.LastName, u.PasswordHash, u.TFAEnabled, encodeSecret(u.TFASecret),
		u.Failed, u.LockedUntil, u.LastFailAt, u.LastFailFP, u.LoginPending, u.LoginPendingUntil, u.TFALastStep,
		ms(u.UpdatedAt), u.UID)
	if err != nil {
		return fmt.Errorf("store: update user %s: %w", u.UID, err)
	}
	return nil
}

// ChangePassword sets a new password hash and revokes every session of the
// user except the one whose hash is keep.
func (s *Store) ChangePassword(ctx context.Context, uid, hash, keep string, now time.Time) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE uid = ?`, hash, ms(now), uid); err != nil {
			return fmt.Errorf("store: change password %s: %w", uid, err)
		}
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_uid = ? AND token_hash <> ?`, uid, keep); err != nil {
			return fmt.Errorf("store: revoke sessions %s: %w", uid, err)
		}
		return nil
	})
}
