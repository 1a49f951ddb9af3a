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
  /** The line diff gave up after its time budget: show "the files differ entirely". */
  tooLarge: boolean;
}

/** Default time budget for line diffs of one call, in milliseconds. */
export const DIFF_TIMEOUT_MS = 500;
/** Each file still gets this long even when the call's budget is spent by earlier files. */
const MIN_FILE_TIMEOUT_MS = 20;

const decoder = new TextDecoder("utf-8");

async function flatten(dir: string, rev: string | null, cache: GitCache): Promise<Map<string, string>> {
  if (rev === null) return new Map();
  return new Map((await listBlobs(dir, rev, cache)).map((b) => [b.path, b.oid]));
}

/**
 * The changes from revision `from` (null: the empty tree, for a first revision) to `to`, one
 * entry per changed file sorted by path, with 3 lines of context. A line diff that runs past
 * `timeoutMs` (shared by all files of the call) is abandoned and reported as `tooLarge`.
 * `to` is read from `toDir` when given: comparing a snippet with a fork, whose new revisions
 * only the fork's repository has.
 */
export async function diffRevisions(opts: {
  dir: string;
  from: string | null;
  to: string;
  toDir?: string;
  timeoutMs?: number;
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
  const deadline = Date.now() + (opts.timeoutMs ?? DIFF_TIMEOUT_MS);
  const out: FileDiff[] = [];
  for (const path of paths) {
    const oldOid = before.get(path) ?? null;
    const newOid = after.get(path) ?? null;
    const status = oldOid === null ? "added" : newOid === null ? "removed" : "modified";
    const [oldBytes, newBytes] = await Promise.all([
      oldOid === null ? new Uint8Array() : readBlobContent(opts.dir, oldOid, cache),
      newOid === null ? new Uint8Array() : readBlobContent(toDir, newOid, toCache),
    ]);
    const base = { path, status, oldOid, newOid } as const;
    if (isBinary(oldBytes) || isBinary(newBytes)) {
      out.push({ ...base, binary: true, hunks: null, tooLarge: false });
      continue;
    }
    const timeout = Math.max(MIN_FILE_TIMEOUT_MS, deadline - Date.now());
    const patch = structuredPatch(path, path, decoder.decode(oldBytes), decoder.decode(newBytes), undefined, undefined, {
      context: 3,
      timeout,
    });
    if (patch === undefined) {
      out.push({ ...base, binary: false, hunks: null, tooLarge: true });
      continue;
    }
    // jsdiff keeps start 1 for an empty side; unified diffs (and git) write 0 there.
    const hunks = patch.hunks.map(({ oldStart, oldLines, newStart, newLines, lines }) => ({
      oldStart: oldLines === 0 ? oldStart - 1 : oldStart,
      oldLines,
      newStart: newLines === 0 ? newStart - 1 : newStart,
      newLines,
      lines,
    }));
    out.push({ ...base, binary: false, hunks, tooLarge: false });
  }
  return out;
}
