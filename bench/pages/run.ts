/**
 * Page benchmark: how many snippet pages per second the built site serves on loopback, and
 * its latency at a steady 500 requests/s. Prints figures; asserts nothing.
 *
 *   npm run build && npx tsx bench/pages/run.ts         starts the built site itself
 *   BASE_URL=http://127.0.0.1:3000 CELLAR_TOKEN=cellar_… npx tsx bench/pages/run.ts
 *
 * Settings (environment):
 *   BASE_URL       a running site to measure; otherwise the built site (.next, or NEXT_DIST_DIR)
 *                  is started on a free port with fresh data, repos and database, removed after.
 *   BENCH_DB       pglite (default, as `npm run serve`) or pg (a fresh cellar_bench_* database
 *                  on the local Postgres) for the site started here.
 *   CELLAR_TOKEN   with BASE_URL: an API token, used to create the two-file snippet measured.
 *   BENCH_PATH     measure this path instead of a new snippet (e.g. `/` for the home page).
 *   BENCH_SECONDS  length of each measurement (10).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon, { type TAutocannonResult } from "autocannon";
import { z } from "zod";
import { openLoop } from "./open-loop";
import { createFreshDatabase, dropDatabase, type TFreshDatabase } from "../../test/e2e/support/fresh-database";
import { stopProcessGroup } from "../../test/e2e/support/process-group";
import { freePort } from "../../test/e2e/support/free-port";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const STEADY_RATE = 500;

const ZCreated = z.object({ owner: z.string(), slug: z.string(), url: z.string() });

type TSite = { baseUrl: string; token?: string; stop: () => Promise<void> };

async function main(): Promise<void> {
  const site = process.env.BASE_URL
    ? { baseUrl: process.env.BASE_URL.replace(/\/$/, ""), token: process.env.CELLAR_TOKEN, stop: async () => {} }
    : await startBuiltSite();
  // The site runs in its own process group, which Ctrl-C in this terminal does not reach.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void site.stop().finally(() => process.exit(130)));
  }
  try {
    const path = process.env.BENCH_PATH ?? (await createSnippet(site));
    const label = process.env.BENCH_PATH ? `page ${path}` : "snippet page";
    const url = site.baseUrl + path;
    await warm(url, process.env.BENCH_PATH ? undefined : SNIPPET_TITLE);

    const max = await measure({ url, connections: CONNECTIONS, duration: seconds });
    console.log(
      `${label} max: ${count(max.requests.average)} req/s, p50 ${ms(max.latency.p50)}, ` + `p99 ${ms(max.latency.p99)} (target ≥ 1,500 req/s)${problems(max)}`,
    );
    const even = await openLoop({ url, rate: STEADY_RATE, seconds });
    console.log(
      `${label} at ${STEADY_RATE} req/s (evenly spaced, open loop): p50 ${ms(even.p50)}, p99 ${ms(even.p99)}, max ${ms(even.max)} ` +
        `(target p99 ≤ 50 ms)${even.failed > 0 ? ` — WARNING: ${even.failed} of ${even.sent} failed` : ""}`,
    );
    const steady = await measure({ url, connections: CONNECTIONS, duration: seconds, overallRate: STEADY_RATE });
    console.log(
      `${label} at ${STEADY_RATE} req/s (autocannon: ${CONNECTIONS} connections, each in bursts): p50 ${ms(steady.latency.p50)}, ` +
        `p99 ${ms(steady.latency.p99)}${problems(steady)}`,
    );
  } finally {
    await site.stop();
  }
}

/** Starts `npm start` on fresh state, with a user and an API token made by the admin CLI. */
async function startBuiltSite(): Promise<TSite> {
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  if (!existsSync(join(distDir, "BUILD_ID"))) {
    throw new Error(`no built site in ${distDir}/: run \`npm run build\` first, or give BASE_URL`);
  }
  const engine = process.env.BENCH_DB ?? "pglite";
  if (engine !== "pglite" && engine !== "pg") throw new Error(`BENCH_DB must be pglite or pg, not ${engine}`);

  const root = mkdtempSync(join(tmpdir(), "cellar-bench-"));
  let database: TFreshDatabase | undefined;
  let server: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (server) await stopProcessGroup(server);
    if (database) await dropDatabase(database.name);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATA_DIR: join(root, "data"),
      REPOS_DIR: join(root, "repos"),
      AUTH_URL: `http://127.0.0.1:${port}`,
      // `npm start` also starts an execution service: give it a port of its own.
      EXEC_URL: `http://127.0.0.1:${await freePort()}`,
    };
    if (engine === "pg") {
      database = await createFreshDatabase("cellar_bench");
      env.DATABASE_URL = database.url;
    } else {
      delete env.DATABASE_URL;
      env.PGLITE_DIR = join(root, "pglite");
    }

    // The CLI runs before the server: a PGlite directory has one owner at a time.
    let token: string | undefined;
    if (!process.env.BENCH_PATH) {
      cli(env, ["migrate"]);
      cli(env, ["user", "add", "bench", "--password", `bench-${randomBytes(9).toString("hex")}`]);
      token = /cellar_[A-Za-z0-9_-]{20,}/.exec(cli(env, ["token", "add", "bench"]))?.[0];
      if (!token) throw new Error("`bin/cellar token add bench` printed no cellar_… token");
    }

    console.log(`starting the built site on port ${port} (${engine}, files in ${root})`);
    server = spawn("npm", ["start", "--silent"], { env, stdio: ["ignore", "ignore", "inherit"], detached: true });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitUntilUp(baseUrl, server);
    return { baseUrl, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs bin/cellar with `args`; returns what it printed, or throws with what it said. */
function cli(env: NodeJS.ProcessEnv, args: string[]): string {
  const result = spawnSync("bin/cellar", args, { env, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`bin/cellar ${args[0]} ${args[1] ?? ""} failed: ${result.stderr || result.error?.message}`);
  }
  return result.stdout;
}

/** Creates a two-file snippet (Python + README) through the JSON API; returns its page path. */
async function createSnippet(site: TSite): Promise<string> {
  if (!site.token) throw new Error("with BASE_URL, give CELLAR_TOKEN (an API token) or BENCH_PATH");
  const response = await fetch(`${site.baseUrl}/api/v1/snippets`, {
    method: "POST",
    headers: { authorization: `Bearer ${site.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      title: SNIPPET_TITLE,
      description: "A snippet of typical size for the page benchmark.",
      files: [
        { path: "pi.py", content: SAMPLE_PY },
        { path: "README.md", content: SAMPLE_README },
      ],
    }),
  });
  if (response.status !== 201) {
    const body = (await response.text()).slice(0, 300);
    throw new Error(`POST /api/v1/snippets answered ${response.status}: ${body}`);
  }
  const created = ZCreated.parse(await response.json());
  return `/${created.owner}/${created.slug}`;
}

/** Renders the page until highlighting and caches are warm, and checks it is the real page. */
async function warm(url: string, expectedText: string | undefined): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const response = await fetch(url);
    const html = await response.text();
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
    if (expectedText && !html.includes(expectedText)) throw new Error(`GET ${url} lacks "${expectedText}"`);
  }
}

function measure(options: { url: string; connections: number; duration: number; overallRate?: number }) {
  return autocannon(options);
}

/** Non-200 answers or errors make the figures meaningless; say so beside them. */
function problems(result: TAutocannonResult): string {
  const bad = result.non2xx + result.errors + result.timeouts;
  return bad > 0 ? ` — WARNING: ${bad} non-2xx/errors/timeouts of ${count(result.requests.total)}` : "";
}

async function waitUntilUp(baseUrl: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the site exited with code ${server.exitCode}`);
    try {
      await (await fetch(baseUrl + "/")).arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error("the site did not answer within 60 s");
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

const SNIPPET_TITLE = "Benchmark: Monte Carlo pi";

const SAMPLE_PY = `"""Estimate pi by throwing random points at the unit square."""
import random


def estimate_pi(samples: int, seed: int = 1) -> float:
    rng = random.Random(seed)
    inside = 0
    for _ in range(samples):
        x, y = rng.random(), rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / samples


if __name__ == "__main__":
    for n in (100, 10_000, 1_000_000):
        print(f"{n:>9} samples: pi ~ {estimate_pi(n):.5f}")
`.repeat(4);

const SAMPLE_README = `# Monte Carlo pi

Throw points uniformly at the unit square; the share that lands inside the quarter circle
tends to **pi / 4**. The error shrinks like \`1 / sqrt(n)\`.

| samples | typical error |
| ------: | ------------: |
| 100 | 0.1 |
| 10,000 | 0.01 |
| 1,000,000 | 0.001 |
`;

main().catch((error: unknown) => {
  console.error(`bench/pages: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
