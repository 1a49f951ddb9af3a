import "server-only";
import { AppError } from "@/lib/errors";
import { compareHistories, diffRevisions, listRevisions, type FileDiff } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir, toSnippetSummary, type TSnippetSummary } from "./internal";
import { toRevision, type TRevision } from "./list-revisions";

/** At most this many of the other snippet's own revisions are listed (the count is always exact). */
const MAX_LISTED = 100;

export type TForkComparison = {
  snippet: TSnippetSummary;
  other: TSnippetSummary;
  /** Heads compared: `snippet`'s and `other`'s latest revisions. */
  base: string;
  head: string;
  /** The newest revision both share (where they parted); null if none. */
  mergeBase: string | null;
  /** Revisions only `other` has, newest first (at most 100 listed). */
  ahead: TRevision[];
  aheadCount: number;
  /** How many revisions only `snippet` has. */
  behindCount: number;
  /** What it takes to turn `snippet`'s latest files into `other`'s. */
  files: FileDiff[];
};

/**
 * Compares snippet `owner/slug` with another snippet of its fork network (a fork, its source, a
 * sibling…): the revisions each has that the other has not, and the diff from this snippet's
 * latest files to the other's. Both are read from their own repositories, since each has
 * revisions the other never saw. Snippets of other networks share no history: 422.
 */
export async function compareWithFork(options: { owner: string; slug: string; otherOwner: string; otherSlug: string }): Promise<TForkComparison> {
  const [row, otherRow] = await Promise.all([findSnippetOrThrow(options.owner, options.slug), findSnippetOrThrow(options.otherOwner, options.otherSlug)]);
  if (row.id === otherRow.id) throw new AppError("INVALID", "Pick another snippet of the fork network to compare with.");
  if ((row.networkId ?? row.id) !== (otherRow.networkId ?? otherRow.id)) {
    throw new AppError(
      "INVALID",
      `${otherRow.owner.username}/${otherRow.slug} is not in the fork network of ${row.owner.username}/${row.slug}: only forks can be compared.`,
    );
  }
  const dir = repoDir(row.repoPath);
  const otherDir = repoDir(otherRow.repoPath);
  try {
    const c = await compareHistories({ baseDir: dir, otherDir });
    const [files, recent] = await Promise.all([
      diffRevisions({ dir, from: c.base, to: c.other, toDir: otherDir }),
      c.ahead.length === 0 ? [] : listRevisions({ dir: otherDir, limit: Math.min(c.ahead.length, MAX_LISTED) }),
    ]);
    const aheadSet = new Set(c.ahead);
    return {
      snippet: toSnippetSummary(row),
      other: toSnippetSummary(otherRow),
      base: c.base,
      head: c.other,
      mergeBase: c.mergeBase,
      ahead: recent.filter((r) => aheadSet.has(r.oid)).map(toRevision),
      aheadCount: c.ahead.length,
      behindCount: c.behind.length,
      files,
    };
  } catch (e) {
    throw fromRepoError(e);
  }
}
