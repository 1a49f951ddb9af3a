/**
 * vitest globalSetup for the `integration` project: one fresh database and fresh data/repos
 * directories per run, migrated once. The settings travel to the test workers through
 * process.env, which the forked workers inherit.
 *
 * CELLAR_TEST_DB=pg (default): a database `cellar_test_<random>` on the local PostgreSQL, dropped
 * afterwards. CELLAR_TEST_DB=pglite: an embedded database in a temporary directory.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

const ADMIN_URL = process.env.CELLAR_TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** Runs `sql` on the maintenance database (CREATE/DROP DATABASE cannot run inside the target). */
async function admin(sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function databaseUrlFor(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export default async function setup(): Promise<() => Promise<void>> {
  const engine = process.env.CELLAR_TEST_DB ?? "pg";
  if (engine !== "pg" && engine !== "pglite") throw new Error(`CELLAR_TEST_DB must be "pg" or "pglite" (got "${engine}")`);

  const tmp = mkdtempSync(path.join(tmpdir(), "cellar-test-"));
  process.env.DATA_DIR = path.join(tmp, "data");
  process.env.REPOS_DIR = path.join(tmp, "repos");
  // A fixed secret keeps the test run from writing one into DATA_DIR at every env parse.
  process.env.AUTH_SECRET ??= randomBytes(32).toString("base64url");

  let dbName: string | undefined;
  if (engine === "pg") {
    dbName = `cellar_test_${randomBytes(6).toString("hex")}`;
    await admin(`CREATE DATABASE "${dbName}"`);
    process.env.DATABASE_URL = databaseUrlFor(dbName);
    delete process.env.PGLITE_DIR;
  } else {
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = path.join(tmp, "pglite");
  }

  // Imported after process.env is set: lib/env memoises what it reads first.
  const { resetEnvForTests } = await import("../../lib/env");
  const { closeDb } = await import("../../lib/db/client");
  const { applyMigrations } = await import("../../lib/db/migrate");
  resetEnvForTests();
  try {
    await applyMigrations();
  } finally {
    // Releases the PGlite directory so the test workers can open it.
    await closeDb();
  }

  return async () => {
    if (dbName) {
      // Connections a crashed worker left open would make DROP DATABASE fail.
      await admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [dbName]);
      await admin(`DROP DATABASE IF EXISTS "${dbName}"`);
    }
    rmSync(tmp, { recursive: true, force: true });
  };
}
