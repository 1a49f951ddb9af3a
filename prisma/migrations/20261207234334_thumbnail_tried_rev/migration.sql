-- AlterTable
ALTER TABLE "Snippet" ADD COLUMN     "thumbnailTriedRev" TEXT;
