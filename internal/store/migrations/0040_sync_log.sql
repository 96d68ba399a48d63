-- 0040: the sync log behind the CDA's GET /v3/stacks/sync. One row per
-- item an environment serves or served (entry or asset in a locale; a
-- content type for content_type_deleted, with environment_uid and locale
-- empty): its latest event and the stack_seq value of the transaction that
-- made it. An item changed several times keeps only its latest event, so
-- a sync token replays each changed item once, in commit order.
CREATE TABLE sync_log (
  api_key          TEXT NOT NULL,
  branch           TEXT NOT NULL DEFAULT 'main',
  environment_uid  TEXT NOT NULL,
  item_type        TEXT NOT NULL,
  uid              TEXT NOT NULL,
  locale           TEXT NOT NULL,
  content_type_uid TEXT NOT NULL,
  event            TEXT NOT NULL,
  seq              BIGINT NOT NULL,
  event_at         BIGINT NOT NULL,
  PRIMARY KEY (api_key, branch, environment_uid, item_type, uid, locale)
);
CREATE INDEX sync_log_seq ON sync_log (api_key, branch, environment_uid, seq);

-- What is published now starts the log at seq 0, so a first sync finds it.
INSERT INTO sync_log (api_key, branch, environment_uid, item_type, uid, locale, content_type_uid, event, seq, event_at)
  SELECT api_key, 'main', environment_uid, 'entry', uid, locale, content_type_uid, 'published', 0, published_at FROM published_entries;
INSERT INTO sync_log (api_key, branch, environment_uid, item_type, uid, locale, content_type_uid, event, seq, event_at)
  SELECT api_key, 'main', environment_uid, 'asset', asset_uid, locale, '', 'published', 0, published_at FROM published_assets;
