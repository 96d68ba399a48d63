-- 0011: the per-stack change counter. One row per stack; seq is bumped in
-- the transaction of every publish, unpublish, delete and credential change
-- (see seq.go). The row lock taken by the bump orders concurrent commits,
-- so seq order is commit order on every instance: the sync API's order,
-- the webhook outbox's order and the freshness check of caches.
CREATE TABLE stack_seq (
  api_key TEXT PRIMARY KEY,
  seq     BIGINT NOT NULL
);
