-- 0003: content types, global fields, locales, entries and their versions.

CREATE TABLE IF NOT EXISTS content_types (
  api_key     TEXT NOT NULL,
  uid         TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  fields      TEXT NOT NULL DEFAULT '[]',
  options     TEXT NOT NULL DEFAULT '{}',
  version     INTEGER NOT NULL DEFAULT 1,
  created_by  TEXT NOT NULL DEFAULT '',
  updated_by  TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (api_key, uid),
  UNIQUE (api_key, title)
);

CREATE TABLE IF NOT EXISTS global_fields (
  api_key     TEXT NOT NULL,
  uid         TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  fields      TEXT NOT NULL DEFAULT '[]',
  version     INTEGER NOT NULL DEFAULT 1,
  created_by  TEXT NOT NULL DEFAULT '',
  updated_by  TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  PRIMARY KEY (api_key, uid),
  UNIQUE (api_key, title)
);

-- The master locale's row is written the first time a stack's locales are
-- read or changed (see store/locales.go), until then it is implied by
-- stacks.master_locale.
CREATE TABLE IF NOT EXISTS locales (
  api_key         TEXT NOT NULL,
  code            TEXT NOT NULL,
  uid             TEXT NOT NULL,
  name            TEXT NOT NULL,
  fallback_locale TEXT NOT NULL DEFAULT '',
  version         INTEGER NOT NULL DEFAULT 1,
  created_by      TEXT NOT NULL DEFAULT '',
  updated_by      TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  PRIMARY KEY (api_key, code)
);

-- entries holds the current version of each locale of each entry. data is
-- the JSON of the schema fields (title and tags have their own columns).
CREATE TABLE IF NOT EXISTS entries (
  api_key          TEXT NOT NULL,
  content_type_uid TEXT NOT NULL,
  uid              TEXT NOT NULL,
  locale           TEXT NOT NULL,
  version          INTEGER NOT NULL,
  title            TEXT NOT NULL DEFAULT '',
  tags             TEXT NOT NULL DEFAULT '[]',
  data             TEXT NOT NULL DEFAULT '{}',
  created_by       TEXT NOT NULL DEFAULT '',
  updated_by       TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  PRIMARY KEY (api_key, uid, locale)
);
CREATE INDEX IF NOT EXISTS entries_list ON entries (api_key, content_type_uid, locale, uid);
CREATE INDEX IF NOT EXISTS entries_title ON entries (api_key, content_type_uid, locale, title);
CREATE INDEX IF NOT EXISTS entries_updated ON entries (api_key, content_type_uid, locale, updated_at);

-- entry_versions holds every version of every locale of an entry, the
-- current one included. Rows are never changed except for the version name.
CREATE TABLE IF NOT EXISTS entry_versions (
  api_key          TEXT NOT NULL,
  content_type_uid TEXT NOT NULL,
  uid              TEXT NOT NULL,
  locale           TEXT NOT NULL,
  version          INTEGER NOT NULL,
  title            TEXT NOT NULL DEFAULT '',
  tags             TEXT NOT NULL DEFAULT '[]',
  data             TEXT NOT NULL DEFAULT '{}',
  created_by       TEXT NOT NULL DEFAULT '',
  updated_by       TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  updated_at       BIGINT NOT NULL,
  version_name     TEXT NOT NULL DEFAULT '',
  named_by         TEXT NOT NULL DEFAULT '',
  named_at         BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (api_key, uid, locale, version)
);
