/**
 * Writes shared values of a snippet through lib/shared, as runs of it will (for
 * test/e2e/shared-values.spec.ts, before the execution side is wired to `shared`).
 * Finds the e2e site's database by the snippet's owner (every e2e run has its own database,
 * `cellar_e2e_<hex>`, and the test's usernames are unique), then writes each value as that
 * user through handleSharedRequest. Prints `{"ok": true, "revisions": [...]}`.
 * Run with: node node_modules/tsx/dist/cli.mjs --conditions=react-server test/e2e/support/seed-shared.ts <owner> <slug> '<{"key": value, ...}>'
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

const [owner, slug, json] = process.argv.slice(2);
if (!owner || !slug || !json) throw new Error("usage: seed-shared.ts <owner> <slug> <values as JSON>");
const values = JSON.parse(json) as Record<string, unknown>;
const adminUrl = process.env.CELLAR_TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function findDatabase(): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'cellar\\_e2e\\_%'");
  await admin.end();
  for (const { datname } of rows) {
    const url = new URL(adminUrl);
    url.pathname = `/${datname}`;
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      const found = await client.query('SELECT 1 FROM "User" WHERE "username" = $1', [owner]);
      if (found.rowCount) return url.toString();
    } catch {
      // Being created or dropped by another run, or not migrated yet.
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw new Error(`no e2e database has a user ${owner}`);
}

process.env.DATABASE_URL = await findDatabase();
delete process.env.NATS_URL;
const scratch = mkdtempSync(join(tmpdir(), "cellar-seed-shared-"));
process.env.DATA_DIR = scratch;
process.env.AUTH_SECRET ??= "seed-shared-values-not-a-real-secret";

const { getDb, closeDb } = await import("@/lib/db/client");
const { resolveSharedScope } = await import("@/lib/shared/resolve-shared-scope");
const { handleSharedRequest } = await import("@/lib/shared/handle-shared-request");
try {
  const snippet = await getDb().snippet.findFirstOrThrow({ where: { slug, owner: { username: owner } }, include: { owner: true } });
  const scope = await resolveSharedScope({ snippetId: snippet.id, actor: { id: snippet.owner.id, username: snippet.owner.username } });
  const revisions: number[] = [];
  for (const [key, value] of Object.entries(values)) {
    const reply = await handleSharedRequest({ scope, request: { op: "set", key, value } });
    if (!reply.ok || !("revision" in reply)) throw new Error(`set ${key}: ${JSON.stringify(reply)}`);
    revisions.push(reply.revision);
  }
  process.stdout.write(`${JSON.stringify({ ok: true, revisions })}\n`);
} finally {
  await closeDb();
  rmSync(scratch, { recursive: true, force: true });
}
