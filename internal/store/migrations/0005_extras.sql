-- 0005: labels, extensions and webhooks.

CREATE TABLE IF NOT EXISTS labels (
  uid           TEXT PRIMARY KEY,
  api_key       TEXT NOT NULL,
  name          TEXT NOT NULL,
  parent        TEXT NOT NULL DEFAULT '[]',
  content_types TEXT NOT NULL DEFAULT '[]',
  version       INTEGER NOT NULL DEFAULT 1,
  created_by    TEXT NOT NULL DEFAULT '',
  updated_by    TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  UNIQUE (api_key, name)
);

-- Optional columns are NULL when the extension does not set them (they
-- belong to some extension types only).
CREATE TABLE IF NOT EXISTS extensions (
  uid           TEXT PRIMARY KEY,
  api_key       TEXT NOT NULL,
  title         TEXT NOT NULL,
  type          TEXT NOT NULL,
  data_type     TEXT NOT NULL DEFAULT '',
  src           TEXT NOT NULL DEFAULT '',
  srcdoc        TEXT NOT NULL DEFAULT '',
  multiple      BOOLEAN,
  config        TEXT NOT NULL DEFAULT '{}',
  tags          TEXT NOT NULL DEFAULT '[]',
  scope         TEXT,
  enable        BOOLEAN,
  default_width TEXT NOT NULL DEFAULT '',
  width         INTEGER,
  blur          BOOLEAN,
  version       INTEGER NOT NULL DEFAULT 1,
  created_by    TEXT NOT NULL DEFAULT '',
  updated_by    TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  UNIQUE (api_key, title)
);

-- destinations holds no secret: passwords, tokens and header values are
-- encrypted with the server key into sealed (base64), one item per
-- destination.
CREATE TABLE IF NOT EXISTS webhooks (
  uid             TEXT PRIMARY KEY,
  api_key         TEXT NOT NULL,
  name            TEXT NOT NULL,
  destinations    TEXT NOT NULL,
  sealed          TEXT NOT NULL,
  channels        TEXT NOT NULL DEFAULT '[]',
  branches        TEXT NOT NULL DEFAULT '[]',
  notifiers       TEXT NOT NULL DEFAULT '[]',
  retry_policy    TEXT NOT NULL DEFAULT 'manual',
  disabled        BOOLEAN NOT NULL DEFAULT FALSE,
  concise_payload BOOLEAN NOT NULL DEFAULT FALSE,
  created_by      TEXT NOT NULL DEFAULT '',
  updated_by      TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  UNIQUE (api_key, name)
);
