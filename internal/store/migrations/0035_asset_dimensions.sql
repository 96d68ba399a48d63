-- 0035: the pixel size of image assets, read from the file's header when it
-- is uploaded or replaced (include_dimension). 0 means unknown: a file that
-- is not a JPEG, PNG, GIF or WebP image, or one uploaded before this
-- migration (left so; the dimension is then absent from the JSON).
ALTER TABLE assets ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE assets ADD COLUMN height INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset_versions ADD COLUMN width INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asset_versions ADD COLUMN height INTEGER NOT NULL DEFAULT 0;
