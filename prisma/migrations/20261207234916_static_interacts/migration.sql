-- CreateTable
CREATE TABLE "StaticRun" (
    "id" TEXT NOT NULL,
    "snippetId" TEXT NOT NULL,
    "rev" TEXT NOT NULL,
    "messages" JSONB NOT NULL,
    "interacts" JSONB NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StaticRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaticFrame" (
    "runId" TEXT NOT NULL,
    "interact" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "msgId" TEXT NOT NULL,
    "messages" JSONB NOT NULL,

    CONSTRAINT "StaticFrame_pkey" PRIMARY KEY ("runId","interact","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "StaticRun_snippetId_rev_key" ON "StaticRun"("snippetId", "rev");

-- AddForeignKey
ALTER TABLE "StaticRun" ADD CONSTRAINT "StaticRun_snippetId_fkey" FOREIGN KEY ("snippetId") REFERENCES "Snippet"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StaticFrame" ADD CONSTRAINT "StaticFrame_runId_fkey" FOREIGN KEY ("runId") REFERENCES "StaticRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;
