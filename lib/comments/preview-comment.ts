import "server-only";
import { consume } from "@/lib/auth/rate-limit";
import { AppError } from "@/lib/errors";
import { firstIssue, type TActor } from "@/lib/snippets/schema";
import { renderCommentBody } from "./internal";
import { ZCommentPreviewText } from "./schema";

/**
 * A comment's text rendered as posting it would show it (Markdown, KaTeX, the sanitiser), for
 * the Write / Preview switch of the comment form. Nothing is stored. Signed-in users only, since
 * only they can post, and rate-limited per user (`comment-preview`): rendering costs
 * milliseconds, so an open endpoint would be free CPU for anyone.
 */
export async function previewComment(options: { actor: TActor | null; text: string }): Promise<{ html: string }> {
  const { actor } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to preview a comment.");
  const text = ZCommentPreviewText.safeParse(options.text);
  if (!text.success) throw new AppError("INVALID", firstIssue(text.error));
  await consume("comment-preview", actor.id);
  return { html: renderCommentBody(text.data) };
}
