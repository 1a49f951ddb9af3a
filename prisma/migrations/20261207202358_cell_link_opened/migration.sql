-- AlterTable
ALTER TABLE "CellLink" ADD COLUMN     "lastOpenedAt" TIMESTAMP(3);
