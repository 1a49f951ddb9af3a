-- CreateTable
CREATE TABLE "CellLink" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "kernel" TEXT NOT NULL,
    "interacts" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "creatorId" TEXT,

    CONSTRAINT "CellLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CellLink_creatorId_idx" ON "CellLink"("creatorId");

-- AddForeignKey
ALTER TABLE "CellLink" ADD CONSTRAINT "CellLink_creatorId_fkey" FOREIGN KEY ("creatorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
