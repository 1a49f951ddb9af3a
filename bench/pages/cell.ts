/**
 * /cell benchmark: a SageMathCell-style link that runs on load (`/cell?c=print(1)&autoeval=1`),
 * from the browser's navigation start to the first output drawn, in Debian's Chromium against
 * the built site and its execution service. Two baselines measured in the same run, interleaved
 * with it so that both see the same load: the same page without `autoeval` (navigation start →
 * its code box drawn: what loading the page costs by itself) and `POST /api/v1/exec` print(1)
 * (the run alone, request to answer, from Node). Prints medians and ratios; asserts nothing.
 *
 *   npx next build && npx tsx bench/pages/cell.ts
 *
 * The clock is the page's own (performance.now(), whose zero is the navigation start), read by a
 * script installed before the page's own: Playwright's round trips are not counted. The first
 * output counts once its frame has been drawn (requestAnimationFrame, then the task after it).
 * Each load is a fresh page as another reader (x-forwarded-for; the site budgets runs per client).
 *
 * Settings (environment): NEXT_DIST_DIR (the build to start, default .next), BENCH_RUNS (20),
 * BENCH_WARMUP (3 of each first, not counted), BENCH_SITE_LOG (a file for the site's log lines),
 * BENCH_PORT and BENCH_EXEC_PORT (the site's and its service's ports; default free ones).
 */
import { chromium, type Browser } from "@playwright/test";
import config from "../../playwright.config";
import { address, load, ms, quantile, startSite } from "../support/site";

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);

/** Installed before the page's scripts: notes when `selector` first holds `text`, drawn (ms since navigation start). */
const WATCH = `
(() => {
  const want = JSON.parse(decodeURIComponent(location.hash.slice(1) || "null"));
  if (!want) return;
  const check = () => {
    const el = document.querySelector(want.selector);
    if (!el || !el.textContent || !el.textContent.includes(want.text) || window.__seenAt !== undefined) return;
    window.__seenAt = null;
    requestAnimationFrame(() => setTimeout(() => (window.__seenAt = performance.now())));
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
})();
`;

/** One fresh load of `path`: ms from navigation start until `selector` shows `text`, drawn. */
async function timeLoad(browser: Browser, baseUrl: string, path: string, selector: string, text: string): Promise<number> {
  const context = await browser.newContext({ baseURL: baseUrl, extraHTTPHeaders: { "x-forwarded-for": address() } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: WATCH });
    // The hash carries what to watch for; the server never sees it.
    await page.goto(`${path}#${encodeURIComponent(JSON.stringify({ selector, text }))}`, { waitUntil: "commit" });
    const handle = await page.waitForFunction(() => (window as unknown as { __seenAt?: number | null }).__seenAt ?? undefined, undefined, {
      timeout: 30_000,
    });
    return (await handle.jsonValue()) as number;
  } finally {
    await context.close();
  }
}

/** `POST /api/v1/exec` print(1), request to answer (ms); throws unless it printed 1. */
async function execRoundTrip(baseUrl: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${baseUrl}/api/v1/exec`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": address() },
    body: JSON.stringify({ code: "print(1)" }),
  });
  const body = await res.text();
  const elapsed = performance.now() - t0;
  if (res.status !== 200 || !body.includes('"1\\n"')) throw new Error(`POST /api/v1/exec answered ${res.status}: ${body.slice(0, 200)}`);
  return elapsed;
}

const summary = (sorted: number[]) =>
  `median ${ms(quantile(sorted, 0.5))}, p95 ${ms(quantile(sorted, 0.95))}, min ${ms(sorted[0]!)}, max ${ms(sorted.at(-1)!)}`;

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a positive integer, not ${process.env.BENCH_RUNS}`);
  const site = await startSite();
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: config.use?.launchOptions?.args ?? [] });
  const code = encodeURIComponent("print(1)");
  const autoeval = () => timeLoad(browser, site.baseUrl, `/cell?lang=python&autoeval=1&c=${code}`, ".run-out--stdout", "1");
  const pageOnly = () => timeLoad(browser, site.baseUrl, `/cell?lang=python&c=${code}`, ".cell-box .cm-content", "print(1)");
  try {
    for (let w = 0; w < WARMUP; w++) {
      await autoeval();
      await pageOnly();
      await execRoundTrip(site.baseUrl);
    }
    const runs: number[] = [];
    const pages: number[] = [];
    const execs: number[] = [];
    // Interleaved, so that a busy moment of the machine falls on all three alike.
    for (let r = 0; r < RUNS; r++) {
      runs.push(await autoeval());
      pages.push(await pageOnly());
      execs.push(await execRoundTrip(site.baseUrl));
    }
    for (const list of [runs, pages, execs]) list.sort((a, b) => a - b);
    const [run, page, exec] = [runs, pages, execs].map((l) => quantile(l, 0.5)) as [number, number, number];
    console.log(`/cell?c=print(1)&autoeval=1, navigation start → first output drawn: ${summary(runs)} over ${RUNS} fresh page loads`);
    console.log(`baseline, the same page without autoeval, navigation start → code box drawn: ${summary(pages)}; autoeval/page ${(run / page).toFixed(2)}×`);
    console.log(
      `baseline, POST /api/v1/exec print(1) request → answer: ${summary(execs)}; autoeval/exec ${(run / exec).toFixed(2)}×; ` +
        `autoeval − page − exec (the run's start, stream and drawing in the page): ${ms(run - page - exec)}`,
    );
    console.log(`load average at the end: ${load()} (2 cores; figures from a busy machine are slower)`);
  } finally {
    await browser.close();
    await site.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench/pages/cell: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
