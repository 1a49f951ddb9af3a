/*
 * How long a history page's diffs hold the event loop. Run: npx tsx bench/repos/diff-budget.ts
 * A page of 10 revisions, each rewriting every line of a 2,000-line file (Myers' worst case),
 * diffed as the history page does (all at once) with one shared diffBudget() (what the site
 * does), and, as the same-run baseline, jsdiff's structuredPatch with a 500 ms timeout per
 * revision (what diffRevisions did before).
 * Prints the longest event-loop stall and the page's time for each, and an idle loop's longest
 * stall (what the machine's load adds by itself), medians of 5 rounds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { structuredPatch } from "diff";
import { commitFiles, createRepo, diffBudget, diffRevisions, DIFF_BUDGET_MS, type SnippetFile } from "../../lib/repos/index";

const root = mkdtempSync(join(tmpdir(), "cellar-bench-diff-"));
const author = { name: "Bench", email: "bench@example.test" };
const encoder = new TextEncoder();
const text = (r: number) => Array.from({ length: 2000 }, (_, i) => `rev ${r} line ${(i * (r + 7919)) % 10007}`).join("\n") + "\n";
const rewrite = (r: number): SnippetFile[] => [{ path: "data.txt", content: encoder.encode(text(r)) }];

type TPage = (dir: string, heads: string[]) => Promise<number>;

/** The site: every revision's diff from one budget; returns how many were too large. */
const now: TPage = async (dir, heads) => {
  const budget = diffBudget();
  const diffs = await Promise.all(heads.slice(1).map((to, r) => diffRevisions({ dir, from: heads[r]!, to, budget })));
  return diffs.filter((d) => d[0]?.tooLarge).length;
};

/** Before: each revision's texts through jsdiff with its own 500 ms timeout. */
const before: TPage = async (_dir, heads) => {
  const results = await Promise.all(
    heads.slice(1).map(async (_to, r) => {
      await new Promise((resolve) => setImmediate(resolve));
      return structuredPatch("data.txt", "data.txt", text(r), text(r + 1), undefined, undefined, { context: 3, timeout: 500 });
    }),
  );
  return results.filter((p) => p === undefined).length;
};

async function page(dir: string, heads: string[], diff: TPage): Promise<{ stallMs: number; pageMs: number; tooLarge: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // The histogram counts from its first tick: a stall before it would go unseen.
  await new Promise((r) => setTimeout(r, 5));
  const started = performance.now();
  const tooLarge = await diff(dir, heads);
  const pageMs = performance.now() - started;
  // One more turn so the histogram sees the last stall.
  await new Promise((r) => setTimeout(r, 5));
  histogram.disable();
  return { stallMs: histogram.max / 1e6, pageMs, tooLarge };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The longest stall of an idle event loop over `ms`: the floor this machine's load sets. */
async function idleStallMs(ms: number): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  await new Promise((r) => setTimeout(r, ms));
  histogram.disable();
  return histogram.max / 1e6;
}

try {
  const dir = join(root, "r.git");
  const heads = [(await createRepo({ dir, files: rewrite(0), message: "0", author })).head];
  for (let r = 1; r <= 10; r++) heads.push((await commitFiles({ dir, files: rewrite(r), message: String(r), author, expectedHead: heads[r - 1]! })).head);

  const shared: Awaited<ReturnType<typeof page>>[] = [];
  const baseline: Awaited<ReturnType<typeof page>>[] = [];
  const idle: number[] = [];
  // Not interleaved: the baseline's garbage would be collected during the next round's page.
  for (let round = 0; round < 5; round++) idle.push(await idleStallMs(300));
  for (let round = 0; round < 5; round++) shared.push(await page(dir, heads, now));
  for (let round = 0; round < 5; round++) baseline.push(await page(dir, heads, before));
  const line = (label: string, runs: typeof shared) =>
    `${label}: longest event-loop stall ${median(runs.map((r) => r.stallMs)).toFixed(1)} ms, page ${median(runs.map((r) => r.pageMs)).toFixed(0)} ms, ${median(runs.map((r) => r.tooLarge))} of 10 diffs shown as too large`;
  console.log(line(`history page of 10 rewrites, one ${DIFF_BUDGET_MS} ms budget (now)`, shared));
  console.log(line("  baseline: jsdiff with 500 ms per diff (before)", baseline));
  console.log(`  idle event loop over 300 ms on this machine: longest stall ${median(idle).toFixed(1)} ms (the noise floor)`);
  console.log(
    `  stall ratio now/before: ${(median(shared.map((r) => r.stallMs)) / median(baseline.map((r) => r.stallMs))).toFixed(2)}   [target: stall ≤ ~50 ms]`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
