/**
 * A throw-away database on the local Postgres, for one e2e run or one benchmark run.
 * CELLAR_TEST_PG_ADMIN_URL names the maintenance database to connect to for CREATE/DROP.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

// The same setting and default as the integration tests (test/support/global-setup.ts).
const adminUrl = process.env.CELLAR_TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type TFreshDatabase = { name: string; url: string };

/** Creates `<prefix>_<random>` and returns its name and connection URL. */
export async function createFreshDatabase(prefix: string): Promise<TFreshDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await withAdmin(async (client) => {
    // The name is ours (prefix + hex), so quoting it as an identifier is enough.
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops the database, ending any sessions still connected to it. */
export async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

async function withAdmin(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`cannot reach Postgres at ${adminUrl} (is it running? \`pg_isready -h 127.0.0.1\`)`, { cause: error });
  }
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
