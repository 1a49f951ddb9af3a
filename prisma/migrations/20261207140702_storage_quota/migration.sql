-- AlterTable
ALTER TABLE "User" ADD COLUMN     "storageBytes" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Snippet" ADD COLUMN     "storageBytes" INTEGER NOT NULL DEFAULT 0;
