-- 0021: entry_terms, the index of entries' short text values (see the
-- SQLite file for what it holds and why).
CREATE TABLE entry_terms (
  api_key          TEXT NOT NULL,
  branch           TEXT NOT NULL DEFAULT 'main',
  content_type_uid TEXT NOT NULL,
  locale           TEXT NOT NULL,
  field            TEXT NOT NULL,
  value            TEXT NOT NULL,
  uid              TEXT NOT NULL,
  PRIMARY KEY (api_key, branch, content_type_uid, locale, field, value, uid)
);
CREATE INDEX entry_terms_entry ON entry_terms (api_key, branch, uid, locale);
INSERT INTO entry_terms (api_key, content_type_uid, locale, field, value, uid)
  SELECT e.api_key, e.content_type_uid, e.locale, j.key, j.value #>> '{}', e.uid
  FROM entries e, jsonb_each(CAST(e.data AS jsonb)) j
  WHERE jsonb_typeof(j.value) = 'string' AND j.key <> 'title' AND octet_length(j.value #>> '{}') <= 128
  UNION
  SELECT e.api_key, e.content_type_uid, e.locale, j.key, k.value #>> '{}', e.uid
  FROM entries e, jsonb_each(CAST(e.data AS jsonb)) j,
    jsonb_array_elements(CASE WHEN jsonb_typeof(j.value) = 'array' THEN j.value ELSE '[]'::jsonb END) k
  WHERE jsonb_typeof(j.value) = 'array' AND jsonb_typeof(k.value) = 'string' AND j.key <> 'title'
  AND octet_length(k.value #>> '{}') <= 128;
-- Statistics for the planner now, not at autovacuum's next pass.
ANALYZE entry_terms;
