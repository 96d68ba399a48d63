-- 0010: a stack's settings (GET/POST /v3/stacks/settings). A stack without
-- a row has the default settings: every section empty. settings is a JSON
-- object of sections, each an object of values kept as given.
CREATE TABLE IF NOT EXISTS stack_settings (
  api_key    TEXT PRIMARY KEY,
  settings   TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
