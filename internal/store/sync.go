package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

func init() { registerStackTables("sync_log") }

// The sync log (migration 0040) records, per environment, the latest event
// of every entry and asset it serves or served, numbered with the stack's
// change counter in the transaction that made it. The publishing and
// deletion paths call the log* functions below before they change
// published_entries or published_assets, with the same condition, so the
// log names exactly the rows that change.

// Sync event names as stored; the API shows them as entry_published etc.
const (
	SyncPublished   = "published"
	SyncUnpublished = "unpublished"
	SyncDeleted     = "deleted"
)

// Sync item types as stored.
const (
	SyncEntry       = "entry"
	SyncAsset       = "asset"
	SyncContentType = "content_type"
)

const syncCols = `api_key, branch, environment_uid, item_type, uid, locale, content_type_uid, event, seq, event_at`

const syncUpsert = ` ON CONFLICT (api_key, branch, environment_uid, item_type, uid, locale) DO UPDATE SET
	content_type_uid = excluded.content_type_uid, event = excluded.event, seq = excluded.seq, event_at = excluded.event_at`

// txNow is the time the transaction's changes happen at: the audit item's
// time when the write has one, else the clock.
func txNow(c conn) time.Time {
	if c.st != nil && !c.st.now.IsZero() {
		return c.st.now
	}
	return time.Now()
}

// logSyncRows records event for the published rows sel selects. sel is a
// query over published_entries (alias p) or published_assets (alias p)
// returning environment_uid, uid, locale, content_type_uid, in that order.
func logSyncRows(ctx context.Context, c conn, apiKey, itemType, event, sel string, args ...any) error {
	seq, err := bumpSeq(ctx, c, apiKey)
	if err != nil {
		return err
	}
	q := `INSERT INTO sync_log (` + syncCols + `) SELECT ?, ?, x.environment_uid, ?, x.uid, x.locale, x.content_type_uid, ?, ?, ?
		FROM (` + sel + `) x WHERE 1 = 1` + syncUpsert
	all := append([]any{apiKey, domain.DefaultBranch, itemType, event, seq, ms(txNow(c))}, args...)
	_, err = c.exec(ctx, q, all...)
	return wrap(err, "log sync "+itemType+" "+event)
}

// logSyncOne records one item's event.
func logSyncOne(ctx context.Context, c conn, apiKey, envUID, itemType, uid, locale, ctUID, event string) error {
	seq, err := bumpSeq(ctx, c, apiKey)
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `INSERT INTO sync_log (`+syncCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+syncUpsert,
		apiKey, domain.DefaultBranch, envUID, itemType, uid, locale, ctUID, event, seq, ms(txNow(c)))
	return wrap(err, "log sync "+itemType+" "+event)
}

const (
	pubEntrySel = `SELECT p.environment_uid, p.uid, p.locale, p.content_type_uid FROM published_entries p WHERE p.api_key = ?`
	pubAssetSel = `SELECT p.environment_uid, p.asset_uid AS uid, p.locale, '' AS content_type_uid FROM published_assets p WHERE p.api_key = ?`
)

// logEntryRows records event for the published entry rows that match the
// extra condition cond (on alias p) and its args.
func logEntryRows(ctx context.Context, c conn, apiKey, event, cond string, args ...any) error {
	return logSyncRows(ctx, c, apiKey, SyncEntry, event, pubEntrySel+cond, append([]any{apiKey}, args...)...)
}

// logAssetRows is logEntryRows for published assets.
func logAssetRows(ctx context.Context, c conn, apiKey, event, cond string, args ...any) error {
	return logSyncRows(ctx, c, apiKey, SyncAsset, event, pubAssetSel+cond, append([]any{apiKey}, args...)...)
}

// forgetEnvironmentSync drops the log of a deleted environment: no token
// can read it any more.
func forgetEnvironmentSync(ctx context.Context, c conn, apiKey, envUID string) error {
	_, err := c.exec(ctx, `DELETE FROM sync_log WHERE api_key = ? AND environment_uid = ?`, apiKey, envUID)
	return wrap(err, "forget environment sync log")
}

// PruneSyncLog forgets unpublish and delete events that happened before
// before, on every stack: no token still valid can need them.
func (s *Store) PruneSyncLog(ctx context.Context, before time.Time) error {
	return s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `DELETE FROM sync_log WHERE event <> ? AND event_at < ?`, SyncPublished, ms(before))
		return wrap(err, "prune sync log")
	})
}

// SyncKey is a position in the sync log's order: (seq, item type, uid,
// locale, environment). Pages continue after it.
type SyncKey struct {
	Seq                    int64
	Type, UID, Locale, Env string
}

// SyncFilter selects a page of one environment's sync log: the events
// numbered in (Lo, Hi] (Init: published items only, Lo = -1), after After.
type SyncFilter struct {
	APIKey, Branch, Env string
	Locale              string   // "" = every locale
	ContentTypes        []string // entries of these content types only (and no assets)
	Types               []string // item_type/event pairs, as "entry_published"; empty = all
	StartAt             int64    // Unix ms; events before it are left out
	Lo, Hi              int64
	Init                bool
	After               *SyncKey
	Limit               int
}

// SyncItem is one event of the log with, for a published entry or asset,
// the item as the environment serves it now.
type SyncItem struct {
	SyncKey
	ContentType string
	Event       string
	EventAt     time.Time
	Entry       *domain.PublishedEntry
	Asset       *domain.PublishedAsset
}

// SyncPage is a page of the sync log, the number of events the window
// holds, and the window's upper bound.
type SyncPage struct {
	Items []SyncItem
	Total int
	Hi    int64
}

// SyncLog returns a page of f. When f.Hi is 0 the window ends at the
// stack's current change counter, read in the same snapshot as the page,
// so every event numbered up to Hi is committed and visible. Published
// items come with their content from that snapshot.
func (s *Store) SyncLog(ctx context.Context, f SyncFilter) (SyncPage, error) {
	var page SyncPage
	err := s.snapshot(ctx, func(c conn) error {
		if f.Hi == 0 {
			hi, err := stackSeq(ctx, c, f.APIKey)
			if err != nil {
				return err
			}
			f.Hi = hi
		}
		page.Hi = f.Hi
		where, args := syncWhere(f)
		if err := c.row(ctx, `SELECT COUNT(*) FROM sync_log l WHERE `+where, args...).Scan(&page.Total); err != nil {
			return fmt.Errorf("store: count sync log: %w", err)
		}
		items, err := syncEvents(ctx, c, f, where, args)
		if err != nil {
			return err
		}
		page.Items = items
		return syncContent(ctx, c, f, page.Items)
	})
	return page, err
}

func stackSeq(ctx context.Context, c conn, apiKey string) (int64, error) {
	var seq int64
	err := c.row(ctx, `SELECT COALESCE(MAX(seq), 0) FROM stack_seq WHERE api_key = ?`, apiKey).Scan(&seq)
	return seq, wrap(err, "read change counter")
}

// syncWhere is the condition of f's window, without the page cursor.
func syncWhere(f SyncFilter) (string, []any) {
	conds := []string{`l.api_key = ?`, `l.branch = ?`, `l.environment_uid IN (?, '')`, `l.seq > ?`, `l.seq <= ?`}
	args := []any{f.APIKey, f.Branch, f.Env, f.Lo, f.Hi}
	if f.Init {
		conds = append(conds, `l.event = '`+SyncPublished+`'`)
	}
	if f.Locale != "" {
		conds, args = append(conds, `(l.locale = ? OR l.item_type = '`+SyncContentType+`')`), append(args, f.Locale)
	}
	if len(f.ContentTypes) > 0 {
		conds = append(conds, `l.item_type <> '`+SyncAsset+`' AND l.content_type_uid IN (`+placeholders(len(f.ContentTypes))+`)`)
		for _, ct := range f.ContentTypes {
			args = append(args, ct)
		}
	}
	if len(f.Types) > 0 {
		conds = append(conds, `(l.item_type || '_' || l.event) IN (`+placeholders(len(f.Types))+`)`)
		for _, t := range f.Types {
			args = append(args, t)
		}
	}
	if f.StartAt > 0 {
		conds, args = append(conds, `l.event_at >= ?`), append(args, f.StartAt)
	}
	return strings.Join(conds, " AND "), args
}

func syncEvents(ctx context.Context, c conn, f SyncFilter, where string, args []any) ([]SyncItem, error) {
	if k := f.After; k != nil {
		where += ` AND (l.seq, l.item_type, l.uid, l.locale, l.environment_uid) > (?, ?, ?, ?, ?)`
		args = append(args, k.Seq, k.Type, k.UID, k.Locale, k.Env)
	}
	return queryList(ctx, c, "sync log", func(sc scanner) (SyncItem, error) {
		var it SyncItem
		var at int64
		err := sc.Scan(&it.Seq, &it.Type, &it.UID, &it.Locale, &it.Env, &it.ContentType, &it.Event, &at)
		it.EventAt = fromMS(at)
		return it, err
	}, `SELECT l.seq, l.item_type, l.uid, l.locale, l.environment_uid, l.content_type_uid, l.event, l.event_at FROM sync_log l
		WHERE `+where+` ORDER BY l.seq, l.item_type, l.uid, l.locale, l.environment_uid LIMIT ?`, append(args, f.Limit)...)
}

// snapshot runs fn in a read-only transaction on the reader pool, so all
// its queries see one consistent state of the database.
func (s *Store) snapshot(ctx context.Context, fn func(c conn) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.name == "postgres" {
		opts.Isolation = sql.LevelRepeatableRead
	}
	t, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("store: begin snapshot: %w", err)
	}
	defer t.Rollback() //nolint:errcheck // read-only: nothing to keep
	return fn(conn{q: t, d: s.d})
}
