import "server-only";
import { listRevisions } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir, usernameFromEmail } from "./internal";

export type TRevision = {
  oid: string;
  message: string;
  /** Account that made the revision, when it was made on Cellar. */
  author: { username: string | null; name: string };
  date: Date;
  parents: string[];
};

/** Revisions of a snippet, newest first (including those inherited from the snippet it forks). */
export async function listSnippetRevisions(options: { owner: string; slug: string; limit?: number }): Promise<TRevision[]> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  try {
    const revisions = await listRevisions({ dir: repoDir(row.repoPath), ...(options.limit ? { limit: options.limit } : {}) });
    return revisions.map((r) => ({
      oid: r.oid,
      message: r.message.trim(),
      author: { username: usernameFromEmail(r.author.email), name: r.author.name },
      date: new Date(r.author.timestamp * 1000),
      parents: r.parents,
    }));
  } catch (e) {
    throw fromRepoError(e);
  }
}

/**
 * Who made a snippet: its owner, and everyone else with a revision in its history
 * (upstream authors before a fork included), in order of their first revision.
 */
export function contributorsOf(revisions: TRevision[], owner: string): string[] {
  const seen = new Set<string>([owner]);
  const out: string[] = [];
  for (const r of [...revisions].reverse()) {
    const who = r.author.username ?? r.author.name;
    if (!seen.has(who)) {
      seen.add(who);
      out.push(who);
    }
  }
  return out;
}
