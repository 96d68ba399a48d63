package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/stackd/stackd/internal/domain"
	"github.com/stackd/stackd/internal/query"
)

// EntryWrite is one write of an entry in one locale: the fields a client
// sent (Body) and who sent them when.
type EntryWrite struct {
	APIKey      string
	ContentType string
	UID         string
	Locale      string
	Master      string
	Body        map[string]any
	Actor       string
	At          time.Time
	IfMatch     domain.IfMatch // an update's precondition, checked on the locked row
}

// CreateEntry validates and stores a new entry at version 1 in w.Locale.
func (s *Store) CreateEntry(ctx context.Context, w EntryWrite, a *domain.AuditEntry) (domain.Entry, error) {
	var out domain.Entry
	err := s.txAudit(ctx, a, func(c conn) error {
		ct, fields, err := entrySchema(ctx, c, w.APIKey, w.ContentType)
		if err != nil {
			return err
		}
		if err := checkLocale(ctx, c, w.APIKey, w.Locale, w.Master); err != nil {
			return err
		}
		if ct.Singleton() {
			if err := checkSingleton(ctx, c, w.APIKey, ct.UID); err != nil {
				return err
			}
		}
		vals, err := domain.ValidateEntry(fields, w.Body)
		if err != nil {
			return err
		}
		if err := checkEntryValues(ctx, c, w, fields, vals); err != nil {
			return err
		}
		out = domain.Entry{APIKey: w.APIKey, ContentType: w.ContentType, UID: w.UID, Locale: w.Locale, Version: 1,
			Title: vals.Title, Tags: vals.Tags, Data: vals.Data, CreatedBy: w.Actor, UpdatedBy: w.Actor, CreatedAt: w.At, UpdatedAt: w.At}
		return writeEntry(ctx, c, out, true)
	})
	return out, err
}

func checkSingleton(ctx context.Context, c conn, apiKey, ctUID string) error {
	var n int
	if err := c.row(ctx, `SELECT COUNT(*) FROM entries WHERE api_key = ? AND content_type_uid = ?`, apiKey, ctUID).Scan(&n); err != nil {
		return fmt.Errorf("store: count entries: %w", err)
	}
	if n > 0 {
		return domain.Errorf(domain.KindInvalid, domain.CodeEntryExists, "The Content Type '%s' is a singleton and already has its entry.", ctUID).
			WithField("content_type", "allows only one entry.")
	}
	return nil
}

// UpdateEntry writes the next version of an entry's locale. The top-level
// fields sent replace the stored ones; fields not sent keep their values.
// Writing a locale the entry has no content in localizes it (localized is
// true): the new locale starts at version 1 from the content the entry
// showed there by fallback. Non-localizable fields always hold the master
// locale's values; an update of the master copies them to the entry's
// other locales (their current content, without a new version).
//
// The entry's row is read with a lock, and its content type's too, so
// concurrent updates queue: each gets its own version and none is lost.
func (s *Store) UpdateEntry(ctx context.Context, w EntryWrite, a *domain.AuditEntry) (e domain.Entry, localized bool, err error) {
	err = s.txAudit(ctx, a, func(c conn) error {
		_, fields, err := entrySchema(ctx, c, w.APIKey, w.ContentType)
		if err != nil {
			return err
		}
		if err := checkLocale(ctx, c, w.APIKey, w.Locale, w.Master); err != nil {
			return err
		}
		have, err := entryIn(ctx, c, w.APIKey, w.ContentType, w.UID)
		if err != nil {
			return err
		}
		localized = !slices.Contains(have, w.Locale)
		base, err := updateBase(ctx, c, w, have, localized)
		if err != nil {
			return err
		}
		doc := base.Document()
		for k, v := range w.Body {
			doc[k] = v
		}
		if err := masterValues(ctx, c, w, fields, have, doc); err != nil {
			return err
		}
		vals, err := domain.ValidateEntry(fields, doc)
		if err != nil {
			return err
		}
		if err := checkEntryValues(ctx, c, w, fields, vals); err != nil {
			return err
		}
		e = base
		e.Title, e.Tags, e.Data, e.UpdatedBy, e.UpdatedAt = vals.Title, vals.Tags, vals.Data, w.Actor, w.At
		if err := writeEntry(ctx, c, e, localized); err != nil {
			return err
		}
		if w.Locale == w.Master {
			return copyNonLocalizable(ctx, c, fields, e, have)
		}
		return nil
	})
	return e, localized, err
}

// updateBase is the entry an update starts from: the locale's current
// content (locked) with the next version number, or for a localization
// the content the entry shows in that locale by fallback, at version 1.
// w.IfMatch is checked against the version a read of the locale shows:
// the locked row's, or for a localization the fallback content's.
func updateBase(ctx context.Context, c conn, w EntryWrite, have []string, localized bool) (domain.Entry, error) {
	if !localized {
		e, err := entryRow(ctx, c, w.APIKey, w.UID, w.Locale)
		if err == nil {
			err = w.IfMatch.Check("entry", e.Version)
		}
		e.Version++
		return e, err
	}
	base := domain.Entry{APIKey: w.APIKey, ContentType: w.ContentType, UID: w.UID, Data: map[string]any{}}
	chain, err := localeChain(ctx, c, w.APIKey, w.Locale, w.Master)
	if err != nil {
		return base, err
	}
	if i := slices.IndexFunc(chain, func(l string) bool { return slices.Contains(have, l) }); i >= 0 {
		if base, err = entryRow(ctx, c, w.APIKey, w.UID, chain[i]); err != nil {
			return base, err
		}
	}
	if err := w.IfMatch.Check("entry", base.Version); err != nil {
		return base, err
	}
	base.Locale, base.Version, base.CreatedBy, base.CreatedAt = w.Locale, 1, w.Actor, w.At
	return base, nil
}

// masterValues sets the non-localizable fields of doc, written in a
// locale other than the master, to the master locale's values.
func masterValues(ctx context.Context, c conn, w EntryWrite, fields []domain.Field, have []string, doc map[string]any) error {
	nl := domain.NonLocalizable(fields)
	if w.Locale == w.Master || len(nl) == 0 || !slices.Contains(have, w.Master) {
		return nil
	}
	m, err := entryRow(ctx, c, w.APIKey, w.UID, w.Master)
	if err != nil {
		return err
	}
	for _, k := range nl {
		doc[k] = m.Data[k]
	}
	return nil
}

// copyNonLocalizable copies the non-localizable fields of master, just
// written, into the current content of the entry's other locales.
func copyNonLocalizable(ctx context.Context, c conn, fields []domain.Field, master domain.Entry, have []string) error {
	nl := domain.NonLocalizable(fields)
	if len(nl) == 0 {
		return nil
	}
	for _, l := range have {
		if l == master.Locale {
			continue
		}
		e, err := entryRow(ctx, c, master.APIKey, master.UID, l)
		if err != nil {
			return err
		}
		for _, k := range nl {
			if v, ok := master.Data[k]; ok {
				e.Data[k] = v
			} else {
				delete(e.Data, k)
			}
		}
		data, err := json.Marshal(e.Data)
		if err != nil {
			return fmt.Errorf("store: encode entry data: %w", err)
		}
		if _, err := c.exec(ctx, `UPDATE entries SET data = ? WHERE api_key = ? AND uid = ? AND locale = ?`, string(data), e.APIKey, e.UID, l); err != nil {
			return fmt.Errorf("store: copy non-localizable fields: %w", err)
		}
		if err := writeTerms(ctx, c, e, true); err != nil {
			return err
		}
	}
	return nil
}

// writeEntry stores e as the current content of its locale (inserted or
// updated) and as a row of its version history.
func writeEntry(ctx context.Context, c conn, e domain.Entry, insert bool) error {
	data, err := json.Marshal(e.Data)
	if err != nil {
		return fmt.Errorf("store: encode entry data: %w", err)
	}
	tags, err := json.Marshal(e.Tags)
	if err != nil {
		return fmt.Errorf("store: encode entry tags: %w", err)
	}
	args := []any{e.APIKey, e.ContentType, e.UID, e.Locale, e.Version, e.Title, string(tags), string(data), e.CreatedBy,
		e.UpdatedBy, ms(e.CreatedAt), ms(e.UpdatedAt)}
	if insert {
		_, err = c.exec(ctx, `INSERT INTO entries (`+entryCols+`) VALUES (`+placeholders(12)+`)`, args...)
	} else {
		_, err = c.exec(ctx, `UPDATE entries SET version = ?, title = ?, tags = ?, data = ?, updated_by = ?, updated_at = ?
			WHERE api_key = ? AND uid = ? AND locale = ?`, e.Version, e.Title, string(tags), string(data), e.UpdatedBy, ms(e.UpdatedAt),
			e.APIKey, e.UID, e.Locale)
	}
	if err != nil {
		return fmt.Errorf("store: write entry %s: %w", e.UID, err)
	}
	if err := writeTerms(ctx, c, e, !insert); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `INSERT INTO entry_versions (`+entryCols+`) VALUES (`+placeholders(12)+`)`, args...); err != nil {
		return fmt.Errorf("store: write version %d of entry %s: %w", e.Version, e.UID, err)
	}
	return nil
}

// checkEntryValues checks what needs the database: that referenced
// entries that exist are of the content types named, and that unique
// fields are. A reference to an entry that does not exist is kept, as
// Contentstack keeps it: the csdx import creates entries with the source
// stack's uids in their references and rewrites them afterwards.
func checkEntryValues(ctx context.Context, c conn, w EntryWrite, fields []domain.Field, vals domain.EntryValues) error {
	if err := checkRefs(ctx, c, w.APIKey, vals.Refs); err != nil {
		return err
	}
	for _, u := range vals.Unique {
		if err := checkUnique(ctx, c, w, fields, u); err != nil {
			return err
		}
	}
	return nil
}

func checkRefs(ctx context.Context, c conn, apiKey string, refs []domain.EntryRef) error {
	if len(refs) == 0 {
		return nil
	}
	var uids []any
	for _, r := range refs {
		if !slices.Contains(uids, any(r.UID)) {
			uids = append(uids, r.UID)
		}
	}
	rows, err := c.query(ctx, `SELECT DISTINCT uid, content_type_uid FROM entries WHERE api_key = ? AND uid IN (`+placeholders(len(uids))+`)`,
		append([]any{apiKey}, uids...)...)
	if err != nil {
		return fmt.Errorf("store: find referenced entries: %w", err)
	}
	defer rows.Close()
	found := map[string]string{}
	for rows.Next() {
		var uid, ct string
		if err := rows.Scan(&uid, &ct); err != nil {
			return fmt.Errorf("store: scan referenced entry: %w", err)
		}
		found[uid] = ct
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var bad *domain.Error
	for _, r := range refs {
		ct, ok := found[r.UID]
		if !ok || ct == r.ContentType {
			continue
		}
		msg := fmt.Sprintf("references the entry %q, which is an entry of the content type %q, not %q.", r.UID, ct, r.ContentType)
		if bad == nil {
			bad = domain.Errorf(domain.KindInvalid, domain.CodeValidation, "The entry is not valid: %s %s", r.Path, msg)
		}
		bad.WithField(r.Path, msg)
	}
	if bad != nil {
		return bad
	}
	return nil
}

// checkUnique refuses a value another entry of the content type holds in
// the same locale, with Contentstack's code 119. Fields other than title
// are compared with the query compiler, so types are respected.
func checkUnique(ctx context.Context, c conn, w EntryWrite, fields []domain.Field, u domain.UniqueValue) error {
	v := u.Value
	if n, ok := v.(json.Number); ok {
		f, err := n.Float64()
		if err != nil {
			return fmt.Errorf("store: unique number %s: %w", n, err)
		}
		v = f
	}
	cond, args, err := query.Compile(query.Cond{Path: u.Field, Op: query.OpEq, Value: v}, query.Dialect{Name: c.d.name}, entryResolver("e", fields))
	if err != nil {
		return fmt.Errorf("store: compile unique check of %s: %w", u.Field, err)
	}
	var n int
	err = c.q.QueryRowContext(ctx, c.dynamic(`SELECT COUNT(*) FROM entries e WHERE e.api_key = ? AND e.content_type_uid = ?
		AND e.locale = ? AND e.uid <> ? AND (`+cond+`)`), append([]any{w.APIKey, w.ContentType, w.Locale, w.UID}, args...)...).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: check unique %s: %w", u.Field, err)
	}
	if n > 0 {
		return domain.Errorf(domain.KindInvalid, domain.CodeEntryExists,
			"An entry of this content type already has this %s in the locale '%s'.", u.Field, w.Locale).WithField(u.Field, "is not unique.")
	}
	return nil
}

// DeleteEntry deletes an entry with every version: all its locales when
// locale is the master (or empty) or all is set, otherwise only its
// content in locale. im is checked first, on the locked row of the locale
// named (the master when none); an entry without content there matches
// only "*".
func (s *Store) DeleteEntry(ctx context.Context, apiKey, ctUID, uid, locale, master string, all bool, im domain.IfMatch, a *domain.AuditEntry) error {
	return s.txAudit(ctx, a, func(c conn) error {
		if im.Sent() {
			if err := checkEntryMatch(ctx, c, apiKey, ctUID, uid, cmp.Or(locale, master), im); err != nil {
				return err
			}
		}
		return deleteEntry(ctx, c, apiKey, ctUID, uid, locale, master, all)
	})
}

// checkEntryMatch compares im with the version of an entry's locale, read
// under lock.
func checkEntryMatch(ctx context.Context, c conn, apiKey, ctUID, uid, locale string, im domain.IfMatch) error {
	have, err := entryOf(ctx, c, apiKey, ctUID, uid, "")
	if err != nil {
		return err
	}
	version := 0
	if slices.Contains(have, locale) {
		e, err := entryRow(ctx, c, apiKey, uid, locale)
		if err != nil {
			return err
		}
		version = e.Version
	}
	return im.Check("entry", version)
}

// deleteEntry is DeleteEntry inside the caller's transaction (bulk deletes
// run it in their job's).
func deleteEntry(ctx context.Context, c conn, apiKey, ctUID, uid, locale, master string, all bool) error {
	if locale == "" || locale == master || all {
		if _, err := entryOf(ctx, c, apiKey, ctUID, uid, ""); err != nil {
			return err
		}
		return deleteEntryRows(ctx, c, apiKey, uid, "")
	}
	if _, err := entryOf(ctx, c, apiKey, ctUID, uid, locale); err != nil {
		return err
	}
	return deleteEntryRows(ctx, c, apiKey, uid, locale)
}

// UnlocalizeEntry removes an entry's content in a locale other than the
// master; the entry then shows its fallback content there again.
func (s *Store) UnlocalizeEntry(ctx context.Context, apiKey, ctUID, uid, locale, master string, a *domain.AuditEntry) error {
	if locale == "" || locale == master {
		return domain.ErrInvalid("locale", "must name a locale other than the master locale.")
	}
	return s.txAudit(ctx, a, func(c conn) error {
		have, err := entryOf(ctx, c, apiKey, ctUID, uid, locale)
		if err != nil {
			return err
		}
		if len(have) == 1 {
			return domain.ErrInvalid("locale", "holds the only content of this entry; delete the entry instead.")
		}
		return deleteEntryRows(ctx, c, apiKey, uid, locale)
	})
}

// deleteEntryRows deletes the rows of an entry: of one locale, or of all
// when locale is empty, and where that content is published.
func deleteEntryRows(ctx context.Context, c conn, apiKey, uid, locale string) error {
	for _, t := range []string{"entry_versions", "entries", "entry_terms", "entry_stages", "entry_assignments", "publish_approvals"} {
		col := "uid"
		if t != "entry_versions" && t != "entries" && t != "entry_terms" {
			col = "entry_uid" // the workflow tables name the entry so
		}
		q, args := `DELETE FROM `+t+` WHERE api_key = ? AND `+col+` = ?`, []any{apiKey, uid}
		if locale != "" {
			q, args = q+` AND locale = ?`, append(args, locale)
		}
		if _, err := c.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("store: delete entry rows from %s: %w", t, err)
		}
	}
	return unpublishEntryRows(ctx, c, apiKey, uid, locale)
}
