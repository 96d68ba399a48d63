-- 0001: users, organizations, sessions, stacks and roles.
-- Rules for every migration: idempotent DDL only, text uids made in Go,
-- no sequences, triggers or advisory locks, timestamps as Unix milliseconds.

CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
  uid             TEXT PRIMARY KEY,
  email           TEXT NOT NULL UNIQUE,
  username        TEXT NOT NULL,
  first_name      TEXT NOT NULL DEFAULT '',
  last_name       TEXT NOT NULL DEFAULT '',
  password_hash   TEXT NOT NULL,
  tfa_enabled     BOOLEAN NOT NULL DEFAULT FALSE,
  tfa_secret      TEXT NOT NULL DEFAULT '',
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until    BIGINT NOT NULL DEFAULT 0,
  last_fail_at    BIGINT NOT NULL DEFAULT 0,
  last_fail_fp    TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS organizations (
  uid        TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  owner_uid  TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS org_members (
  org_uid    TEXT NOT NULL,
  user_uid   TEXT NOT NULL,
  role       TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (org_uid, user_uid)
);
CREATE INDEX IF NOT EXISTS org_members_user ON org_members (user_uid);

CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  user_uid   TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_uid, created_at);

CREATE TABLE IF NOT EXISTS stacks (
  api_key       TEXT PRIMARY KEY,
  uid           TEXT NOT NULL UNIQUE,
  org_uid       TEXT NOT NULL,
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  master_locale TEXT NOT NULL,
  owner_uid     TEXT NOT NULL,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS stacks_org ON stacks (org_uid);

CREATE TABLE IF NOT EXISTS stack_members (
  api_key    TEXT NOT NULL,
  user_uid   TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (api_key, user_uid)
);
CREATE INDEX IF NOT EXISTS stack_members_user ON stack_members (user_uid);

CREATE TABLE IF NOT EXISTS roles (
  uid         TEXT PRIMARY KEY,
  api_key     TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  builtin     TEXT NOT NULL DEFAULT '',
  rules       TEXT NOT NULL DEFAULT '[]',
  created_by  TEXT NOT NULL DEFAULT '',
  updated_by  TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  UNIQUE (api_key, name)
);

CREATE TABLE IF NOT EXISTS member_roles (
  api_key  TEXT NOT NULL,
  user_uid TEXT NOT NULL,
  role_uid TEXT NOT NULL,
  PRIMARY KEY (api_key, user_uid, role_uid)
);
CREATE INDEX IF NOT EXISTS member_roles_role ON member_roles (role_uid);
