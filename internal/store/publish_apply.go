package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stackd/stackd/internal/domain"
)

// applyItems carries out a publishing payload's items in the caller's
// transaction. Each item succeeds or fails on its own: an item whose
// entry, asset, version or environment has gone since the request was
// made fails with a message and changes nothing. It returns the outcomes
// and, for deleted assets, the file keys to remove once the transaction
// has committed. Any other error aborts the whole transaction.
func applyItems(ctx context.Context, c conn, apiKey string, p domain.PublishPayload, at time.Time) ([]domain.PublishOutcome, []string, error) {
	out := make([]domain.PublishOutcome, 0, len(p.Items))
	var keys []string
	if len(p.Items) > 0 {
		if _, err := bumpSeq(ctx, c, apiKey); err != nil {
			return nil, nil, err
		}
	}
	for _, it := range p.Items {
		k, err := applyItem(ctx, c, apiKey, p, it, at)
		o := domain.PublishOutcome{PublishItem: it, Status: domain.OutcomeSuccess}
		if e, ok := domain.AsError(err); ok && e.Kind != domain.KindInternal {
			o.Status, o.Error = domain.OutcomeFailed, e.Message
		} else if err != nil {
			return nil, nil, err
		}
		keys = append(keys, k...)
		out = append(out, o)
	}
	return out, keys, nil
}

func applyItem(ctx context.Context, c conn, apiKey string, p domain.PublishPayload, it domain.PublishItem, at time.Time) ([]string, error) {
	if p.Action == domain.ActionDelete {
		if it.Type == domain.ItemAsset {
			return deleteAssetRows(ctx, c, apiKey, it.UID)
		}
		return nil, deleteEntry(ctx, c, apiKey, it.ContentType, it.UID, it.Locale, p.Master, false)
	}
	if err := envExists(ctx, c, apiKey, it.Environment); err != nil {
		return nil, err
	}
	by := p.Actor.UID()
	switch {
	case it.Type == domain.ItemEntry && p.Action == domain.ActionPublish:
		return nil, publishEntry(ctx, c, apiKey, it, by, at)
	case it.Type == domain.ItemEntry:
		cond, args := ` AND p.uid = ? AND p.locale = ? AND p.environment_uid = ?`, []any{it.UID, it.Locale, it.Environment}
		if err := logEntryRows(ctx, c, apiKey, SyncUnpublished, cond, args...); err != nil {
			return nil, err
		}
		_, err := c.exec(ctx, `DELETE FROM published_entries AS p WHERE p.api_key = ?`+cond, append([]any{apiKey}, args...)...)
		return nil, wrap(err, "unpublish entry")
	case p.Action == domain.ActionPublish:
		return nil, publishAsset(ctx, c, apiKey, it, by, at)
	}
	cond, args := ` AND p.asset_uid = ? AND p.locale = ? AND p.environment_uid = ?`, []any{it.UID, it.Locale, it.Environment}
	if err := logAssetRows(ctx, c, apiKey, SyncUnpublished, cond, args...); err != nil {
		return nil, err
	}
	_, err := c.exec(ctx, `DELETE FROM published_assets AS p WHERE p.api_key = ?`+cond, append([]any{apiKey}, args...)...)
	return nil, wrap(err, "unpublish asset")
}

func wrap(err error, what string) error {
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

func envExists(ctx context.Context, c conn, apiKey, uid string) error {
	var n int
	if err := c.row(ctx, `SELECT COUNT(*) FROM environments WHERE api_key = ? AND uid = ?`, apiKey, uid).Scan(&n); err != nil {
		return fmt.Errorf("store: find environment: %w", err)
	}
	if n == 0 {
		return domain.ErrInvalid("environment", "no longer exists.")
	}
	return nil
}

// publishEntry makes an environment serve one version of an entry in a
// locale, provided that version still exists.
func publishEntry(ctx context.Context, c conn, apiKey string, it domain.PublishItem, by string, at time.Time) error {
	var n int
	err := c.row(ctx, `SELECT COUNT(*) FROM entry_versions WHERE api_key = ? AND uid = ? AND locale = ? AND version = ? AND content_type_uid = ?`,
		apiKey, it.UID, it.SourceLocale, it.Version, it.ContentType).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: find entry version: %w", err)
	}
	if n == 0 {
		return errVersionNotFound(it.UID, it.Version)
	}
	_, err = c.exec(ctx, `INSERT INTO published_entries (api_key, content_type_uid, uid, locale, environment_uid, source_locale, version,
		published_at, published_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (api_key, uid, locale, environment_uid) DO UPDATE SET content_type_uid = excluded.content_type_uid,
		source_locale = excluded.source_locale, version = excluded.version, published_at = excluded.published_at,
		published_by = excluded.published_by`,
		apiKey, it.ContentType, it.UID, it.Locale, it.Environment, it.SourceLocale, it.Version, ms(at), by)
	if err != nil {
		return wrap(err, "publish entry")
	}
	return logSyncOne(ctx, c, apiKey, it.Environment, SyncEntry, it.UID, it.Locale, it.ContentType, SyncPublished)
}

// publishAsset makes an environment serve one version of an asset in a
// locale, provided that version still exists.
func publishAsset(ctx context.Context, c conn, apiKey string, it domain.PublishItem, by string, at time.Time) error {
	var n int
	err := c.row(ctx, `SELECT COUNT(*) FROM asset_versions WHERE api_key = ? AND asset_uid = ? AND version = ?`,
		apiKey, it.UID, it.Version).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: find asset version: %w", err)
	}
	if n == 0 {
		return domain.ErrInvalid("version", fmt.Sprintf("the asset %s has no version %d.", it.UID, it.Version))
	}
	_, err = c.exec(ctx, `INSERT INTO published_assets (api_key, asset_uid, locale, environment_uid, version, published_at, published_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (asset_uid, locale, environment_uid) DO UPDATE SET version = excluded.version,
		published_at = excluded.published_at, published_by = excluded.published_by`,
		apiKey, it.UID, it.Locale, it.Environment, it.Version, ms(at), by)
	if err != nil {
		return wrap(err, "publish asset")
	}
	return logSyncOne(ctx, c, apiKey, it.Environment, SyncAsset, it.UID, it.Locale, "", SyncPublished)
}

// RunPublishJob carries out a claimed publishing job (scheduled publish,
// bulk publish or bulk delete): its items' effects, its audit item and
// its completion commit in one transaction (TxJob), so it takes effect
// exactly once. It returns the file keys of assets a bulk delete removed,
// for the caller to delete from the file store. A payload that does not
// parse fails the job without retrying.
func (s *Store) RunPublishJob(ctx context.Context, j domain.Job, worker string, now time.Time) ([]string, error) {
	var p domain.PublishPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, s.FinishJob(ctx, j.UID, worker, domain.JobFailed, nil, "the job's payload does not parse", now)
	}
	var keys []string
	err := s.TxJob(ctx, j, worker, now, jobAudit(j, p, now), func(ctx context.Context, tx *Tx) (json.RawMessage, error) {
		outcomes, k, err := applyItems(ctx, tx.c, j.APIKey, p, now)
		if err != nil {
			return nil, err
		}
		keys = k
		res, err := json.Marshal(domain.NewPublishResult(outcomes))
		if err != nil {
			return nil, fmt.Errorf("store: encode publish result: %w", err)
		}
		return res, nil
	})
	if err != nil {
		return nil, err
	}
	return keys, nil
}

// jobAudit is the audit item of a job's run, in the name of who asked for it.
func jobAudit(j domain.Job, p domain.PublishPayload, now time.Time) *domain.AuditEntry {
	a := &domain.AuditEntry{UID: domain.NewUID(), APIKey: j.APIKey, Module: p.Type, EventType: p.Action, ActorKind: p.Actor.Kind,
		UserUID: p.Actor.UserUID, TokenUID: p.Actor.TokenUID, TokenName: p.Actor.TokenName, MetaUID: j.UID, CreatedAt: now}
	if p.Type != domain.ItemEntry && p.Type != domain.ItemAsset {
		a.Module = string(domain.ModBulk)
	} else if len(p.Items) > 0 {
		a.MetaUID, a.MetaTitle = p.Items[0].UID, p.Items[0].Title
	}
	return a
}

// The rows of published_entries and published_assets must not outlive
// what they point to: a version number may be used again after a locale's
// content is removed and written anew. The deletions of entries, locales,
// content types, environments and assets call these in their transaction.

// unpublishEntryRows removes where entry uid is published: everywhere, or
// where the content of locale (now removed) is what is published. A
// locale published with another locale's content keeps it.
// The sync log records them as deleted.
func unpublishEntryRows(ctx context.Context, c conn, apiKey, uid, locale string) error {
	cond, args := ` AND p.uid = ?`, []any{uid}
	if locale != "" {
		cond, args = cond+` AND p.source_locale = ?`, append(args, locale)
	}
	if err := logEntryRows(ctx, c, apiKey, SyncDeleted, cond, args...); err != nil {
		return err
	}
	_, err := c.exec(ctx, `DELETE FROM published_entries AS p WHERE p.api_key = ?`+cond, append([]any{apiKey}, args...)...)
	return wrap(err, "unpublish entry rows")
}

// unpublishContentType removes where the entries of a content type are published.
// The sync log records its entries as deleted, and the content type.
func unpublishContentType(ctx context.Context, c conn, apiKey, ctUID string) error {
	if err := logEntryRows(ctx, c, apiKey, SyncDeleted, ` AND p.content_type_uid = ?`, ctUID); err != nil {
		return err
	}
	if err := logSyncOne(ctx, c, apiKey, "", SyncContentType, ctUID, "", ctUID, SyncDeleted); err != nil {
		return err
	}
	_, err := c.exec(ctx, `DELETE FROM published_entries WHERE api_key = ? AND content_type_uid = ?`, apiKey, ctUID)
	return wrap(err, "unpublish content type")
}

// unpublishLocale removes everything published in a locale.
// The sync log records them as unpublished.
func unpublishLocale(ctx context.Context, c conn, apiKey, code string) error {
	if err := logEntryRows(ctx, c, apiKey, SyncUnpublished, ` AND (p.locale = ? OR p.source_locale = ?)`, code, code); err != nil {
		return err
	}
	if err := logAssetRows(ctx, c, apiKey, SyncUnpublished, ` AND p.locale = ?`, code); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `DELETE FROM published_entries WHERE api_key = ? AND (locale = ? OR source_locale = ?)`, apiKey, code, code); err != nil {
		return fmt.Errorf("store: unpublish locale entries: %w", err)
	}
	_, err := c.exec(ctx, `DELETE FROM published_assets WHERE api_key = ? AND locale = ?`, apiKey, code)
	return wrap(err, "unpublish locale assets")
}

// unpublishEnvironment removes everything published to an environment.
func unpublishEnvironment(ctx context.Context, c conn, apiKey, envUID string) error {
	if err := forgetEnvironmentSync(ctx, c, apiKey, envUID); err != nil {
		return err
	}
	for _, t := range []string{"published_entries", "published_assets"} {
		if _, err := c.exec(ctx, `DELETE FROM `+t+` WHERE api_key = ? AND environment_uid = ?`, apiKey, envUID); err != nil {
			return fmt.Errorf("store: unpublish environment from %s: %w", t, err)
		}
	}
	return nil
}
