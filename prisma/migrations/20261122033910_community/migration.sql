-- CreateEnum
CREATE TYPE "License" AS ENUM ('CC_BY_SA_4_0', 'CC_BY_4_0', 'CC0_1_0', 'MIT', 'GPL_3_0_OR_LATER', 'ALL_RIGHTS_RESERVED');

-- CreateEnum
CREATE TYPE "ActivityKind" AS ENUM ('CREATE', 'COMMIT', 'FORK', 'COMMENT', 'RATE');

-- AlterTable
ALTER TABLE "Snippet" ADD COLUMN     "hasInteracts" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "language" TEXT NOT NULL DEFAULT 'python',
ADD COLUMN     "license" "License" NOT NULL DEFAULT 'CC_BY_SA_4_0',
ADD COLUMN     "networkId" TEXT,
ADD COLUMN     "ratingCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "ratingSum" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "relatedTags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "runCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "thumbnailRev" TEXT,
ADD COLUMN     "viewCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "Comment" (
    "id" TEXT NOT NULL,
    "snippetId" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "rev" TEXT NOT NULL,
    "path" TEXT,
    "line" INTEGER,
    "lineText" TEXT,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rating" (
    "snippetId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "stars" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Rating_pkey" PRIMARY KEY ("snippetId","userId")
);

-- CreateTable
CREATE TABLE "SnippetHit" (
    "snippetId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "visitor" TEXT NOT NULL,
    "day" TEXT NOT NULL,

    CONSTRAINT "SnippetHit_pkey" PRIMARY KEY ("snippetId","kind","visitor","day")
);

-- CreateTable
CREATE TABLE "Thumbnail" (
    "snippetId" TEXT NOT NULL,
    "rev" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Thumbnail_pkey" PRIMARY KEY ("snippetId","rev")
);

-- CreateTable
CREATE TABLE "RelatedSnippet" (
    "snippetId" TEXT NOT NULL,
    "relatedId" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RelatedSnippet_pkey" PRIMARY KEY ("snippetId","relatedId")
);

-- CreateTable
CREATE TABLE "Activity" (
    "id" TEXT NOT NULL,
    "kind" "ActivityKind" NOT NULL,
    "actorId" TEXT NOT NULL,
    "snippetId" TEXT,
    "networkId" TEXT,
    "rev" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Activity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Comment_snippetId_createdAt_idx" ON "Comment"("snippetId", "createdAt");

-- CreateIndex
CREATE INDEX "Comment_authorId_idx" ON "Comment"("authorId");

-- CreateIndex
CREATE INDEX "Rating_userId_idx" ON "Rating"("userId");

-- CreateIndex
CREATE INDEX "SnippetHit_day_idx" ON "SnippetHit"("day");

-- CreateIndex
CREATE INDEX "RelatedSnippet_relatedId_idx" ON "RelatedSnippet"("relatedId");

-- CreateIndex
CREATE INDEX "Activity_actorId_createdAt_idx" ON "Activity"("actorId", "createdAt");

-- CreateIndex
CREATE INDEX "Activity_networkId_createdAt_idx" ON "Activity"("networkId", "createdAt");

-- CreateIndex
CREATE INDEX "Snippet_networkId_idx" ON "Snippet"("networkId");

-- CreateIndex
CREATE INDEX "Snippet_visibility_ratingCount_idx" ON "Snippet"("visibility", "ratingCount");

-- CreateIndex
CREATE INDEX "Snippet_visibility_viewCount_idx" ON "Snippet"("visibility", "viewCount");

-- CreateIndex
CREATE INDEX "Snippet_visibility_runCount_idx" ON "Snippet"("visibility", "runCount");

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SnippetHit" ADD CONSTRAINT "SnippetHit_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Thumbnail" ADD CONSTRAINT "Thumbnail_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RelatedSnippet" ADD CONSTRAINT "RelatedSnippet_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RelatedSnippet" ADD CONSTRAINT "RelatedSnippet_relatedId_fkey" FOREIGN KEY ("relatedId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Backfill: each snippet's fork network is the root of its chain of parents (itself when it is no fork).
WITH RECURSIVE chain AS (
    SELECT "id", "id" AS "root" FROM "Snippet" WHERE "forkedFromId" IS NULL
    UNION ALL
    SELECT s."id", c."root" FROM "Snippet" s JOIN chain c ON s."forkedFromId" = c."id"
)
UPDATE "Snippet" s SET "networkId" = chain."root" FROM chain WHERE s."id" = chain."id";

-- Tags are paths; a tag's descendants are found by prefix ("calculus/%").
CREATE INDEX "Tag_name_prefix_idx" ON "Tag" ("name" text_pattern_ops);
