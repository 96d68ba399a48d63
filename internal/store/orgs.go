package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

const orgCols = `uid, name, owner_uid, created_at, updated_at`

func scanOrg(sc scanner) (domain.Organization, error) {
	var o domain.Organization
	var created, updated int64
	err := sc.Scan(&o.UID, &o.Name, &o.OwnerUID, &created, &updated)
	o.CreatedAt, o.UpdatedAt = fromMS(created), fromMS(updated)
	return o, err
}

func errOrgNotFound() *domain.Error { return domain.ErrNotFound("organization", "organization_uid") }

// Bootstrap creates the first organization and its owner, once per
// database: a row in meta guards it, so several instances starting together
// create exactly one. It reports whether it created them.
func (s *Store) Bootstrap(ctx context.Context, org domain.Organization, owner domain.User) (bool, error) {
	created := false
	err := s.tx(ctx, func(c conn) error {
		created = false
		res, err := c.exec(ctx, `INSERT INTO meta (name, value) VALUES ('bootstrap', ?) ON CONFLICT DO NOTHING`, org.UID)
		if err != nil {
			return fmt.Errorf("store: bootstrap guard: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // bootstrapped already
		}
		if err := insertUser(ctx, c, owner); err != nil {
			return err
		}
		if err := insertOrg(ctx, c, org); err != nil {
			return err
		}
		created = true
		return nil
	})
	return created, err
}

// CreateOrg adds an organization owned by an existing user.
func (s *Store) CreateOrg(ctx context.Context, org domain.Organization) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := s.userWhere(ctx, c, `uid = ?`, org.OwnerUID); err != nil {
			return err
		}
		return insertOrg(ctx, c, org)
	})
}

func insertOrg(ctx context.Context, c conn, org domain.Organization) error {
	_, err := c.exec(ctx, `INSERT INTO organizations (`+orgCols+`) VALUES (?, ?, ?, ?, ?)`,
		org.UID, org.Name, org.OwnerUID, ms(org.CreatedAt), ms(org.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert organization: %w", err)
	}
	return addOrgMember(ctx, c, org.UID, org.OwnerUID, domain.OrgOwner, org.CreatedAt)
}

func addOrgMember(ctx context.Context, c conn, orgUID, userUID string, role domain.OrgRole, now time.Time) error {
	_, err := c.exec(ctx, `INSERT INTO org_members (org_uid, user_uid, role, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, orgUID, userUID, string(role), ms(now))
	if err != nil {
		return fmt.Errorf("store: add org member: %w", err)
	}
	return nil
}

func orgMustExist(ctx context.Context, c conn, uid string) error {
	var n int
	if err := c.row(ctx, `SELECT COUNT(*) FROM organizations WHERE uid = ?`, uid).Scan(&n); err != nil {
		return fmt.Errorf("store: find organization: %w", err)
	}
	if n == 0 {
		return errOrgNotFound()
	}
	return nil
}

// FirstOrg returns the oldest organization.
func (s *Store) FirstOrg(ctx context.Context) (domain.Organization, error) {
	o, err := scanOrg(s.read().row(ctx, `SELECT `+orgCols+` FROM organizations ORDER BY created_at, uid LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errOrgNotFound()
	}
	if err != nil {
		return o, fmt.Errorf("store: first organization: %w", err)
	}
	return o, nil
}

// UserOrgs returns the organizations userUID belongs to, with their role.
func (s *Store) UserOrgs(ctx context.Context, userUID string) ([]domain.Membership, error) {
	rows, err := s.read().query(ctx, `SELECT `+prefixed("o.", orgCols)+`, m.role FROM org_members m
		JOIN organizations o ON o.uid = m.org_uid WHERE m.user_uid = ? ORDER BY o.created_at, o.uid`, userUID)
	if err != nil {
		return nil, fmt.Errorf("store: user organizations: %w", err)
	}
	defer rows.Close()
	var out []domain.Membership
	for rows.Next() {
		var m domain.Membership
		var created, updated int64
		var role string
		if err := rows.Scan(&m.Org.UID, &m.Org.Name, &m.Org.OwnerUID, &created, &updated, &role); err != nil {
			return nil, fmt.Errorf("store: scan organization: %w", err)
		}
		m.Org.CreatedAt, m.Org.UpdatedAt, m.Role = fromMS(created), fromMS(updated), domain.OrgRole(role)
		out = append(out, m)
	}
	return out, rows.Err()
}

// UserOrg returns one organization of the user; an organization the user
// does not belong to is reported as not found, so outsiders learn nothing.
func (s *Store) UserOrg(ctx context.Context, userUID, orgUID string) (domain.Membership, error) {
	all, err := s.UserOrgs(ctx, userUID)
	if err != nil {
		return domain.Membership{}, err
	}
	for _, m := range all {
		if m.Org.UID == orgUID {
			return m, nil
		}
	}
	return domain.Membership{}, errOrgNotFound()
}
