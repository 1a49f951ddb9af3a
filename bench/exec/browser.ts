/**
 * Browser benchmark: press Run → first output visible in the page, in Debian's Chromium against
 * the built site and its execution service. Prints figures; asserts nothing.
 *
 *   NEXT_DIST_DIR=.next-x npx next build && git checkout tsconfig.json
 *   NEXT_DIST_DIR=.next-x npx tsx bench/exec/browser.ts
 *
 * The site is started on fresh data by the e2e suite's own starter (test/e2e/support/serve-fresh.ts:
 * `npm start` with a fresh Postgres database and fresh repos/data directories, all removed after),
 * a user signs up through the API (test/e2e/fixtures.ts) and creates two snippets: `print(1)` and a
 * small matplotlib plot. Then, for each, BENCH_RUNS times: a fresh page load (not timed), a click
 * on Run, and the time until the first output is on screen — the `print` text, or the plot
 * decoded — and the frame after it has been drawn. The clock is the page's own (performance.now()
 * from the click's dispatch), so Playwright's round trips are not counted.
 *
 * Settings (environment): NEXT_DIST_DIR (the build to start, default .next), BENCH_RUNS (30),
 * BENCH_WARMUP (3 presses per snippet first, not counted), BENCH_SITE_LOG (a file for the site's
 * and the execution service's log lines; otherwise only their errors are shown).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, request, type APIRequestContext, type Page } from "@playwright/test";
import { z } from "zod";
import config from "../../playwright.config";
import { signIn, signUp, uniqueUsername } from "../../test/e2e/fixtures";
import { stopProcessGroup } from "../../test/e2e/support/process-group";
import { freePort } from "../../test/e2e/support/free-port";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const TARGET_P50_MS = 150;

const ZCreated = z.object({ url: z.string() });

/** One press: click → first output drawn, and click → the run's creation answered (ms). */
type TSample = { ms: number; startedMs: number };

type TCase = { label: string; code: string; first: "text" | "image" };

const CASES: TCase[] = [
  { label: "print(1)", code: "print(1)\n", first: "text" },
  {
    label: "small matplotlib plot",
    code: "import matplotlib.pyplot as plt\n\nplt.plot([1, 3, 2, 4])\nplt.title('bench')\n",
    first: "image",
  },
];

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a positive integer, not ${process.env.BENCH_RUNS}`);
  const site = await startSite();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void site.stop().finally(() => process.exit(130)));
  }
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: config.use?.launchOptions?.args ?? [] });
  try {
    const api = await request.newContext({ baseURL: site.baseUrl });
    const paths = [];
    for (const c of CASES) paths.push(await createSnippet(api, c));
    await api.dispose();

    const page = await browser.newPage({ baseURL: site.baseUrl });
    // tsx compiles with esbuild's keepNames: functions sent to the page call its __name helper.
    await page.addInitScript({ content: "globalThis.__name = (f) => f;" });
    for (const [i, c] of CASES.entries()) {
      for (let w = 0; w < WARMUP; w++) await pressRun(page, paths[i]!, c);
      const samples: TSample[] = [];
      for (let r = 0; r < RUNS; r++) samples.push(await pressRun(page, paths[i]!, c));
      const times = samples.map((s) => s.ms).sort((a, b) => a - b);
      const started = samples.map((s) => s.startedMs).sort((a, b) => a - b);
      const p50 = quantile(times, 0.5);
      console.log(
        `press Run → first output, ${c.label}: p50 ${ms(p50)}, p95 ${ms(quantile(times, 0.95))}, ` +
          `min ${ms(times[0]!)}, max ${ms(times.at(-1)!)} over ${RUNS} fresh page loads ` +
          `(target p50 ≤ ${TARGET_P50_MS} ms: ${p50 <= TARGET_P50_MS ? "met" : "NOT met"}); ` +
          `of which POST /api/v1/runs answered: p50 ${ms(quantile(started, 0.5))}, p95 ${ms(quantile(started, 0.95))}`,
      );
    }
    console.log(`load average at the end: ${load()} (2 cores; figures from a busy machine are slower)`);
  } finally {
    await browser.close();
    await site.stop();
  }
}

const load = () => loadavg().map((n) => n.toFixed(2)).join(" ");

/** The built site on fresh data, started by the e2e suite's starter in its own process group. */
async function startSite(): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const distDir = process.env.NEXT_DIST_DIR ?? ".next";
  if (!existsSync(join(distDir, "BUILD_ID"))) throw new Error(`no built site in ${distDir}/: build it first (see the top of this file)`);
  const [port, execPort] = [await freePort(), await freePort()];
  // The execution service's own port and directory: the defaults (3101, data/exec) are shared
  // with any other site started from this checkout, and a starting service empties its directory.
  const execDir = mkdtempSync(join(tmpdir(), "cellar-bench-exec-"));
  console.log(`starting the built site (${distDir}) on port ${port}, its execution service on ${execPort}; load average ${load()}`);
  const server: ChildProcess = spawn("npx", ["--no-install", "tsx", "test/e2e/support/serve-fresh.ts"], {
    env: { ...process.env, CELLAR_E2E_PORT: String(port), EXEC_URL: `http://127.0.0.1:${execPort}`, EXEC_DIR: execDir },
    stdio: ["ignore", process.env.BENCH_SITE_LOG ? openSync(process.env.BENCH_SITE_LOG, "a") : "ignore", "inherit"],
    detached: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcessGroup(server, 20_000);
    rmSync(execDir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the site exited with code ${server.exitCode}`);
      if (Date.now() > deadline) throw new Error("the site did not answer within 120 s");
      const up = await fetch(baseUrl + "/").then((r) => r.arrayBuffer().then(() => r.ok), () => false);
      if (up) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    // Run needs the execution service beside the site; without it there is nothing to measure.
    const probe = await fetch(baseUrl + "/api/v1/exec", { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": address() }, body: JSON.stringify({ code: "print('ok')" }) });
    if (probe.status !== 200) throw new Error(`the execution service is not available: POST /api/v1/exec answered ${probe.status}: ${(await probe.text()).slice(0, 200)}`);
    return { baseUrl, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A new user creates the snippet through the API; returns its page path. */
async function createSnippet(api: APIRequestContext, c: TCase): Promise<string> {
  const user = { username: uniqueUsername("bench"), password: `pw-${randomBytes(9).toString("hex")}` };
  await signUp(api, user);
  await signIn(api, user);
  const response = await api.post("/api/v1/snippets", { data: { title: `Benchmark: ${c.label}`, files: [{ path: "main.py", content: c.code }] } });
  if (response.status() !== 201) throw new Error(`POST /api/v1/snippets answered ${response.status()}: ${(await response.text()).slice(0, 300)}`);
  return new URL(ZCreated.parse(await response.json()).url).pathname;
}

/**
 * One sample: loads the page afresh (leaving the last one closes its session), waits for the Run
 * button (it appears once the page is interactive), then times click → first output drawn.
 */
async function pressRun(page: Page, path: string, c: TCase): Promise<TSample> {
  // Each press as another reader: the site budgets Run per client address (TRUST_PROXY is on).
  await page.setExtraHTTPHeaders({ "x-forwarded-for": address() });
  await page.goto(path);
  await page.getByRole("button", { name: "Run", exact: true }).waitFor();
  const sample = await page.evaluate(timeFirstOutput, c.first);
  if ("error" in sample) throw new Error(`${c.label}: ${sample.error}`);
  return sample;
}

/** Runs in the page: clicks Run and resolves with the time until the first output has been drawn. */
function timeFirstOutput(first: "text" | "image"): Promise<TSample | { error: string }> {
  const selector = first === "text" ? ".run-out--stdout" : "img.run-image";
  const button = document.querySelector<HTMLButtonElement>("button.run-button");
  if (!button) return Promise.resolve({ error: "no Run button" });
  return new Promise((resolve) => {
    let t0 = 0;
    const timer = setTimeout(() => finish({ error: `no ${selector} within 30 s: ${document.querySelector(".run-panel")?.textContent?.slice(0, 300) ?? "no Run panel"}` }), 30_000);
    const finish = (result: TSample | { error: string }) => {
      clearTimeout(timer);
      observer.disconnect();
      resolve(result);
    };
    let seen = false;
    const check = async () => {
      const el = document.querySelector(selector);
      if (seen || !el || (first === "text" && !el.textContent)) {
        const failed = document.querySelector(".run-out--error, .run-limit");
        if (!seen && failed) finish({ error: failed.textContent ?? "an error" });
        return;
      }
      seen = true;
      if (el instanceof HTMLImageElement) await el.decode();
      // rAF runs just before the next frame is drawn; the task after it runs once it has been.
      requestAnimationFrame(() =>
        setTimeout(() => {
          const elapsed = performance.now() - t0;
          const created = performance
            .getEntriesByType("resource")
            .find((e) => e.name.endsWith("/api/v1/runs") && e.startTime >= t0) as PerformanceResourceTiming | undefined;
          finish({ ms: elapsed, startedMs: created ? created.responseEnd - t0 : NaN });
        }),
      );
    };
    const observer = new MutationObserver(() => void check());
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    t0 = performance.now();
    button.click();
  });
}

/** A client address from the RFC 2544 benchmarking range (as the e2e fixtures use); nothing is sent there. */
function address(): string {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `198.${18 + (a % 2)}.${b}.${c}`;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}


const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

main().catch((error: unknown) => {
  console.error(`bench/exec/browser: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
