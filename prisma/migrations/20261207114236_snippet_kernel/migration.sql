-- AlterTable
ALTER TABLE "Snippet" ADD COLUMN     "kernel" TEXT;
