-- 0021: entry_terms, the index of entries' short text values. One row per
-- top-level string value (or string element of a top-level array) of at
-- most 128 bytes in an entry's current content, title aside (it has its
-- own column and index). A query {"field": "value"} or $in on such a field
-- first finds the entries through this table's primary key, then checks
-- the exact condition on each (entry_terms.go). Written with every write of
-- entries, in the same transaction.
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
  SELECT DISTINCT e.api_key, e.content_type_uid, e.locale, j.key, j.value, e.uid FROM entries e, json_each(e.data) j
  WHERE j.type = 'text' AND j.key <> 'title' AND length(CAST(j.value AS BLOB)) <= 128
  UNION
  SELECT e.api_key, e.content_type_uid, e.locale, j.key, k.value, e.uid FROM entries e, json_each(e.data) j, json_each(CASE WHEN j.type = 'array' THEN j.value ELSE '[]' END) k
  WHERE j.type = 'array' AND k.type = 'text' AND j.key <> 'title' AND length(CAST(k.value AS BLOB)) <= 128;
