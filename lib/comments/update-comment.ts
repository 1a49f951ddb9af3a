import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { findSnippetRefOrThrow } from "@/lib/snippets/internal";
import { firstIssue, type TActor } from "@/lib/snippets/schema";
import { commentSelect, findCommentOrThrow, toComment, type TComment } from "./internal";
import { ZCommentBody } from "./schema";

/**
 * Replaces the text of a comment; only its author may. Where it is (revision, file, line) stays:
 * an edit fixes what was said about that revision, it does not move the comment to another.
 */
export async function updateComment(options: { actor: TActor | null; owner: string; slug: string; id: string; body: string }): Promise<TComment> {
  const { actor } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to edit your comment.");
  const body = ZCommentBody.safeParse(options.body);
  if (!body.success) throw new AppError("INVALID", firstIssue(body.error));
  const snippet = await findSnippetRefOrThrow(options.owner, options.slug);
  const comment = await findCommentOrThrow(snippet.id, options.id);
  if (comment.authorId !== actor.id) throw new AppError("FORBIDDEN", "Only its author can edit a comment.");
  const row = await getDb().comment.update({ where: { id: comment.id }, data: { body: body.data, updatedAt: new Date() }, select: commentSelect });
  // Placement as written: the caller shows the edited comment where it already was.
  return toComment(row, { revision: "this", currentLine: row.line }, { actor, snippetOwnerId: snippet.ownerId });
}
