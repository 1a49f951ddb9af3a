import { assertAbsoluteDir } from "./paths";
import { cacheFor } from "./cache";
import { reachableCommits, readCommitInfo, resolveWith } from "./read";

/** How two histories relate, as `git rev-list --left-right --count base...other` and `git merge-base` tell it. */
export interface HistoryComparison {
  /** Full oid of the compared revision of `baseDir`. */
  base: string;
  /** Full oid of the compared revision of `otherDir`. */
  other: string;
  /** Commits only `other` has, newest first: how far it is ahead of `base`. */
  ahead: string[];
  /** Commits only `base` has, newest first: how far `other` is behind. */
  behind: string[];
  /** The newest commit both histories share; null when they share none. */
  mergeBase: string | null;
}

/**
 * Compares revision `baseRev` of `baseDir` with `otherRev` of `otherDir` (each default `HEAD`;
 * the two directories may be the same). Forks share objects, and an oid names the same commit
 * in every repository, so the histories are compared as sets of oids: each set comes from the
 * store's per-repository cache of reachable commits, which grows with new revisions instead of
 * being walked again, and parsed commits are cached by oid across repositories, so the common
 * history of a fork network is read from disk once.
 */
export async function compareHistories(opts: { baseDir: string; otherDir: string; baseRev?: string; otherRev?: string }): Promise<HistoryComparison> {
  assertAbsoluteDir(opts.baseDir, "baseDir");
  assertAbsoluteDir(opts.otherDir, "otherDir");
  const baseCache = cacheFor(opts.baseDir);
  const otherCache = cacheFor(opts.otherDir);
  const base = await resolveWith(opts.baseDir, opts.baseRev ?? "HEAD", baseCache);
  const other = await resolveWith(opts.otherDir, opts.otherRev ?? "HEAD", otherCache);
  // resolveWith has just filled the reachable sets of the heads; older revisions walk their own.
  const [inBase, inOther] = await Promise.all([reachableFrom(opts.baseDir, base, baseCache), reachableFrom(opts.otherDir, other, otherCache)]);
  const ahead = await newestFirst(opts.otherDir, other, (oid) => !inBase.has(oid));
  const behind = await newestFirst(opts.baseDir, base, (oid) => !inOther.has(oid));
  return { base, other, ahead, behind, mergeBase: await mergeBaseOf(opts.otherDir, other, inBase) };
}

/** Commits reachable from `rev` of `dir`: the cached set when `rev` is the head, else a walk. */
async function reachableFrom(dir: string, rev: string, cache: ReturnType<typeof cacheFor>): Promise<Set<string>> {
  const head = await resolveWith(dir, "HEAD", cache);
  if (rev === head) return reachableCommits(dir, head, cache);
  return walkBack(dir, [rev], () => true);
}

/**
 * The commits from `start` backwards that `keep` accepts, stopping at the first one it refuses
 * on each line of history (its ancestors are shared too), newest first by walking order:
 * Cellar's histories are linear, so that is also date order.
 */
async function newestFirst(dir: string, start: string, keep: (oid: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  await walkBack(dir, [start], (oid) => {
    if (!keep(oid)) return false;
    out.push(oid);
    return true;
  });
  return out;
}

/**
 * The best common ancestor of `start` (in `dir`) and a history given as its set of commits:
 * walking back from `start`, the first shared commits met on each line are candidates, and a
 * candidate that is an ancestor of another is not the best. With linear histories there is one.
 */
async function mergeBaseOf(dir: string, start: string, shared: Set<string>): Promise<string | null> {
  const candidates: string[] = [];
  await walkBack(dir, [start], (oid) => {
    if (!shared.has(oid)) return true;
    candidates.push(oid);
    return false;
  });
  if (candidates.length <= 1) return candidates[0] ?? null;
  const cache = cacheFor(dir);
  const parents = await Promise.all(candidates.map(async (c) => (await readCommitInfo(dir, c, cache)).parents));
  const below = await walkBack(dir, parents.flat(), () => true);
  return candidates.find((c) => !below.has(c)) ?? null;
}

/**
 * Walks the history of `dir` back from `starts` breadth first, visiting each commit once, and
 * returns the commits visited; `enter(oid)` false stops that line of history at `oid`.
 */
async function walkBack(dir: string, starts: string[], enter: (oid: string) => boolean): Promise<Set<string>> {
  const cache = cacheFor(dir);
  const seen = new Set<string>();
  const queue = [...starts];
  while (queue.length > 0) {
    const oid = queue.shift() as string;
    if (seen.has(oid)) continue;
    seen.add(oid);
    if (enter(oid)) queue.push(...(await readCommitInfo(dir, oid, cache)).parents);
  }
  return seen;
}
