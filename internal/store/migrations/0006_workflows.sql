-- 0006: workflows and publish rules.
-- A workflow's stages, branches, content types and admin users are JSON
-- text: a stack has at most 10 workflows and they are always read whole.

CREATE TABLE IF NOT EXISTS workflows (
  uid           TEXT PRIMARY KEY,
  api_key       TEXT NOT NULL,
  name          TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  enabled       BOOLEAN NOT NULL DEFAULT TRUE,
  branches      TEXT NOT NULL,
  content_types TEXT NOT NULL,
  admin_users   TEXT NOT NULL,
  stages        TEXT NOT NULL,
  created_by    TEXT NOT NULL DEFAULT '',
  updated_by    TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS workflows_stack ON workflows (api_key, created_at);

-- environment_uid is always a uid: a request naming the environment is
-- resolved before the rule is stored.
CREATE TABLE IF NOT EXISTS publish_rules (
  uid                         TEXT PRIMARY KEY,
  api_key                     TEXT NOT NULL,
  workflow_uid                TEXT NOT NULL,
  stage_uid                   TEXT NOT NULL,
  environment_uid             TEXT NOT NULL,
  actions                     TEXT NOT NULL,
  branches                    TEXT NOT NULL,
  content_types               TEXT NOT NULL,
  locales                     TEXT NOT NULL,
  approvers                   TEXT NOT NULL,
  disable_approver_publishing BOOLEAN NOT NULL DEFAULT FALSE,
  created_by                  TEXT NOT NULL DEFAULT '',
  updated_by                  TEXT NOT NULL DEFAULT '',
  created_at                  BIGINT NOT NULL,
  updated_at                  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS publish_rules_stack ON publish_rules (api_key, created_at);
CREATE INDEX IF NOT EXISTS publish_rules_workflow ON publish_rules (workflow_uid);
