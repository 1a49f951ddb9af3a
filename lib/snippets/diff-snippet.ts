import "server-only";
import { diffRevisions, resolveRevision } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir } from "./internal";

/**
 * Changes between two revisions of a snippet. `from` null compares with nothing (the first
 * revision shows every file as added).
 */
export async function diffSnippet(options: { owner: string; slug: string; from: string | null; to: string }) {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const to = await resolveRevision({ dir, rev: options.to });
    const from = options.from ? await resolveRevision({ dir, rev: options.from }) : null;
    const files = await diffRevisions({ dir, from, to });
    return { from, to, files };
  } catch (e) {
    throw fromRepoError(e);
  }
}

export type TSnippetDiff = Awaited<ReturnType<typeof diffSnippet>>;
