import git from "isomorphic-git";
import { gitFs } from "./fs";
import { cacheFor } from "./cache";
import { assertAbsoluteDir } from "./paths";
import { resolveWith } from "./read";

/** One revision in a snippet's history. `timestamp` is in Unix seconds. */
export interface Revision {
  oid: string;
  message: string;
  author: { name: string; email: string; timestamp: number };
  /** Who wrote the revision into the repository (the same as the author for Cellar's own commits). */
  committer: { name: string; email: string; timestamp: number };
  parents: string[];
}

/**
 * The history of `dir` from `rev` (default `HEAD`), newest first, at most `limit` revisions
 * (default: all). NOT_FOUND when the repository or revision does not exist.
 */
export async function listRevisions(opts: { dir: string; rev?: string; limit?: number }): Promise<Revision[]> {
  assertAbsoluteDir(opts.dir);
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) {
    throw new TypeError("limit must be a positive integer");
  }
  const cache = cacheFor(opts.dir);
  const start = await resolveWith(opts.dir, opts.rev ?? "HEAD", cache);
  const entries = await git.log({
    fs: gitFs,
    gitdir: opts.dir,
    ref: start,
    cache,
    ...(opts.limit === undefined ? {} : { depth: opts.limit }),
  });
  return entries.map(({ oid, commit }) => ({
    oid,
    message: commit.message,
    author: { name: commit.author.name, email: commit.author.email, timestamp: commit.author.timestamp },
    committer: { name: commit.committer.name, email: commit.committer.email, timestamp: commit.committer.timestamp },
    parents: commit.parent,
  }));
}
