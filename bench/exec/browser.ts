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
import { chromium, request, type Page } from "@playwright/test";
import config from "../../playwright.config";
import { address, createSnippet, load, ms, quantile, startSite } from "../support/site";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const TARGET_P50_MS = 150;

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
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: config.use?.launchOptions?.args ?? [] });
  try {
    const api = await request.newContext({ baseURL: site.baseUrl });
    const paths = [];
    for (const c of CASES) paths.push(await createSnippet(api, `Benchmark: ${c.label}`, c.code));
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

main().catch((error: unknown) => {
  console.error(`bench/exec/browser: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
