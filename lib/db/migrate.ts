import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import { getPglite } from "@/lib/db/client";
import { getEnv } from "@/lib/env";

/**
 * Applies prisma/migrations/<name>/migration.sql files in name order, keeping Prisma's own
 * `_prisma_migrations` table so the Prisma CLI (on a machine where it works) agrees on what is
 * applied. Runs over a raw connection rather than Prisma Client because migration files hold
 * many statements, which the extended query protocol behind Prisma's raw queries refuses.
 * Not `server-only`: the launcher and the CLI run it.
 */

/** Prisma Migrate's own advisory lock key, so our runs also exclude a concurrent `prisma migrate deploy`. */
const ADVISORY_LOCK_KEY = 72707369;

// Same definition as Prisma Migrate's, so either tool can create it.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

type TQuery = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** What applying needs from a connection; implemented over node-postgres and over PGlite. */
type TMigrationConnection = {
  query: TQuery;
  /** Runs `fn` in one transaction; `exec` accepts several statements. */
  transaction(fn: (tx: { exec(sql: string): Promise<void>; query: TQuery }) => Promise<void>): Promise<void>;
  close(): Promise<void>;
};

type TAppliedRow = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

/** A migration directory found on disk. */
export type TMigrationFile = { name: string; sql: string; checksum: string };

/** Thrown when the database's migration history disagrees with the files. */
export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

/** Migration directories under `dir` (default `prisma/migrations` of the repository), in name order. */
export function readMigrations(dir: string = path.join(process.cwd(), "prisma", "migrations")): TMigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

function pgliteConnection(db: PGlite): TMigrationConnection {
  const query =
    (q: PGlite | Transaction): TQuery =>
    async <T>(sql: string, params?: unknown[]) =>
      (await q.query<T>(sql, params)).rows;
  return {
    query: query(db),
    async transaction(fn) {
      await db.transaction(async (tx) => {
        await fn({ exec: async (sql) => void (await tx.exec(sql)), query: query(tx) });
      });
    },
    // The instance belongs to lib/db/client; closeDb() closes it.
    async close() {},
  };
}

async function pgConnection(connectionString: string): Promise<TMigrationConnection> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const query: TQuery = async <T>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as T[];
  // Serialises concurrent migrators (several app processes starting at once) on this session.
  await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
  return {
    query,
    async transaction(fn) {
      await client.query("BEGIN");
      try {
        // Without parameters node-postgres uses the simple protocol, which runs many statements.
        await fn({ exec: async (sql) => void (await client.query(sql)), query });
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        throw e;
      }
    },
    async close() {
      try {
        await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`, each in its own transaction.
 * Uses DATABASE_URL (with Prisma's advisory lock, so concurrent starts apply each migration once)
 * or the process's embedded PGlite database. Throws `MigrationError` if an applied migration's
 * file has changed or an earlier run failed half-way.
 * @returns the names of the migrations applied by this call.
 */
export function applyMigrations(options: { migrationsDir?: string; log?: (line: string) => void } = {}): Promise<{ applied: string[] }> {
  // Calls within one process queue up: the advisory lock serialises processes, but PGlite has
  // no second session to take it from, and two overlapping runs would both try the same file.
  const run = inProcessQueue.then(() => applyPending(options));
  inProcessQueue = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

let inProcessQueue: Promise<void> = Promise.resolve();

async function applyPending(options: { migrationsDir?: string; log?: (line: string) => void }): Promise<{ applied: string[] }> {
  const migrations = readMigrations(options.migrationsDir);
  const env = getEnv();
  const conn = env.databaseUrl ? await pgConnection(env.databaseUrl) : pgliteConnection(getPglite()!);
  try {
    await conn.query(CREATE_MIGRATIONS_TABLE);
    const rows = await conn.query<TAppliedRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`);
    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} was started but never finished on this database. ` +
          "Repair the database by hand, then mark it rolled back (prisma migrate resolve --rolled-back) before starting again.",
      );
    }
    const done = new Map(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const applied: string[] = [];
    for (const m of migrations) {
      const row = done.get(m.name);
      if (row) {
        if (row.checksum !== m.checksum) {
          throw new MigrationError(
            `Migration ${m.name} was changed after it was applied to this database ` +
              `(recorded checksum ${row.checksum.slice(0, 12)}…, file now ${m.checksum.slice(0, 12)}…). ` +
              "Restore the original migration.sql and put the change in a new migration.",
          );
        }
        continue;
      }
      try {
        await conn.transaction(async (tx) => {
          await tx.exec(m.sql);
          await tx.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
             VALUES ($1, $2, now(), $3, NULL, NULL, now(), 1)`,
            [randomUUID(), m.checksum, m.name],
          );
        });
      } catch (e) {
        throw new MigrationError(`Migration ${m.name} failed and was rolled back: ${e instanceof Error ? e.message : String(e)}`, {
          cause: e,
        });
      }
      options.log?.(`Applied migration ${m.name}`);
      applied.push(m.name);
    }
    return { applied };
  } finally {
    await conn.close();
  }
}
