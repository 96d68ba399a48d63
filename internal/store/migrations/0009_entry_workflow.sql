-- 0009: where entries stand in their workflow, who they are assigned to,
-- and publish requests with their approvals.

-- entry_stages holds the stage of one locale of an entry, written when the
-- entry is moved. An entry without a row is in the first stage of the
-- workflow governing its content type. assigned_to and assigned_by_roles
-- are JSON lists as shown to clients, entry_version the entry's version
-- when it was moved.
CREATE TABLE IF NOT EXISTS entry_stages (
  api_key           TEXT NOT NULL,
  content_type_uid  TEXT NOT NULL,
  entry_uid         TEXT NOT NULL,
  locale            TEXT NOT NULL,
  workflow_uid      TEXT NOT NULL,
  stage_uid         TEXT NOT NULL,
  entry_version     INTEGER NOT NULL,
  comment           TEXT NOT NULL DEFAULT '',
  due_date          TEXT NOT NULL DEFAULT '',
  notify            BOOLEAN NOT NULL DEFAULT FALSE,
  assigned_to       TEXT NOT NULL DEFAULT '[]',
  assigned_by_roles TEXT NOT NULL DEFAULT '[]',
  updated_by        TEXT NOT NULL DEFAULT '',
  updated_at        BIGINT NOT NULL,
  PRIMARY KEY (api_key, entry_uid, locale)
);

-- entry_assignments lists the users (kind 'user') and roles (kind 'role')
-- an entry_stages row assigns, one row each, so that a user's assignments
-- are found by index.
CREATE TABLE IF NOT EXISTS entry_assignments (
  api_key       TEXT NOT NULL,
  entry_uid     TEXT NOT NULL,
  locale        TEXT NOT NULL,
  assignee_kind TEXT NOT NULL,
  assignee_uid  TEXT NOT NULL,
  PRIMARY KEY (api_key, entry_uid, locale, assignee_kind, assignee_uid)
);
CREATE INDEX IF NOT EXISTS entry_assignments_assignee ON entry_assignments (assignee_uid, assignee_kind);

-- publish_approvals holds the publish (or unpublish) request of one locale
-- of an entry under one publish rule and environment: status 0 requested,
-- 1 accepted, -1 rejected. entry_version is the entry's version when the
-- status was last set: an acceptance allows publishing that version only.
CREATE TABLE IF NOT EXISTS publish_approvals (
  api_key          TEXT NOT NULL,
  rule_uid         TEXT NOT NULL,
  entry_uid        TEXT NOT NULL,
  locale           TEXT NOT NULL,
  environment_uid  TEXT NOT NULL,
  action           TEXT NOT NULL,
  content_type_uid TEXT NOT NULL,
  status           INTEGER NOT NULL,
  entry_version    INTEGER NOT NULL,
  requested_by     TEXT NOT NULL DEFAULT '',
  requested_at     BIGINT NOT NULL,
  request_comment  TEXT NOT NULL DEFAULT '',
  decided_by       TEXT NOT NULL DEFAULT '',
  decided_at       BIGINT NOT NULL DEFAULT 0,
  decision_comment TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (api_key, entry_uid, locale, rule_uid, environment_uid, action)
);
