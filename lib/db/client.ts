import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { getEnv } from "@/lib/env";
import { PrismaClient } from "@/lib/db/generated/client";
import { stopListening } from "@/lib/db/notifications";
import { acquirePgliteLock, releasePgliteLock } from "@/lib/db/pglite-lock";

/**
 * The database connection of the process. Not `server-only`: the launcher, the CLI and the
 * seed script use it too. Kept on `globalThis` so Next's dev-mode module reloading (and vitest
 * module isolation within one worker) does not open a second pool or a second PGlite instance.
 */

type TDbState = {
  prisma: PrismaClient;
  /** Set when the embedded database is in use; migrations talk to it directly. */
  pglite: { instance: PGlite; dir: string } | undefined;
};

const globalForDb = globalThis as typeof globalThis & { __cellarDb?: TDbState };

function open(): TDbState {
  const env = getEnv();
  if (env.databaseUrl) {
    // JIT off: the site's queries are short, and Postgres' estimate for some (the search's word
    // lookups: a lateral join over an unnest) passes jit_above_cost, so it spent ~15 ms compiling
    // a query that runs in 1 ms (bench/search). A setting of the connection, like the URL's own.
    const adapter = new PrismaPg({ connectionString: env.databaseUrl, options: "-c jit=off" });
    return { prisma: new PrismaClient({ adapter }), pglite: undefined };
  }
  acquirePgliteLock(env.pgliteDir);
  try {
    // pg_trgm backs the search index's typo tolerance (lib/search); PGlite loads contrib extensions only when named here.
    const instance = new PGlite(env.pgliteDir, { extensions: { pg_trgm } });
    return { prisma: new PrismaClient({ adapter: new PrismaPGlite(instance) }), pglite: { instance, dir: env.pgliteDir } };
  } catch (e) {
    releasePgliteLock(env.pgliteDir);
    throw e;
  }
}

function state(): TDbState {
  globalForDb.__cellarDb ??= open();
  return globalForDb.__cellarDb;
}

/**
 * The one PrismaClient of this process: PostgreSQL when DATABASE_URL is set, otherwise the
 * embedded PGlite database in PGLITE_DIR. Throws `PgliteLockedError` when another process owns
 * that directory.
 */
export function getDb(): PrismaClient {
  return state().prisma;
}

/** The embedded database instance, or undefined when DATABASE_URL points at a server. Opens the db. */
export function getPglite(): PGlite | undefined {
  return state().pglite?.instance;
}

/**
 * Closes the connection (and the embedded database, releasing its ownership lock) so another
 * process can use it, and the connection that listens for notifications (lib/db/notifications.ts).
 * A later `getDb()` opens a fresh one.
 */
export async function closeDb(): Promise<void> {
  await stopListening();
  const current = globalForDb.__cellarDb;
  if (!current) return;
  delete globalForDb.__cellarDb;
  try {
    await current.prisma.$disconnect();
  } finally {
    if (current.pglite) {
      try {
        await current.pglite.instance.close();
      } finally {
        releasePgliteLock(current.pglite.dir);
      }
    }
  }
}
