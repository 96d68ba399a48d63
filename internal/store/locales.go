package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

// The master locale exists from the stack's creation, named by
// stacks.master_locale. Its row in locales is written lazily, the first
// time the stack's locales are read or changed (ensureMasterLocale,
// insertMasterLocale), so that it lists, fetches and updates like any
// other locale; entries need no row, only the code.

const localeCols = `api_key, code, uid, name, fallback_locale, version, created_by, updated_by, created_at, updated_at`

func scanLocale(sc interface{ Scan(...any) error }) (domain.Locale, error) {
	var l domain.Locale
	var created, updated int64
	err := sc.Scan(&l.APIKey, &l.Code, &l.UID, &l.Name, &l.FallbackLocale, &l.Version, &l.CreatedBy, &l.UpdatedBy, &created, &updated)
	l.CreatedAt, l.UpdatedAt = fromMS(created), fromMS(updated)
	return l, err
}

func errLocaleNotFound(code string) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeNotFound, "The language '%s' was not found. Please try again.", code).
		WithField("code", "is not valid.")
}

func insertMasterLocale(ctx context.Context, c conn, st domain.Stack) error {
	m := domain.MasterLocale(st)
	_, err := c.exec(ctx, `INSERT INTO locales (`+localeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		m.APIKey, m.Code, m.UID, m.Name, "", m.Version, m.CreatedBy, m.UpdatedBy, ms(m.CreatedAt), ms(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert master locale: %w", err)
	}
	return nil
}

// ensureMasterLocale writes the master locale's row if it is missing.
func (s *Store) ensureMasterLocale(ctx context.Context, st domain.Stack) error {
	var n int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM locales WHERE api_key = ? AND code = ?`, st.APIKey, st.MasterLocale).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: find master locale: %w", err)
	}
	if n > 0 {
		return nil
	}
	return s.tx(ctx, func(c conn) error { return insertMasterLocale(ctx, c, st) })
}

func localeByCode(ctx context.Context, c conn, apiKey, code string) (domain.Locale, error) {
	l, err := scanLocale(c.row(ctx, `SELECT `+localeCols+` FROM locales WHERE api_key = ? AND code = ?`+c.lock(), apiKey, code))
	if errors.Is(err, sql.ErrNoRows) {
		return l, errLocaleNotFound(code)
	}
	if err != nil {
		return l, fmt.Errorf("store: find locale %s: %w", code, err)
	}
	return l, nil
}

// localeFallbacks maps every locale of the stack but the master to its
// fallback (the master when none is set).
func localeFallbacks(ctx context.Context, c conn, apiKey, master string) (map[string]string, error) {
	if v := viewOf(ctx, c, apiKey); v != nil {
		all, err := v.localeMap(ctx, c)
		if err != nil {
			return nil, err
		}
		out := make(map[string]string, len(all))
		for code, fb := range all {
			if code == master {
				continue
			}
			if fb == "" {
				fb = master
			}
			out[code] = fb
		}
		return out, nil
	}
	rows, err := c.query(ctx, `SELECT code, fallback_locale FROM locales WHERE api_key = ? AND code <> ?`, apiKey, master)
	if err != nil {
		return nil, fmt.Errorf("store: read locale fallbacks: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, fb string
		if err := rows.Scan(&code, &fb); err != nil {
			return nil, fmt.Errorf("store: scan locale fallback: %w", err)
		}
		if fb == "" {
			fb = master
		}
		out[code] = fb
	}
	return out, rows.Err()
}

// checkLocale refuses a locale code that is not a language of the stack.
func checkLocale(ctx context.Context, c conn, apiKey, code, master string) error {
	if code == master {
		return nil
	}
	if v := viewOf(ctx, c, apiKey); v != nil {
		all, err := v.localeMap(ctx, c)
		if err != nil {
			return err
		}
		if _, ok := all[code]; !ok {
			return domain.ErrInvalid("locale", fmt.Sprintf("%q is not a language of this stack.", code))
		}
		return nil
	}
	var n int
	if err := c.row(ctx, `SELECT COUNT(*) FROM locales WHERE api_key = ? AND code = ?`, apiKey, code).Scan(&n); err != nil {
		return fmt.Errorf("store: check locale: %w", err)
	}
	if n == 0 {
		return domain.ErrInvalid("locale", fmt.Sprintf("%q is not a language of this stack.", code))
	}
	return nil
}

var localeQueryCols = withCols(map[string]query.Field{
	"code":            {Column: "code", Kind: query.Text},
	"name":            {Column: "name", Kind: query.Text},
	"fallback_locale": {Column: "fallback_locale", Kind: query.Text, EmptyIsNull: true}, // the master's is null
})

// Locales returns one page of the stack's locales, the master included.
func (s *Store) Locales(ctx context.Context, st domain.Stack, f ListFilter) ([]domain.Locale, int, error) {
	if err := s.ensureMasterLocale(ctx, st); err != nil {
		return nil, 0, err
	}
	c := s.read()
	where, args, order, err := c.filter(f, columns("", localeQueryCols), "created_at ASC", "code ASC")
	if err != nil {
		return nil, 0, err
	}
	out := []domain.Locale{}
	total, err := c.page(ctx, pageQuery{cols: localeCols, from: "locales", where: "api_key = ? AND (" + where + ")",
		args: append([]any{st.APIKey}, args...), order: order, skip: f.Skip, limit: f.Limit, count: f.Count, countOnly: f.CountOnly},
		func(rows *sql.Rows) error {
			l, err := scanLocale(rows)
			out = append(out, l)
			return err
		})
	return out, total, err
}

// Locale returns the stack's locale with code.
func (s *Store) Locale(ctx context.Context, st domain.Stack, code string) (domain.Locale, error) {
	if err := s.ensureMasterLocale(ctx, st); err != nil {
		return domain.Locale{}, err
	}
	return localeByCode(ctx, s.read(), st.APIKey, code)
}

func errLocaleExists(code string) *domain.Error {
	return domain.Errorf(domain.KindInvalid, domain.CodeLocaleExists, "The language '%s' already exists in this stack.", code).
		WithField("code", "is not unique.")
}

// CreateLocale adds a language; its fallback defaults to the master locale.
func (s *Store) CreateLocale(ctx context.Context, st domain.Stack, l domain.Locale, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if err := insertMasterLocale(ctx, c, st); err != nil {
			return err
		}
		if l.Code == st.MasterLocale {
			return errLocaleExists(l.Code)
		}
		fallbacks, err := localeFallbacks(ctx, c, st.APIKey, st.MasterLocale)
		if err != nil {
			return err
		}
		if err := domain.ValidateFallback(l.Code, l.FallbackLocale, st.MasterLocale, fallbacks); err != nil {
			return err
		}
		_, err = c.exec(ctx, `INSERT INTO locales (`+localeCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			l.APIKey, l.Code, l.UID, l.Name, l.FallbackLocale, l.Version, l.CreatedBy, l.UpdatedBy, ms(l.CreatedAt), ms(l.UpdatedAt))
		if c.d.isUnique(err) {
			return errLocaleExists(l.Code)
		}
		if err != nil {
			return fmt.Errorf("store: insert locale: %w", err)
		}
		return nil
	})
}

// UpdateLocale reads a locale, lets fn change its name or fallback and
// writes it back with its version increased.
func (s *Store) UpdateLocale(ctx context.Context, st domain.Stack, code string, fn func(l *domain.Locale) error, a *domain.AuditEntry) (domain.Locale, error) {
	var out domain.Locale
	err := s.txAudit(ctx, a, func(c conn) error {
		if err := insertMasterLocale(ctx, c, st); err != nil {
			return err
		}
		l, err := localeByCode(ctx, c, st.APIKey, code)
		if err != nil {
			return err
		}
		if err := fn(&l); err != nil {
			return err
		}
		fallbacks, err := localeFallbacks(ctx, c, st.APIKey, st.MasterLocale)
		if err != nil {
			return err
		}
		if err := domain.ValidateFallback(code, l.FallbackLocale, st.MasterLocale, fallbacks); err != nil {
			return err
		}
		l.Version++
		out = l
		_, err = c.exec(ctx, `UPDATE locales SET name = ?, fallback_locale = ?, version = ?, updated_by = ?, updated_at = ?
			WHERE api_key = ? AND code = ?`, l.Name, l.FallbackLocale, l.Version, l.UpdatedBy, ms(l.UpdatedAt), st.APIKey, code)
		if err != nil {
			return fmt.Errorf("store: update locale: %w", err)
		}
		return nil
	})
	return out, err
}

// DeleteLocale removes a language and every entry's content in it. The
// master locale cannot be deleted, nor a locale others fall back to.
func (s *Store) DeleteLocale(ctx context.Context, st domain.Stack, code string, a *domain.AuditEntry) error {
	if code == st.MasterLocale {
		return domain.ErrInvalid("code", "is the master locale, which cannot be deleted.")
	}
	return s.txAudit(ctx, a, func(c conn) error {
		if _, err := localeByCode(ctx, c, st.APIKey, code); err != nil {
			return err
		}
		var users []string
		rows, err := c.query(ctx, `SELECT code FROM locales WHERE api_key = ? AND fallback_locale = ? ORDER BY code`, st.APIKey, code)
		if err != nil {
			return fmt.Errorf("store: find dependent locales: %w", err)
		}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return fmt.Errorf("store: scan dependent locale: %w", err)
			}
			users = append(users, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: read dependent locales: %w", err)
		}
		if len(users) > 0 {
			return domain.ErrInvalid("code", "is the fallback of "+strings.Join(users, ", ")+"; change their fallback first.")
		}
		for _, t := range []string{"entry_versions", "entries", "entry_terms", "locales"} {
			col := "locale"
			if t == "locales" {
				col = "code"
			}
			if _, err := c.exec(ctx, `DELETE FROM `+t+` WHERE api_key = ? AND `+col+` = ?`, st.APIKey, code); err != nil {
				return fmt.Errorf("store: delete locale rows from %s: %w", t, err)
			}
		}
		return unpublishLocale(ctx, c, st.APIKey, code)
	})
}
