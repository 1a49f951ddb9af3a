import { defineConfig } from "prisma/config";

// The CLI is used offline only for `prisma generate`; migrations are made and applied by
// scripts/migrate-diff.ts and lib/db/migrate.ts (see docs/architecture.md).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/cellar" },
});
