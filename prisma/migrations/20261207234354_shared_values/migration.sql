-- AlterTable
ALTER TABLE "Snippet" ADD COLUMN     "sharedAnonymousWrites" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "SharedValue" (
    "snippetId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "revision" BIGSERIAL NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedBy" TEXT,

    CONSTRAINT "SharedValue_pkey" PRIMARY KEY ("snippetId","key")
);

-- AddForeignKey
ALTER TABLE "SharedValue" ADD CONSTRAINT "SharedValue_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SharedValue" ADD CONSTRAINT "SharedValue_updatedBy_fkey" FOREIGN KEY ("updatedBy") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
