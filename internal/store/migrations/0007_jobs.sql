-- 0007: background jobs (scheduled publishing, bulk operations), claimed
-- in the database so that with several instances each runs exactly once.

CREATE TABLE IF NOT EXISTS jobs (
  uid         TEXT PRIMARY KEY,
  api_key     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  payload     TEXT NOT NULL DEFAULT '{}',
  status      TEXT NOT NULL,
  run_at      BIGINT NOT NULL,
  claimed_by  TEXT NOT NULL DEFAULT '',
  claim_until BIGINT NOT NULL DEFAULT 0,
  attempts    INTEGER NOT NULL DEFAULT 0,
  result      TEXT NOT NULL DEFAULT '{}',
  error       TEXT NOT NULL DEFAULT '',
  created_by  TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, run_at);
CREATE INDEX IF NOT EXISTS jobs_stack ON jobs (api_key, created_at);
