import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { findSnippetRefOrThrow } from "@/lib/snippets/internal";
import type { TActor } from "@/lib/snippets/schema";
import { findCommentOrThrow } from "./internal";

/** Deletes a comment: its author may, and so may the snippet's owner (to moderate their page). */
export async function deleteComment(options: { actor: TActor | null; owner: string; slug: string; id: string }): Promise<void> {
  const { actor } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to delete a comment.");
  const snippet = await findSnippetRefOrThrow(options.owner, options.slug);
  const comment = await findCommentOrThrow(snippet.id, options.id);
  if (comment.authorId !== actor.id && snippet.ownerId !== actor.id) {
    throw new AppError("FORBIDDEN", "Only the comment's author or the snippet's owner can delete a comment.");
  }
  await getDb().comment.delete({ where: { id: comment.id } });
}
