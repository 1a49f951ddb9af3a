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
  /** Null for binary files and when the diff took too long (`tooLarge`). */
  hunks: DiffHunk[] | null;
  /** The line diff did not fit in the request's time budget: show a note and links to both versions. */
  tooLarge: boolean;
}

/**
 * Milliseconds of line diffing a request may spend on the event loop, all its files and calls
 * together: a page showing many revisions must not stall every other request while it diffs.
 */
export const DIFF_BUDGET_MS = 40;

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
 * {@link DIFF_BUDGET_MS}), small files first, yielding between files: a file whose diff runs
 * past what is left, and every file once it is spent, is reported as `tooLarge`. `to` is read
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
  const paths = [...new Set([...before.keys(), ...after.keys()])]
    .filter((p) => before.get(p) !== after.get(p))
    .sort(compareCodePoints);
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

/**
 * The hunks of one file, or null when jsdiff gave up at the budget's end. The time spent,
 * decoding and jsdiff's own splitting and hunk building included, is taken from the budget.
 */
function lineDiff(path: string, oldBytes: Uint8Array, newBytes: Uint8Array, budget: DiffBudget): DiffHunk[] | null {
  const started = performance.now();
  try {
    const patch = structuredPatch(path, path, decoder.decode(oldBytes), decoder.decode(newBytes), undefined, undefined, {
      context: 3,
      timeout: budget.remainingMs,
    });
    if (patch === undefined) return null;
    // jsdiff keeps start 1 for an empty side; unified diffs (and git) write 0 there.
    return patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({
      oldStart: oldLines === 0 ? oldStart - 1 : oldStart,
      oldLines,
      newStart: newLines === 0 ? newStart - 1 : newStart,
      newLines,
      lines,
    }));
  } finally {
    budget.remainingMs -= performance.now() - started;
  }
}
