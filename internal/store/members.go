package store

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// StackUsers lists the members of a stack with their role uids.
func (s *Store) StackUsers(ctx context.Context, apiKey string) ([]domain.StackUser, error) {
	st, err := s.Stack(ctx, apiKey)
	if err != nil {
		return nil, err
	}
	c := s.read()
	rows, err := c.query(ctx, `SELECT `+prefixed("u.", userCols)+` FROM stack_members m JOIN users u ON u.uid = m.user_uid
		WHERE m.api_key = ? ORDER BY m.created_at, u.uid`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: stack users: %w", err)
	}
	var out []domain.StackUser
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: scan stack user: %w", err)
		}
		out = append(out, domain.StackUser{User: u, IsOwner: u.UID == st.OwnerUID})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: stack users: %w", err)
	}
	roles, err := memberRoles(ctx, c, apiKey)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].RoleUIDs = roles[out[i].User.UID]
	}
	return out, nil
}

func memberRoles(ctx context.Context, c conn, apiKey string) (map[string][]string, error) {
	rows, err := c.query(ctx, `SELECT user_uid, role_uid FROM member_roles WHERE api_key = ? ORDER BY user_uid, role_uid`, apiKey)
	if err != nil {
		return nil, fmt.Errorf("store: member roles: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var u, r string
		if err := rows.Scan(&u, &r); err != nil {
			return nil, fmt.Errorf("store: scan member role: %w", err)
		}
		out[u] = append(out[u], r)
	}
	return out, rows.Err()
}

// Grants maps user uids to role uids.
type Grants map[string][]string

// checkRoles verifies that every role uid in g belongs to the stack.
func checkRoles(ctx context.Context, c conn, apiKey string, g Grants) error {
	for _, roles := range g {
		for _, r := range roles {
			var n int
			if err := c.row(ctx, `SELECT COUNT(*) FROM roles WHERE uid = ? AND api_key = ?`, r, apiKey).Scan(&n); err != nil {
				return fmt.Errorf("store: check role: %w", err)
			}
			if n == 0 {
				return domain.ErrInvalid("roles", fmt.Sprintf("contains an unknown role uid %q.", r))
			}
		}
	}
	return nil
}

// Share makes each user in g a member of the stack (if not already) and
// gives them the listed roles in addition to any they hold.
func (s *Store) Share(ctx context.Context, apiKey string, g Grants, now time.Time, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := checkRoles(ctx, c, apiKey, g); err != nil {
			return err
		}
		for _, user := range sortedKeys(g) {
			if err := addStackMember(ctx, c, apiKey, user, now); err != nil {
				return err
			}
			if err := addRoles(ctx, c, apiKey, user, g[user]); err != nil {
				return err
			}
		}
		return nil
	})
}

func addRoles(ctx context.Context, c conn, apiKey, user string, roles []string) error {
	for _, r := range roles {
		_, err := c.exec(ctx, `INSERT INTO member_roles (api_key, user_uid, role_uid) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			apiKey, user, r)
		if err != nil {
			return fmt.Errorf("store: grant role: %w", err)
		}
	}
	return nil
}

// SetRoles replaces the roles of each member in g. Every user must already
// be a member.
func (s *Store) SetRoles(ctx context.Context, apiKey string, g Grants, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := checkRoles(ctx, c, apiKey, g); err != nil {
			return err
		}
		for _, user := range sortedKeys(g) {
			if err := mustBeMember(ctx, c, apiKey, user); err != nil {
				return err
			}
			if _, err := c.exec(ctx, `DELETE FROM member_roles WHERE api_key = ? AND user_uid = ?`, apiKey, user); err != nil {
				return fmt.Errorf("store: clear roles: %w", err)
			}
			if err := addRoles(ctx, c, apiKey, user, g[user]); err != nil {
				return err
			}
		}
		return nil
	})
}

func mustBeMember(ctx context.Context, c conn, apiKey, user string) error {
	var n int
	if err := c.row(ctx, `SELECT COUNT(*) FROM stack_members WHERE api_key = ? AND user_uid = ?`, apiKey, user).Scan(&n); err != nil {
		return fmt.Errorf("store: check member: %w", err)
	}
	if n == 0 {
		return domain.ErrInvalid("users", fmt.Sprintf("%s is not a member of this stack.", user))
	}
	return nil
}

// Unshare removes a member and their roles. The owner cannot be removed.
func (s *Store) Unshare(ctx context.Context, apiKey, user string, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		st, err := stackByKey(ctx, c, apiKey)
		if err != nil {
			return err
		}
		if st.OwnerUID == user {
			return domain.ErrInvalid("email", "is the stack owner; transfer ownership first.")
		}
		if err := mustBeMember(ctx, c, apiKey, user); err != nil {
			return err
		}
		for _, t := range []string{"member_roles", "stack_members"} {
			if _, err := c.exec(ctx, `DELETE FROM `+t+` WHERE api_key = ? AND user_uid = ?`, apiKey, user); err != nil {
				return fmt.Errorf("store: unshare: %w", err)
			}
		}
		return nil
	})
}

// TransferOwnership makes user, an existing member, the stack's owner. The
// previous owner stays a member with the Admin role.
func (s *Store) TransferOwnership(ctx context.Context, apiKey, user string, now time.Time, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		st, err := stackByKey(ctx, c, apiKey)
		if err != nil {
			return err
		}
		if err := mustBeMember(ctx, c, apiKey, user); err != nil {
			return domain.ErrInvalid("transfer_to", "must be a member of the stack.")
		}
		var admin string
		if err := c.row(ctx, `SELECT uid FROM roles WHERE api_key = ? AND builtin = ?`, apiKey, string(domain.RoleAdmin)).Scan(&admin); err != nil {
			return fmt.Errorf("store: find admin role: %w", err)
		}
		if err := addRoles(ctx, c, apiKey, st.OwnerUID, []string{admin}); err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE stacks SET owner_uid = ?, updated_at = ? WHERE api_key = ?`, user, ms(now), apiKey)
		if err != nil {
			return fmt.Errorf("store: transfer ownership: %w", err)
		}
		return nil
	})
}

func sortedKeys(g Grants) []string {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
