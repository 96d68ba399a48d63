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

func errSSONotConfigured() *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeNotFound, "Single sign-on is not configured for this organization.").
		WithField("organization_uid", "has no single sign-on.")
}

// PutOrgSSO creates or replaces an organization's SSO configuration. An
// empty ClientSecret keeps the stored one (an update that does not repeat
// the write-only secret); a new configuration needs one.
func (s *Store) PutOrgSSO(ctx context.Context, cfg domain.OrgSSO) (domain.OrgSSO, error) {
	var out domain.OrgSSO
	err := s.tx(ctx, func(c conn) error {
		if err := orgMustExist(ctx, c, cfg.OrgUID); err != nil {
			return err
		}
		old, err := orgSSO(ctx, c, cfg.OrgUID)
		exists := err == nil
		if err != nil && !domain.IsKind(err, domain.KindInvalid) {
			return err
		}
		if len(cfg.ClientSecret) == 0 {
			if !exists {
				return domain.ErrInvalid("client_secret", "is required.")
			}
			cfg.ClientSecret = old.ClientSecret
		}
		if exists {
			cfg.CreatedAt = old.CreatedAt
		}
		out = cfg
		_, err = c.exec(ctx, `INSERT INTO org_sso (org_uid, issuer, client_id, client_secret, strict, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (org_uid) DO UPDATE SET issuer = excluded.issuer, client_id = excluded.client_id,
			client_secret = excluded.client_secret, strict = excluded.strict, updated_at = excluded.updated_at`,
			cfg.OrgUID, cfg.Issuer, cfg.ClientID, base64.StdEncoding.EncodeToString(cfg.ClientSecret), cfg.Strict, ms(cfg.CreatedAt), ms(cfg.UpdatedAt))
		return wrap(err, "put organization sso")
	})
	return out, err
}

// OrgSSO returns an organization's SSO configuration; none is a 422.
func (s *Store) OrgSSO(ctx context.Context, orgUID string) (domain.OrgSSO, error) {
	return orgSSO(ctx, s.read(), orgUID)
}

func orgSSO(ctx context.Context, c conn, orgUID string) (domain.OrgSSO, error) {
	var o domain.OrgSSO
	var secret string
	var created, updated int64
	err := c.row(ctx, `SELECT org_uid, issuer, client_id, client_secret, strict, created_at, updated_at FROM org_sso WHERE org_uid = ?`, orgUID).
		Scan(&o.OrgUID, &o.Issuer, &o.ClientID, &secret, &o.Strict, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errSSONotConfigured()
	}
	if err != nil {
		return o, fmt.Errorf("store: find organization sso: %w", err)
	}
	if o.ClientSecret, err = base64.StdEncoding.DecodeString(secret); err != nil {
		return o, fmt.Errorf("store: decode sso client secret of %s: %w", orgUID, err)
	}
	o.CreatedAt, o.UpdatedAt = fromMS(created), fromMS(updated)
	return o, nil
}

// DeleteOrgSSO removes an organization's SSO configuration (its linked
// identities stay, so turning SSO back on keeps the same users) and
// reports whether there was one.
func (s *Store) DeleteOrgSSO(ctx context.Context, orgUID string) (bool, error) {
	var n int64
	err := s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM org_sso WHERE org_uid = ?`, orgUID)
		if err != nil {
			return fmt.Errorf("store: delete organization sso: %w", err)
		}
		n, err = res.RowsAffected()
		return wrap(err, "count deleted sso")
	})
	return n > 0, err
}

// SSORequired reports whether a user may not sign in with a password: the
// user belongs to at least one organization, and every one of them has
// strict SSO and is not owned by the user.
func (s *Store) SSORequired(ctx context.Context, userUID string) (bool, error) {
	var orgs, strict int
	err := s.read().row(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN s.strict AND m.role <> 'owner' THEN 1 ELSE 0 END), 0)
		FROM org_members m LEFT JOIN org_sso s ON s.org_uid = m.org_uid WHERE m.user_uid = ?`, userUID).Scan(&orgs, &strict)
	if err != nil {
		return false, fmt.Errorf("store: sso required for %s: %w", userUID, err)
	}
	return orgs > 0 && strict == orgs, nil
}

// SSOIdentity is one identity of an organization's provider.
type SSOIdentity struct {
	OrgUID, Issuer, Subject string
}

// SSOUser returns the uid of the user linked to id; none is a 401.
func (s *Store) SSOUser(ctx context.Context, id SSOIdentity) (string, error) {
	var uid string
	err := s.read().row(ctx, `SELECT user_uid FROM sso_identities WHERE org_uid = ? AND issuer = ? AND subject = ?`,
		id.OrgUID, id.Issuer, id.Subject).Scan(&uid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.ErrUnauthorized("sso")
	}
	if err != nil {
		return "", fmt.Errorf("store: find sso identity: %w", err)
	}
	return uid, nil
}

// LinkSSOIdentity links id to an existing user who must already be a
// member of id's organization (checked in the same transaction).
func (s *Store) LinkSSOIdentity(ctx context.Context, id SSOIdentity, userUID string, now time.Time) error {
	return s.tx(ctx, func(c conn) error {
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM org_members WHERE org_uid = ? AND user_uid = ?`, id.OrgUID, userUID).Scan(&n); err != nil {
			return fmt.Errorf("store: check org membership: %w", err)
		}
		if n == 0 {
			return domain.ErrForbidden()
		}
		return insertIdentity(ctx, c, id, userUID, now)
	})
}

// ProvisionSSOUser creates u as a member of id's organization with role and
// links id to it, in one transaction (just-in-time provisioning). A taken
// email is a 422 on email.
func (s *Store) ProvisionSSOUser(ctx context.Context, u domain.User, id SSOIdentity, role domain.OrgRole) error {
	return s.tx(ctx, func(c conn) error {
		if err := orgMustExist(ctx, c, id.OrgUID); err != nil {
			return err
		}
		if err := insertUser(ctx, c, u); err != nil {
			return err
		}
		if err := addOrgMember(ctx, c, id.OrgUID, u.UID, role, u.CreatedAt); err != nil {
			return err
		}
		return insertIdentity(ctx, c, id, u.UID, u.CreatedAt)
	})
}

func insertIdentity(ctx context.Context, c conn, id SSOIdentity, userUID string, now time.Time) error {
	_, err := c.exec(ctx, `INSERT INTO sso_identities (org_uid, issuer, subject, user_uid, created_at) VALUES (?, ?, ?, ?, ?)`,
		id.OrgUID, id.Issuer, id.Subject, userUID, ms(now))
	if c.d.isUnique(err) {
		return domain.ErrInvalid("sso", "this identity is linked to another user already.")
	}
	return wrap(err, "link sso identity")
}
