import { structuredPatch } from "diff";
import { assertAbsoluteDir } from "./paths";
import { cacheFor, type GitCache } from "./cache";
import { compareCodePoints, listBlobs, readBlobContent, resolveWith } from "./read";
import { isBinary } from "./validate";

/**
 * A run of changed lines with the numbers of a unified diff header (`@@ -oldStart,oldLines
 * +newStart,newLines @@`, so an empty side starts at 0). `lines` start with " ", "-", "+" or "\\".
 */
export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** How one file differs between two revisions. */
export interface FileDiff {
  path: string;
  status: "added" | "removed" | "modified";
  /** Either side is binary: there are no hunks, the file just differs. */
  binary: boolean;
  oldOid: string | null;
  newOid: string | null;
  /** Null for binary files and diffs too large to compute here (`tooLarge`). */
  hunks: DiffHunk[] | null;
  /** The line diff was past the size caps or the request's budget: show a note and links to both versions. */
  tooLarge: boolean;
}

/**
 * Milliseconds of CPU a request may spend diffing lines on the event loop, all its files and
 * calls together: a page showing many revisions must not stall every other request while it
 * diffs. Checked before each file, so one file may go past it by its own capped cost (below):
 * ~50 ms in all at worst.
 */
export const DIFF_BUDGET_MS = 30;

/** What is left of a request's diffing time; pass one to every `diffRevisions` of the request. */
export type DiffBudget = { remainingMs: number };

/** A fresh allowance of `ms` (default {@link DIFF_BUDGET_MS}). */
export function diffBudget(ms: number = DIFF_BUDGET_MS): DiffBudget {
  return { remainingMs: ms };
}

/** Files whose two sides together are at most this size are diffed before the others. */
const SMALL_FILE_BYTES = 64 * 1024;

const decoder = new TextDecoder("utf-8");

async function flatten(dir: string, rev: string | null, cache: GitCache): Promise<Map<string, string>> {
  if (rev === null) return new Map();
  return new Map((await listBlobs(dir, rev, cache)).map((b) => [b.path, b.oid]));
}

/**
 * The changes from revision `from` (null: the empty tree, for a first revision) to `to`, one
 * entry per changed file sorted by path, with 3 lines of context. Line diffs run on the event
 * loop against `budget` (shared by every call given the same one; default: a fresh
 * {@link DIFF_BUDGET_MS}), small files first, yielding between files: a file past the size
 * caps (lineDiff), and every file once the budget is spent, is reported as `tooLarge`. `to` is read
 * from `toDir` when given: comparing a snippet with a fork, whose new revisions only the fork's
 * repository has.
 */
export async function diffRevisions(opts: {
  dir: string;
  from: string | null;
  to: string;
  toDir?: string;
  budget?: DiffBudget | undefined;
}): Promise<FileDiff[]> {
  assertAbsoluteDir(opts.dir);
  const toDir = opts.toDir ?? opts.dir;
  assertAbsoluteDir(toDir, "toDir");
  const cache = cacheFor(opts.dir);
  const toCache = cacheFor(toDir);
  const from = opts.from === null ? null : await resolveWith(opts.dir, opts.from, cache);
  const to = await resolveWith(toDir, opts.to, toCache);
  const [before, after] = await Promise.all([flatten(opts.dir, from, cache), flatten(toDir, to, toCache)]);
  const paths = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort(compareCodePoints);
  const budget = opts.budget ?? diffBudget();
  const read = (oid: string | null, side: "old" | "new") =>
    oid === null ? Promise.resolve(new Uint8Array()) : side === "old" ? readBlobContent(opts.dir, oid, cache) : readBlobContent(toDir, oid, toCache);
  const out = new Map<string, FileDiff>();
  // Small files first, so that one huge file spends the budget after the small ones are shown;
  // one file's two sides in memory at a time (a big one is read again in the second pass).
  const big: string[] = [];
  for (const pass of ["small", "big"] as const) {
    for (const path of pass === "small" ? paths : big) {
      const oldOid = before.get(path) ?? null;
      const newOid = after.get(path) ?? null;
      const [oldBytes, newBytes] = await Promise.all([read(oldOid, "old"), read(newOid, "new")]);
      const base = { path, status: oldOid === null ? "added" : newOid === null ? "removed" : "modified", oldOid, newOid } as const;
      if (isBinary(oldBytes) || isBinary(newBytes)) {
        out.set(path, { ...base, binary: true, hunks: null, tooLarge: false });
        continue;
      }
      if (pass === "small" && oldBytes.length + newBytes.length > SMALL_FILE_BYTES) {
        big.push(path);
        continue;
      }
      // Let other requests in between files.
      await new Promise((resolve) => setImmediate(resolve));
      const hunks = budget.remainingMs > 0 ? lineDiff(path, oldBytes, newBytes, budget) : null;
      out.set(path, { ...base, binary: false, hunks, tooLarge: hunks === null });
    }
  }
  return paths.map((path) => out.get(path)!);
}

/** Lines of context around each change, as git shows them. */
const CONTEXT = 3;

/**
 * Most lines (both sides, after the common start and end are set aside) handed to jsdiff: its
 * splitting into lines costs microseconds a line, so a bigger rewrite is "too large" without
 * trying.
 */
const MAX_DIFF_LINES = 10_000;

/**
 * Most changed lines (added + removed) jsdiff looks for (its `maxEditLength`): Myers' work grows
 * with their square (~10–25 ms of CPU at 200 here, jsdiff's path bookkeeping is not cheap), so
 * a file past its budget stalls the loop by at most that much more. A bigger change is shown as
 * the two versions to download.
 */
const MAX_EDIT_LENGTH = 200;

/**
 * The hunks of one file, or null when it is too large: over {@link MAX_DIFF_LINES} lines to
 * compare or {@link MAX_EDIT_LENGTH} changed lines. Both bound the work whatever the machine
 * (jsdiff's own `timeout` is wall-clock time, which a busy machine spends without us: a
 * one-line edit would then be "too large"). The CPU time spent, decoding, splitting and hunk
 * building included, is taken from the budget.
 */
function lineDiff(path: string, oldBytes: Uint8Array, newBytes: Uint8Array, budget: DiffBudget): DiffHunk[] | null {
  const started = process.cpuUsage();
  try {
    const oldText = decoder.decode(oldBytes);
    const newText = decoder.decode(newBytes);
    // One side empty: every line is added (or removed), nothing to search for.
    if (oldText === "" || newText === "") return wholeFile(oldText === "" ? newText : oldText, oldText === "" ? "+" : "-");
    const middle = changedMiddle(oldText, newText);
    if (middle.lines > MAX_DIFF_LINES) return null;
    const patch = structuredPatch(path, path, middle.old, middle.new, undefined, undefined, { context: CONTEXT, maxEditLength: MAX_EDIT_LENGTH });
    if (patch === undefined) return null;
    return patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({
      // jsdiff keeps start 1 for an empty side; unified diffs (and git) write 0 there.
      oldStart: (oldLines === 0 ? oldStart - 1 : oldStart) + middle.skipped,
      oldLines,
      newStart: (newLines === 0 ? newStart - 1 : newStart) + middle.skipped,
      newLines,
      lines,
    }));
  } finally {
    const used = process.cpuUsage(started);
    budget.remainingMs -= (used.user + used.system) / 1000;
  }
}

/**
 * The two texts without the lines they share at the start and at the end (keeping CONTEXT of
 * them on each side, so hunks get their context), as git's xdiff trims before diffing: a small
 * edit in a large file costs jsdiff only the edit. `skipped` lines were cut from the start.
 */
function changedMiddle(oldText: string, newText: string): { old: string; new: string; skipped: number; lines: number } {
  // A text ending in "\n" splits with a last "" element; the loops never eat both sides whole.
  const a = oldText.split("\n");
  const b = newText.split("\n");
  const shorter = Math.min(a.length, b.length);
  let head = 0;
  while (head < shorter - 1 && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < shorter - 1 - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const skipped = Math.max(0, head - CONTEXT);
  const cut = Math.max(0, tail - CONTEXT);
  // A middle that stops before the end stops after a whole line: give it back its newline.
  const slice = (xs: string[]) => xs.slice(skipped, xs.length - cut).join("\n") + (cut > 0 ? "\n" : "");
  return { old: slice(a), new: slice(b), skipped, lines: a.length + b.length - 2 * (skipped + cut) };
}

/** The one hunk of a file added (`+`) or removed (`-`) whole, as git writes it; null past MAX_DIFF_LINES. */
function wholeFile(text: string, sign: "+" | "-"): DiffHunk[] | null {
  if (text === "") return [];
  const lines = text.split("\n");
  const complete = lines[lines.length - 1] === "";
  if (complete) lines.pop();
  if (lines.length > MAX_DIFF_LINES) return null;
  const body = lines.map((l) => sign + l);
  if (!complete) body.push("\\ No newline at end of file");
  const n = lines.length;
  return [
    sign === "+" ? { oldStart: 0, oldLines: 0, newStart: 1, newLines: n, lines: body } : { oldStart: 1, oldLines: n, newStart: 0, newLines: 0, lines: body },
  ];
}
