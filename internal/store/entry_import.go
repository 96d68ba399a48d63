package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stackd/stackd/internal/domain"
)

// CreateEntries stores new entries of one content type, each at version 1
// with its audit item, in one transaction: validated as CreateEntry
// validates them, written with one multi-row INSERT per table. It is for
// bulk loads (the bench's seeding of a million entries); ws must all name
// the same stack, content type and locale, and audits has one item per
// write. Mark ctx with Background for loads that may outlast a request's
// statement timeout.
func (s *Store) CreateEntries(ctx context.Context, ws []EntryWrite, audits []domain.AuditEntry) error {
	if len(ws) == 0 {
		return nil
	}
	if len(audits) != len(ws) {
		return fmt.Errorf("store: create entries: %d writes but %d audit items", len(ws), len(audits))
	}
	w0 := ws[0]
	return s.tx(ctx, func(c conn) error {
		ct, fields, err := entrySchema(ctx, c, w0.APIKey, w0.ContentType)
		if err != nil {
			return err
		}
		if ct.Singleton() {
			return domain.ErrInvalid("content_type", "is a singleton: create its one entry with a single request.")
		}
		if err := checkLocale(ctx, c, w0.APIKey, w0.Locale, w0.Master); err != nil {
			return err
		}
		entries := make([]domain.Entry, 0, len(ws))
		for _, w := range ws {
			if w.APIKey != w0.APIKey || w.ContentType != w0.ContentType || w.Locale != w0.Locale {
				return fmt.Errorf("store: create entries: every write must name one stack, content type and locale")
			}
			vals, err := domain.ValidateEntry(fields, w.Body)
			if err != nil {
				return err
			}
			if err := checkEntryValues(ctx, c, w, fields, vals); err != nil {
				return err
			}
			entries = append(entries, domain.Entry{APIKey: w.APIKey, ContentType: w.ContentType, UID: w.UID, Locale: w.Locale, Version: 1,
				Title: vals.Title, Tags: vals.Tags, Data: vals.Data, CreatedBy: w.Actor, UpdatedBy: w.Actor, CreatedAt: w.At, UpdatedAt: w.At})
		}
		return insertEntryRows(ctx, c, entries, audits)
	})
}

// insertEntryRows writes entries into entries and entry_versions, and the
// audit items, with one multi-row INSERT per table.
func insertEntryRows(ctx context.Context, c conn, entries []domain.Entry, audits []domain.AuditEntry) error {
	rows := make([]any, 0, 12*len(entries))
	for _, e := range entries {
		data, err := json.Marshal(e.Data)
		if err != nil {
			return fmt.Errorf("store: encode entry data: %w", err)
		}
		tags, err := json.Marshal(e.Tags)
		if err != nil {
			return fmt.Errorf("store: encode entry tags: %w", err)
		}
		rows = append(rows, e.APIKey, e.ContentType, e.UID, e.Locale, e.Version, e.Title, string(tags), string(data), e.CreatedBy,
			e.UpdatedBy, ms(e.CreatedAt), ms(e.UpdatedAt))
	}
	values := strings.Repeat(",("+placeholders(12)+")", len(entries))[1:]
	for _, table := range []string{"entries", "entry_versions"} {
		if _, err := c.q.ExecContext(ctx, c.dynamic(`INSERT INTO `+table+` (`+entryCols+`) VALUES `+values), rows...); err != nil {
			return fmt.Errorf("store: insert %d rows into %s: %w", len(entries), table, err)
		}
	}
	if err := insertTerms(ctx, c, entries); err != nil {
		return err
	}
	arows := make([]any, 0, 13*len(audits))
	for _, a := range audits {
		arows = append(arows, a.UID, a.APIKey, a.Module, a.EventType, a.RequestID, a.RemoteAddr, a.ActorKind, a.UserUID, a.TokenUID,
			a.TokenName, a.MetaUID, a.MetaTitle, ms(a.CreatedAt))
	}
	avalues := strings.Repeat(",("+placeholders(13)+")", len(audits))[1:]
	if _, err := c.q.ExecContext(ctx, c.dynamic(`INSERT INTO audit_log (`+auditCols+`) VALUES `+avalues), arows...); err != nil {
		return fmt.Errorf("store: insert %d audit items: %w", len(audits), err)
	}
	return nil
}
