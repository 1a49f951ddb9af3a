import "server-only";
import { getDb } from "@/lib/db/client";
import { resolveRevision } from "@/lib/repos";
import { findSnippetRefOrThrow, fromRepoError, repoDir } from "@/lib/snippets/internal";
import type { TActor } from "@/lib/snippets/schema";
import { commentSelect, toComment, type TComment } from "./internal";
import { placeComments } from "./place-comments";
import { COMMENTS_PAGE_SIZE, type TCommentsOn } from "./schema";

export type TCommentPage = {
  items: TComment[];
  page: number;
  hasNext: boolean;
  /** The full oid of the revision the comments are placed on. */
  rev: string;
};

/**
 * A page of a snippet's comments, oldest first (a conversation reads down), placed on revision
 * `rev` (`HEAD` when absent): each says whether it was written on that revision or an older or
 * newer one, and a line comment gives its line there (see placeComments). `on` picks line
 * comments or comments on the whole snippet; the snippet page loads the two separately, every
 * line comment for its files and the others a page at a time. `actor` only decides `canEdit`
 * and `canDelete`: every snippet that exists is readable, and so are its comments.
 */
export async function listComments(options: {
  actor: TActor | null;
  owner: string;
  slug: string;
  rev?: string;
  on?: TCommentsOn;
  page?: number;
}): Promise<TCommentPage> {
  const page = options.page ?? 1;
  const snippet = await findSnippetRefOrThrow(options.owner, options.slug);
  const dir = repoDir(snippet.repoPath);
  let rev: string;
  try {
    rev = await resolveRevision({ dir, rev: options.rev ?? "HEAD" });
  } catch (e) {
    throw fromRepoError(e);
  }
  const on = options.on ?? "all";
  const rows = await getDb().comment.findMany({
    where: { snippetId: snippet.id, ...(on === "lines" ? { line: { not: null } } : on === "snippet" ? { line: null } : {}) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    skip: (page - 1) * COMMENTS_PAGE_SIZE,
    take: COMMENTS_PAGE_SIZE + 1,
    select: commentSelect,
  });
  const shown = rows.slice(0, COMMENTS_PAGE_SIZE);
  const placements = await placeComments(dir, rev, shown);
  const viewer = { actor: options.actor, snippetOwnerId: snippet.ownerId };
  return {
    items: shown.map((row, i) => toComment(row, placements[i] ?? { revision: "this", currentLine: null }, viewer)),
    page,
    hasNext: rows.length > COMMENTS_PAGE_SIZE,
    rev,
  };
}
