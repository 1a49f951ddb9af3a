/**
 * Browser benchmark of a live interact: slider moved → new output painted, in Debian's Chromium
 * against the built site and its execution service. Prints figures; asserts nothing.
 *
 *   NEXT_DIST_DIR=.next-x npx next build && git checkout tsconfig.json
 *   NEXT_DIST_DIR=.next-x npx tsx bench/interact/browser.ts
 *
 * A user creates a print-only interact (`@interact def f(n=slider(0, 1000, 1)): print('n =', n)`),
 * the page is opened and Run pressed once; then, BENCH_STEPS times, a pause (a reader, not a
 * drag: each step is its own update), ArrowRight on the focused slider, and the time from the
 * key's keydown in the page to the frame after the new output is on screen. The clock is the
 * page's own (performance.now()), so Playwright's round trips are not counted.
 *
 * Settings (environment): NEXT_DIST_DIR (default .next), BENCH_STEPS (60), BENCH_WARMUP (5).
 */
import { chromium, request, type Page } from "@playwright/test";
import config from "../../playwright.config";
import { address, createSnippet, load, ms, quantile, startSite } from "../support/site";

const STEPS = Number(process.env.BENCH_STEPS ?? 60);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const TARGET_P50_MS = 100;
const CODE = "@interact\ndef f(n=slider(0, 1000, 1, default=0)):\n    print('n =', n)\n";

async function main(): Promise<void> {
  const site = await startSite();
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: config.use?.launchOptions?.args ?? [] });
  try {
    const api = await request.newContext({ baseURL: site.baseUrl, extraHTTPHeaders: { "x-forwarded-for": address() } });
    const path = await createSnippet(api, "Benchmark: print interact", CODE);
    await api.dispose();
    const page = await browser.newPage({ baseURL: site.baseUrl });
    await page.addInitScript({ content: "globalThis.__name = (f) => f;" }); // tsx's keepNames helper
    await page.setExtraHTTPHeaders({ "x-forwarded-for": address() });
    await page.goto(path);
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const output = page.getByRole("region", { name: "Output of f" });
    await output.getByText("n = 0").waitFor({ timeout: 60_000 });
    const slider = page.getByRole("slider", { name: "n" });
    await slider.focus();

    const times: number[] = [];
    for (let i = 1; i <= WARMUP + STEPS; i++) {
      await page.waitForTimeout(150);
      const t = await step(page, `n = ${i}`);
      if (i > WARMUP) times.push(t);
    }
    times.sort((a, b) => a - b);
    const p50 = quantile(times, 0.5);
    console.log(
      `slider moved → new output painted (print interact): p50 ${ms(p50)}, p95 ${ms(quantile(times, 0.95))}, min ${ms(times[0]!)}, max ${ms(times.at(-1)!)} ` +
        `over ${STEPS} steps (target p50 ≤ ${TARGET_P50_MS} ms: ${p50 <= TARGET_P50_MS ? "met" : "NOT met"})`,
    );
    console.log(`load average at the end: ${load()} (2 cores; figures from a busy machine are slower)`);
  } finally {
    await browser.close();
    await site.stop();
  }
}

/** One ArrowRight on the focused slider; ms from its keydown to the frame after `expected` is shown. */
async function step(page: Page, expected: string): Promise<number> {
  // Armed first (listener and observer in place), then the key, then the wait.
  await page.evaluate((text) => {
    const w = window as unknown as { __step?: Promise<number> };
    w.__step = new Promise<number>((resolve, reject) => {
      const slider = document.activeElement;
      const region = document.querySelector('[role="region"][aria-label="Output of f"]');
      if (!slider || !region) return reject(new Error("no focused slider or output region"));
      let t0 = NaN;
      slider.addEventListener("keydown", () => (t0 = performance.now()), { once: true, capture: true });
      const timer = setTimeout(() => reject(new Error(`"${text}" did not appear within 10 s: ${region.textContent}`)), 10_000);
      const observer = new MutationObserver(() => {
        if (region.textContent?.trim() !== text) return;
        observer.disconnect();
        clearTimeout(timer);
        // rAF runs just before the next frame is drawn; the task after it runs once it has been.
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0)));
      });
      observer.observe(region, { childList: true, subtree: true, characterData: true });
    });
  }, expected);
  await page.keyboard.press("ArrowRight");
  return page.evaluate(() => (window as unknown as { __step: Promise<number> }).__step);
}

main().catch((error: unknown) => {
  console.error(`bench/interact/browser: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
