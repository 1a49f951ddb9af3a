import "server-only";
import { diffBudget, diffRevisions, resolveRevision, type DiffBudget } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir } from "./internal";

/** One page's allowance of diffing time (lib/repos/diff.ts): give it to every diff the page shows. */
export { diffBudget };

/**
 * Changes between two revisions of a snippet. `from` null compares with nothing (the first
 * revision shows every file as added). Files past the `budget` are `tooLarge`.
 */
export async function diffSnippet(options: { owner: string; slug: string; from: string | null; to: string; budget?: DiffBudget }) {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const to = await resolveRevision({ dir, rev: options.to });
    const from = options.from ? await resolveRevision({ dir, rev: options.from }) : null;
    const files = await diffRevisions({ dir, from, to, budget: options.budget });
    return { from, to, files };
  } catch (e) {
    throw fromRepoError(e);
  }
}

export type TSnippetDiff = Awaited<ReturnType<typeof diffSnippet>>;

/**
 * What each of these revisions changed (against its first parent), for a history page: one
 * lookup of the snippet and one diffing budget for all of them (a fresh one unless given). The
 * oids come from the snippet's own history.
 */
export async function diffEachRevision(options: {
  owner: string;
  slug: string;
  revisions: { oid: string; parents: string[] }[];
  budget?: DiffBudget;
}): Promise<TSnippetDiff[]> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  const budget = options.budget ?? diffBudget();
  try {
    return await Promise.all(
      options.revisions.map(async (r) => {
        const from = r.parents[0] ?? null;
        return { from, to: r.oid, files: await diffRevisions({ dir, from, to: r.oid, budget }) };
      }),
    );
  } catch (e) {
    throw fromRepoError(e);
  }
}
