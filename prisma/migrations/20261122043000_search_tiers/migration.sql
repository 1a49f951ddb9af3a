-- Search index, second step (measured with bench/search on 100,000 snippets): ranking must read
-- only small, uncompressed vectors kept in the row, and suggestions match titles alone.

-- The title's own vector, for the search box's suggestions (a GIN index of titles only, so a
-- word common in blurbs but rare in titles costs little).
ALTER TABLE "SearchDoc" ADD COLUMN "titleVec" TSVECTOR NOT NULL DEFAULT ''::tsvector;
UPDATE "SearchDoc" SET "titleVec" = to_tsvector('english', regexp_replace(title, '[^[:alnum:]]+', ' ', 'g'));
ALTER TABLE "SearchDoc" ALTER COLUMN "titleVec" DROP DEFAULT;
CREATE INDEX "SearchDoc_titleVec_idx" ON "SearchDoc" USING GIN ("titleVec");

-- head stays in the row (MAIN: moved out only past a page); the file texts and the content
-- vector go out of the row uncompressed (EXTERNAL), read only for a page of results or a
-- recency walk. With toast_tuple_target 256 the ranking vector itself was moved out, and each
-- ranked row cost a TOAST fetch.
ALTER TABLE "SearchDoc" ALTER COLUMN "head" SET STORAGE MAIN;
ALTER TABLE "SearchDoc" ALTER COLUMN "titleVec" SET STORAGE MAIN;
ALTER TABLE "SearchDoc" ALTER COLUMN "content" SET STORAGE EXTERNAL;
ALTER TABLE "SearchDoc" ALTER COLUMN "texts" SET STORAGE EXTERNAL;
ALTER TABLE "SearchDoc" SET (toast_tuple_target = 1024);

-- No pending lists: with fastupdate a GIN index collects new entries in an unsorted list (up
-- to 4 MB) that every search scans until VACUUM merges it, ~10x slower lookups after a burst of
-- writes. Snippets are written far less often than searched.
ALTER INDEX "SearchDoc_content_idx" SET (fastupdate = off);
ALTER INDEX "SearchDoc_head_idx" SET (fastupdate = off);
ALTER INDEX "SearchDoc_titleVec_idx" SET (fastupdate = off);
ALTER INDEX "SearchDoc_tagPaths_idx" SET (fastupdate = off);
ALTER INDEX "SearchWord_trgm_idx" SET (fastupdate = off);
