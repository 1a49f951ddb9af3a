import "server-only";
import { getDb } from "@/lib/db/client";
import { compareHistories, listRevisions } from "@/lib/repos";
import { findSnippetOrThrow, fromRepoError, repoDir } from "./internal";
import { toRevision, type TRevision } from "./list-revisions";

/** Someone credited, with how many revisions they made (or committed). */
export type TCredit = { username: string | null; name: string; revisions: number };

export type TCredits = {
  /** Who made the first revision: the original author, also of a fork of a fork. */
  primaryAuthor: TCredit | null;
  /** Everyone else with a revision in the history, upstream ones before the fork included, in order of their first one. */
  contributors: TCredit[];
  /** Who committed the revisions made in this snippet itself (not those inherited from its source). */
  committers: TCredit[];
};

/** People in order of their first revision (oldest first), each with a count. */
function tally(revisions: TRevision[], who: (r: TRevision) => { username: string | null; name: string }): TCredit[] {
  const byKey = new Map<string, TCredit>();
  for (const r of [...revisions].reverse()) {
    const person = who(r);
    const key = person.username ?? `name:${person.name}`;
    const credit = byKey.get(key) ?? { ...person, revisions: 0 };
    credit.revisions += 1;
    byKey.set(key, credit);
  }
  return [...byKey.values()];
}

/**
 * The credit lines of a snippet, read from its history (git is the source of truth): its
 * primary author, its contributors and its committers. A fork's own revisions are those its
 * source does not have; when the source is deleted, those after the revision it was forked at
 * (from the fork's activity record), or all of them when that is unknown.
 */
export async function getCredits(options: { owner: string; slug: string }): Promise<TCredits> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const dir = repoDir(row.repoPath);
  try {
    const revisions = (await listRevisions({ dir })).map(toRevision);
    let own = revisions;
    if (row.forkedFromId) {
      const source = await getDb().snippet.findUnique({ where: { id: row.forkedFromId }, select: { repoPath: true } });
      if (source) {
        const ahead = new Set((await compareHistories({ baseDir: repoDir(source.repoPath), otherDir: dir })).ahead);
        own = revisions.filter((r) => ahead.has(r.oid));
      }
    } else if (row.forkedFromName) {
      const fork = await getDb().activity.findFirst({ where: { snippetId: row.id, kind: "FORK" }, select: { rev: true } });
      const at = fork?.rev ? revisions.findIndex((r) => r.oid === fork.rev) : -1;
      if (at >= 0) own = revisions.slice(0, at);
    }
    const authors = tally(revisions, (r) => r.author);
    return { primaryAuthor: authors[0] ?? null, contributors: authors.slice(1), committers: tally(own, (r) => r.committer) };
  } catch (e) {
    throw fromRepoError(e);
  }
}
