/**
 * Playwright's webServer: starts the built site (`npm start`) on CELLAR_E2E_PORT with a fresh
 * Postgres database and fresh repos/data directories, and removes all three when it is stopped.
 *
 * Why not a Playwright globalSetup: Playwright starts the webServer before globalSetup runs,
 * so the database must exist before then, and only this process knows when the server is gone
 * and the database can be dropped.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFreshDatabase, dropDatabase } from "./fresh-database";
import { stopProcessGroup } from "./process-group";
import { freePort } from "./free-port";

const port = process.env.CELLAR_E2E_PORT;
if (!port) fail("CELLAR_E2E_PORT is not set (playwright.config.ts sets it)");

const distDir = process.env.NEXT_DIST_DIR ?? ".next";
if (!existsSync(join(distDir, "BUILD_ID"))) {
  fail(`no built site in ${distDir}/: run \`npm run build\` first (scripts/test.sh does)`);
}

const database = await createFreshDatabase("cellar_e2e").catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
const root = mkdtempSync(join(tmpdir(), "cellar-e2e-"));
// mkdtemp makes it 0700; the sandbox user (65534) must walk through it to the run directories
// under DATA_DIR/exec, or the execution service refuses to start.
chmodSync(root, 0o711);
console.log(`e2e: database ${database.name}, files in ${root}`);

const server = spawn("npm", ["start", "--silent"], {
  env: {
    ...process.env,
    PORT: port,
    DATABASE_URL: database.url,
    REPOS_DIR: join(root, "repos"),
    DATA_DIR: join(root, "data"),
    AUTH_URL: `http://127.0.0.1:${port}`,
    // Tests stand for many clients; each names its address in X-Forwarded-For (see fixtures.ts),
    // as a proxy in front would append it (the site counts the right-most entry).
    TRUST_PROXY: "1",
    // What the browser sends itself (pages, event streams) comes from 127.0.0.1 for every test:
    // the per-client limits, raised for this one shared address (never for an address in the site).
    RATE_LIMIT_SCALE: "20",
    // Its own execution service, beside any other site on this machine (run dirs are under DATA_DIR);
    // CELLAR_E2E_EXEC_URL when the caller must reach it too (the benchmarks' baselines).
    EXEC_URL: process.env.CELLAR_E2E_EXEC_URL ?? `http://127.0.0.1:${await freePort()}`,
  },
  stdio: "inherit",
  // Its own process group, so stopping it reaches the web server and execution service below npm and tsx.
  detached: true,
});

let stopping = false;
/** Stops the site, then removes its database and files. Runs once, whatever signals follow. */
async function cleanUp(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await stopProcessGroup(server);
  try {
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  } catch (error) {
    console.error(`e2e: could not remove ${root}:`, error);
  }
  await dropDatabase(database.name).catch((error: unknown) => {
    console.error(`e2e: could not drop database ${database.name}:`, error);
  });
  process.exit(code);
}

// Playwright signals the whole process group (npx, tsx and this script), so the same signal
// can arrive more than once; cleanUp ignores the repeats.
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.on(signal, () => void cleanUp(0));
// Once Playwright has gone, writing to its pipe fails with EPIPE; that must not stop the cleanup.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});
server.on("exit", (code, signal) => {
  if (stopping) return;
  console.error(`e2e: the site exited early (${signal ?? `code ${code}`})`);
  void cleanUp(1);
});

function fail(message: string): never {
  console.error(`e2e: ${message}`);
  process.exit(1);
}
