/**
 * Playwright's webServer: starts the built site (`npm start`) on CELLAR_E2E_PORT with a fresh
 * Postgres database and fresh repos/data directories, and removes all three when it is stopped.
 *
 * Why not a Playwright globalSetup: Playwright starts the webServer before globalSetup runs,
 * so the database must exist before then, and only this process knows when the server is gone
 * and the database can be dropped.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFreshDatabase, dropDatabase } from "./fresh-database";

const port = process.env.CELLAR_E2E_PORT;
if (!port) fail("CELLAR_E2E_PORT is not set (playwright.config.ts sets it)");

const distDir = process.env.NEXT_DIST_DIR ?? ".next";
if (!existsSync(join(distDir, "BUILD_ID"))) {
  fail(`no built site in ${distDir}/: run \`npm run build\` first (scripts/test.sh does)`);
}

const database = await createFreshDatabase("cellar_e2e").catch((error: unknown) =>
  fail(error instanceof Error ? error.message : String(error)),
);
const root = mkdtempSync(join(tmpdir(), "cellar-e2e-"));
console.log(`e2e: database ${database.name}, files in ${root}`);

const server = spawn("npm", ["start", "--silent"], {
  env: {
    ...process.env,
    PORT: port,
    DATABASE_URL: database.url,
    REPOS_DIR: join(root, "repos"),
    DATA_DIR: join(root, "data"),
    AUTH_URL: `http://127.0.0.1:${port}`,
    // Tests stand for many clients; each names its address in X-Forwarded-For (see fixtures.ts).
    TRUST_PROXY: "1",
  },
  stdio: "inherit",
  // Its own process group, so stopping it reaches `next start` below npm and tsx.
  detached: true,
});

let stopping = false;
async function cleanUp(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  if (server.exitCode === null && server.pid !== undefined) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    const timer = setTimeout(() => server.pid && process.kill(-server.pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await dropDatabase(database.name).catch((error: unknown) => {
    console.error(`e2e: could not drop database ${database.name}:`, error);
  });
  rmSync(root, { recursive: true, force: true });
  process.exit(code);
}

process.on("SIGTERM", () => void cleanUp(0));
process.on("SIGINT", () => void cleanUp(0));
server.on("exit", (code, signal) => {
  if (stopping) return;
  console.error(`e2e: the site exited early (${signal ?? `code ${code}`})`);
  void cleanUp(1);
});

function fail(message: string): never {
  console.error(`e2e: ${message}`);
  process.exit(1);
}
