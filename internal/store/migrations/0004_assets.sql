-- 0004: assets and asset folders, their versions and tags.

-- One row per file or folder (is_dir), holding the current version.
-- parent_uid is '' at the root.
CREATE TABLE IF NOT EXISTS assets (
  uid          TEXT PRIMARY KEY,
  api_key      TEXT NOT NULL,
  is_dir       BOOLEAN NOT NULL DEFAULT FALSE,
  parent_uid   TEXT NOT NULL DEFAULT '',
  name         TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  description  TEXT NOT NULL DEFAULT '',
  tags         TEXT NOT NULL DEFAULT '[]',
  filename     TEXT NOT NULL DEFAULT '',
  content_type TEXT NOT NULL DEFAULT '',
  file_size    BIGINT NOT NULL DEFAULT 0,
  file_key     TEXT NOT NULL DEFAULT '',
  url_secret   TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_by   TEXT NOT NULL DEFAULT '',
  updated_by   TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS assets_stack ON assets (api_key, created_at);
CREATE INDEX IF NOT EXISTS assets_parent ON assets (api_key, parent_uid);

-- Every version of a file asset, the current one included. Each version
-- keeps its own file and its own public URL secret.
CREATE TABLE IF NOT EXISTS asset_versions (
  api_key      TEXT NOT NULL,
  asset_uid    TEXT NOT NULL,
  version      INTEGER NOT NULL,
  parent_uid   TEXT NOT NULL DEFAULT '',
  title        TEXT NOT NULL DEFAULT '',
  description  TEXT NOT NULL DEFAULT '',
  tags         TEXT NOT NULL DEFAULT '[]',
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  file_size    BIGINT NOT NULL,
  file_key     TEXT NOT NULL,
  url_secret   TEXT NOT NULL,
  updated_by   TEXT NOT NULL DEFAULT '',
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (asset_uid, version)
);
CREATE INDEX IF NOT EXISTS asset_versions_stack ON asset_versions (api_key);

-- The current tags of each asset, one row per tag, for tag queries.
CREATE TABLE IF NOT EXISTS asset_tags (
  api_key   TEXT NOT NULL,
  asset_uid TEXT NOT NULL,
  tag       TEXT NOT NULL,
  PRIMARY KEY (asset_uid, tag)
);
CREATE INDEX IF NOT EXISTS asset_tags_tag ON asset_tags (api_key, tag);
