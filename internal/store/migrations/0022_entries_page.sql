-- 0022: the order of a page of entries. Lists sort by updated_at DESC with
-- uid ASC as the tie-break, which the index entries_updated (updated_at
-- only, ascending) gives only up to the tie-break: the engine then sorted
-- again (SQLite: a temporary b-tree as large as skip + limit; PostgreSQL:
-- an incremental sort). An index in exactly that order serves a page
-- straight, and holds uid, so a large skip walks the index alone.
-- docs/performance.md has the time this takes on a million entries.
CREATE INDEX entries_page ON entries (api_key, content_type_uid, locale, updated_at DESC, uid);
DROP INDEX entries_updated;
