-- Search index of the Postgres engine (lib/search/postgres-engine.ts). Hand-written: these
-- tables are derived data kept by lib/search alone (rebuilt by `bin/cellar reindex`), and use
-- types Prisma cannot model (tsvector, trigram indexes), so they are not in schema.prisma.

-- Trigram similarity for typo tolerance. On PGlite the extension must also be loaded by the
-- client (lib/db/client.ts passes it to the PGlite constructor).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per public snippet: what is shown in results, what is matched, what is ranked.
CREATE TABLE "SearchDoc" (
    "snippetId" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "ownerName" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "blurb" TEXT NOT NULL,
    "tags" TEXT[] NOT NULL,
    -- The tags and all their ancestors ("calculus", "calculus/limits"), so a tag filter finds descendants.
    "tagPaths" TEXT[] NOT NULL,
    "paths" TEXT[] NOT NULL,
    -- Text of each file in "paths" (binary files ''), capped per file; read back to find the matching line.
    "texts" TEXT[] NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    -- Title (A), tags, author and file names (B), blurb (C): small, kept in the row, used for ranking.
    "head" TSVECTOR NOT NULL,
    -- head plus the file contents (D): matched through its GIN index only, never read per row.
    "content" TSVECTOR NOT NULL,

    CONSTRAINT "SearchDoc_pkey" PRIMARY KEY ("snippetId"),
    -- A row never outlives its snippet, even if removing it from the index failed.
    CONSTRAINT "SearchDoc_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- Moves the file texts and the content vector out of the row (TOAST) even when small, so the
-- rows that ranking reads stay a few hundred bytes and a query touches few pages.
ALTER TABLE "SearchDoc" SET (toast_tuple_target = 256);

CREATE INDEX "SearchDoc_content_idx" ON "SearchDoc" USING GIN ("content");
CREATE INDEX "SearchDoc_head_idx" ON "SearchDoc" USING GIN ("head");
CREATE INDEX "SearchDoc_tagPaths_idx" ON "SearchDoc" USING GIN ("tagPaths");
CREATE INDEX "SearchDoc_updatedAt_idx" ON "SearchDoc" ("updatedAt");

-- Every word seen in indexed text: the vocabulary a mistyped query word is corrected against.
-- Only grows (a word no snippet uses any more just finds nothing); reindex starts it afresh.
CREATE TABLE "SearchWord" (
    "word" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "SearchWord_pkey" PRIMARY KEY ("word")
);

CREATE INDEX "SearchWord_trgm_idx" ON "SearchWord" USING GIN ("word" gin_trgm_ops);
