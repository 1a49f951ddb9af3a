import "server-only";
import { listRevisions, type Revision } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir, usernameFromEmail } from "./internal";

export type TRevision = {
  oid: string;
  message: string;
  /** Account that made the revision, when it was made on Cellar. */
  author: { username: string | null; name: string };
  /** Who wrote it into the repository; Cellar's own revisions have the author as committer. */
  committer: { username: string | null; name: string };
  date: Date;
  parents: string[];
};

/** A revision of the store as pages show it: accounts recognised from the commit e-mail. */
export function toRevision(r: Revision): TRevision {
  return {
    oid: r.oid,
    message: r.message.trim(),
    author: { username: usernameFromEmail(r.author.email), name: r.author.name },
    committer: { username: usernameFromEmail(r.committer.email), name: r.committer.name },
    date: new Date(r.author.timestamp * 1000),
    parents: r.parents,
  };
}

/** Revisions of a snippet, newest first (including those inherited from the snippet it forks). */
export async function listSnippetRevisions(options: { owner: string; slug: string; limit?: number }): Promise<TRevision[]> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  try {
    const revisions = await listRevisions({ dir: repoDir(row.repoPath), ...(options.limit ? { limit: options.limit } : {}) });
    return revisions.map(toRevision);
  } catch (e) {
    throw fromRepoError(e);
  }
}
