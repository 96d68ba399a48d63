-- 0008: what is published where. One row per entry (or asset), locale and
-- environment, naming the version that environment serves. The Content
-- Delivery API reads entries by joining published_entries with
-- entry_versions at (uid, source_locale, version): a draft or a later edit
-- is never visible there. The publish queue itself is the jobs table (0007).

-- source_locale is the locale whose content was published: the locale
-- itself, or for a locale the entry is not localized in, the first locale
-- of its fallback chain that has content.
CREATE TABLE IF NOT EXISTS published_entries (
  api_key          TEXT NOT NULL,
  content_type_uid TEXT NOT NULL,
  uid              TEXT NOT NULL,
  locale           TEXT NOT NULL,
  environment_uid  TEXT NOT NULL,
  source_locale    TEXT NOT NULL,
  version          INTEGER NOT NULL,
  published_at     BIGINT NOT NULL,
  published_by     TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (api_key, uid, locale, environment_uid)
);
CREATE INDEX IF NOT EXISTS published_entries_list ON published_entries (api_key, environment_uid, content_type_uid, locale);
CREATE INDEX IF NOT EXISTS published_entries_source ON published_entries (api_key, uid, source_locale);

CREATE TABLE IF NOT EXISTS published_assets (
  api_key         TEXT NOT NULL,
  asset_uid       TEXT NOT NULL,
  locale          TEXT NOT NULL,
  environment_uid TEXT NOT NULL,
  version         INTEGER NOT NULL,
  published_at    BIGINT NOT NULL,
  published_by    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (asset_uid, locale, environment_uid)
);
CREATE INDEX IF NOT EXISTS published_assets_list ON published_assets (api_key, environment_uid, locale);
