/**
 * Site benchmark: `POST /api/v1/exec` print(1) per kernel (executions/s with several in flight,
 * p50/p99, beside the same cell sent straight to the site's own execution service: the ratio is
 * what the site adds), then press Run → first output visible in the page, in Debian's Chromium
 * against the built site and its execution service. Prints figures; asserts nothing.
 *
 *   NEXT_DIST_DIR=.next-x npx next build && git checkout tsconfig.json
 *   NEXT_DIST_DIR=.next-x npx tsx bench/exec/browser.ts
 *
 * The site is started on fresh data by the e2e suite's own starter (test/e2e/support/serve-fresh.ts:
 * `npm start` with a fresh Postgres database and fresh repos/data directories, all removed after),
 * a user signs up through the API (test/e2e/fixtures.ts) and creates the snippets: `print(1)` and a
 * small matplotlib plot in main.py, and `print(2^3)` in main.sage (the sage kernel; it prints 8 only
 * there, so a Sage snippet run by Python is caught). Then, for each, BENCH_RUNS times: a fresh page load (not timed), a click
 * on Run, and the time until the first output is on screen — the `print` text, or the plot
 * decoded — and the frame after it has been drawn. The clock is the page's own (performance.now()
 * from the click's dispatch), so Playwright's round trips are not counted.
 *
 * Settings (environment): NEXT_DIST_DIR (the build to start, default .next), BENCH_KERNELS
 * (python,sage), BENCH_SECONDS (6 per /api/v1/exec loop), BENCH_CONCURRENCY (4), BENCH_RUNS (30),
 * BENCH_WARMUP (3 presses per snippet first, not counted), BENCH_SITE_LOG (a file for the site's
 * and the execution service's log lines; otherwise only their errors are shown).
 */
import { chromium, request, type Page } from "@playwright/test";
import { createExecClient, type TExecClient } from "@/lib/exec/client";
import { sageInstalled } from "@/lib/exec/kernels";
import config from "../../playwright.config";
import { closedLoop } from "../support/load";
import { address, createSnippet, load, ms, quantile, startSite } from "../support/site";

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const KERNELS = (process.env.BENCH_KERNELS ?? (sageInstalled() ? "python,sage" : "python")).split(",").filter(Boolean);

/** One press: click → first output drawn, and click → the run's creation answered (ms). */
type TSample = { ms: number; startedMs: number };

/** A snippet to press Run on: its main file decides its kernel; `text`: what the first output must say. */
type TCase = { label: string; kernel: string; file: string; code: string; first: "text" | "image"; text?: string; targetP50: number };

const CASES: TCase[] = [
  { label: "print(1)", kernel: "python", file: "main.py", code: "print(1)\n", first: "text", text: "1", targetP50: 150 },
  {
    label: "small matplotlib plot",
    kernel: "python",
    file: "main.py",
    code: "import matplotlib.pyplot as plt\n\nplt.plot([1, 3, 2, 4])\nplt.title('bench')\n",
    first: "image",
    targetP50: 150,
  },
  { label: "Sage print(2^3) in main.sage", kernel: "sage", file: "main.sage", code: "print(2^3)\n", first: "text", text: "8", targetP50: 300 },
].filter((c) => KERNELS.includes(c.kernel)) as TCase[];

/** The body of `POST /api/v1/exec` in `kernel` (the field only for another kernel than the default). */
const execBody = (kernel: string, code: string) => JSON.stringify(kernel === "python" ? { code } : { code, kernel });

/** `POST /api/v1/exec` once; throws unless the answer is 200 with `stdout` printed. */
async function siteExec(baseUrl: string, kernel: string, code: string, stdout: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/v1/exec`, {
    method: "POST",
    // Each request as another reader: the site budgets runs per client address (TRUST_PROXY is on).
    headers: { "content-type": "application/json", "x-forwarded-for": address() },
    body: execBody(kernel, code),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST /api/v1/exec answered ${res.status}: ${text.slice(0, 200)}`);
  const { outputs } = JSON.parse(text) as { outputs: { output_type: string; text?: string }[] };
  if (!outputs.some((o) => o.output_type === "stream" && o.text === stdout))
    throw new Error(`POST /api/v1/exec printed not ${JSON.stringify(stdout)}: ${text.slice(0, 200)}`);
}

/** The same cell straight to the execution service (what the site's handler calls): the baseline of the site's figures. */
async function serviceExec(client: TExecClient, kernel: string, code: string, stdout: string): Promise<void> {
  const r = await client.runToCompletion({ files: [], code, kernel, client: `bench-${Math.random()}` });
  if (!r.outputs.some((o) => o.output_type === "stream" && o.text === stdout)) throw new Error(`the service printed not ${JSON.stringify(stdout)}`);
}

/**
 * Per kernel, print(1) through `POST /api/v1/exec` and straight to the service, `CONCURRENCY` in flight
 * each; first a check that the site runs the kernel asked for (`print(2^3)` is 8 only in Sage).
 */
async function execApi(baseUrl: string, execUrl: string): Promise<void> {
  const client = createExecClient(execUrl);
  for (const kernel of KERNELS) {
    const [probe, expected] = kernel === "sage" ? ["print(2^3)", "8\n"] : ["print(1)", "1\n"];
    try {
      await siteExec(baseUrl, kernel, probe, expected);
      await serviceExec(client, kernel, probe, expected);
    } catch (e) {
      console.log(`POST /api/v1/exec, ${kernel}: not measured: ${(e as Error).message}`);
      continue;
    }
    await closedLoop(() => serviceExec(client, kernel, "print(1)", "1\n"), 2, 1); // warm-up
    const direct = await closedLoop(() => serviceExec(client, kernel, "print(1)", "1\n"), CONCURRENCY, SECONDS);
    const site = await closedLoop(() => siteExec(baseUrl, kernel, "print(1)", "1\n"), CONCURRENCY, SECONDS);
    const line = (r: typeof site) => `${r.rate.toFixed(1)}/s, p50 ${ms(r.p50)}, p99 ${ms(r.p99)} (${r.n} runs, ${r.failed} failed)`;
    console.log(
      `POST /api/v1/exec print(1), ${kernel}, ${CONCURRENCY} in flight: ${line(site)}; ` +
        `baseline, the same cell straight to the service: ${line(direct)}; site/service ${(site.rate / direct.rate).toFixed(2)}×`,
    );
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a positive integer, not ${process.env.BENCH_RUNS}`);
  const site = await startSite();
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: config.use?.launchOptions?.args ?? [] });
  try {
    const api = await request.newContext({ baseURL: site.baseUrl });
    const paths = [];
    for (const c of CASES) paths.push(await createSnippet(api, `Benchmark: ${c.label}`, c.code, c.file));
    await api.dispose();
    await execApi(site.baseUrl, site.execUrl);

    const page = await browser.newPage({ baseURL: site.baseUrl });
    // tsx compiles with esbuild's keepNames: functions sent to the page call its __name helper.
    await page.addInitScript({ content: "globalThis.__name = (f) => f;" });
    // Same-run baseline of the other kernels' presses: Python's print(1).
    let pythonPrintP50 = NaN;
    for (const [i, c] of CASES.entries()) {
      const samples: TSample[] = [];
      try {
        for (let w = 0; w < WARMUP; w++) await pressRun(page, paths[i]!, c);
        for (let r = 0; r < RUNS; r++) samples.push(await pressRun(page, paths[i]!, c));
      } catch (e) {
        // A Sage snippet before the site runs .sage files in the sage kernel, for instance.
        console.log(`press Run → first output, ${c.label}: not measured: ${(e as Error).message}`);
        continue;
      }
      const times = samples.map((s) => s.ms).sort((a, b) => a - b);
      const started = samples.map((s) => s.startedMs).sort((a, b) => a - b);
      const p50 = quantile(times, 0.5);
      if (c.kernel === "python" && c.first === "text") pythonPrintP50 = p50;
      const baseline = c.kernel === "python" ? "" : `; ${(p50 / pythonPrintP50).toFixed(2)}× Python's print(1) in this run (${ms(pythonPrintP50)})`;
      console.log(
        `press Run → first output, ${c.label}: p50 ${ms(p50)}, p95 ${ms(quantile(times, 0.95))}, ` +
          `min ${ms(times[0]!)}, max ${ms(times.at(-1)!)} over ${RUNS} fresh page loads ` +
          `(target p50 ≤ ${c.targetP50} ms: ${p50 <= c.targetP50 ? "met" : "NOT met"})${baseline}; ` +
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
  const sample = await page.evaluate(timeFirstOutput, { first: c.first, text: c.text ?? null });
  if ("error" in sample) throw new Error(`${c.label}: ${sample.error}`);
  return sample;
}

/** Runs in the page: clicks Run and resolves with the time until the first output has been drawn. */
function timeFirstOutput({ first, text }: { first: "text" | "image"; text: string | null }): Promise<TSample | { error: string }> {
  const selector = first === "text" ? ".run-out--stdout" : "img.run-image";
  const button = document.querySelector<HTMLButtonElement>("button.run-button");
  if (!button) return Promise.resolve({ error: "no Run button" });
  return new Promise((resolve) => {
    let t0 = 0;
    const timer = setTimeout(
      () => finish({ error: `no ${selector} within 30 s: ${document.querySelector(".run-panel")?.textContent?.slice(0, 300) ?? "no Run panel"}` }),
      30_000,
    );
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
      // Another kernel's answer (Python's 2^3 is 1) is no measurement.
      if (text !== null && el.textContent?.trim() !== text) return finish({ error: `the first output was ${JSON.stringify(el.textContent)}, not ${text}` });
      if (el instanceof HTMLImageElement) await el.decode();
      // rAF runs just before the next frame is drawn; the task after it runs once it has been.
      requestAnimationFrame(() =>
        setTimeout(() => {
          const elapsed = performance.now() - t0;
          const created = performance.getEntriesByType("resource").find((e) => e.name.endsWith("/api/v1/runs") && e.startTime >= t0) as
            PerformanceResourceTiming | undefined;
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
