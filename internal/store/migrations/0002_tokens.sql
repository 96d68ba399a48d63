-- 0002: management and delivery tokens, environments, the audit log.

CREATE TABLE IF NOT EXISTS management_tokens (
  uid                TEXT PRIMARY KEY,
  api_key            TEXT NOT NULL,
  name               TEXT NOT NULL,
  description        TEXT NOT NULL DEFAULT '',
  scope              TEXT NOT NULL,
  expires_at         BIGINT NOT NULL DEFAULT 0,
  email_notify       BOOLEAN NOT NULL DEFAULT FALSE,
  rate_limit_enabled BOOLEAN NOT NULL DEFAULT FALSE,
  rate_read          INTEGER NOT NULL DEFAULT 0,
  rate_write         INTEGER NOT NULL DEFAULT 0,
  last_used_at       BIGINT NOT NULL DEFAULT 0,
  created_by         TEXT NOT NULL DEFAULT '',
  updated_by         TEXT NOT NULL DEFAULT '',
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS management_tokens_stack ON management_tokens (api_key, created_at);

-- A token has one current secret, and during a rotation's grace period
-- also the previous one (expires_at > 0).
CREATE TABLE IF NOT EXISTS token_secrets (
  hash       TEXT PRIMARY KEY,
  token_uid  TEXT NOT NULL,
  api_key    TEXT NOT NULL,
  expires_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS token_secrets_token ON token_secrets (token_uid);

CREATE TABLE IF NOT EXISTS environments (
  uid            TEXT PRIMARY KEY,
  api_key        TEXT NOT NULL,
  name           TEXT NOT NULL,
  urls           TEXT NOT NULL DEFAULT '[]',
  servers        TEXT NOT NULL DEFAULT '[]',
  deploy_content BOOLEAN NOT NULL DEFAULT TRUE,
  created_by     TEXT NOT NULL DEFAULT '',
  updated_by     TEXT NOT NULL DEFAULT '',
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  UNIQUE (api_key, name)
);

CREATE TABLE IF NOT EXISTS delivery_tokens (
  uid             TEXT PRIMARY KEY,
  api_key         TEXT NOT NULL,
  name            TEXT NOT NULL,
  description     TEXT NOT NULL DEFAULT '',
  environment_uid TEXT NOT NULL,
  scope           TEXT NOT NULL,
  hash            TEXT NOT NULL UNIQUE,
  sealed          TEXT NOT NULL,
  created_by      TEXT NOT NULL DEFAULT '',
  updated_by      TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS delivery_tokens_stack ON delivery_tokens (api_key, created_at);

CREATE TABLE IF NOT EXISTS audit_log (
  uid         TEXT PRIMARY KEY,
  api_key     TEXT NOT NULL,
  module      TEXT NOT NULL,
  event_type  TEXT NOT NULL,
  request_id  TEXT NOT NULL DEFAULT '',
  remote_addr TEXT NOT NULL DEFAULT '',
  actor_kind  TEXT NOT NULL,
  created_by  TEXT NOT NULL DEFAULT '',
  token_uid   TEXT NOT NULL DEFAULT '',
  token_name  TEXT NOT NULL DEFAULT '',
  meta_uid    TEXT NOT NULL DEFAULT '',
  meta_title  TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_stack ON audit_log (api_key, created_at);
