import "server-only";
import { recordActivity } from "@/lib/activity/record-activity";
import { consume } from "@/lib/auth/rate-limit";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { isBinary, readFile, resolveRevision } from "@/lib/repos";
import { splitLines } from "@/lib/render/highlight";
import { findSnippetRefOrThrow, fromRepoError, repoDir } from "@/lib/snippets/internal";
import { firstIssue, type TActor } from "@/lib/snippets/schema";
import { lineKey } from "./follow-line";
import { commentSelect, toComment, type TComment } from "./internal";
import { ZCommentBody, ZCommentPlace } from "./schema";

export type TCreateCommentOptions = {
  actor: TActor | null;
  owner: string;
  slug: string;
  body: string;
  /** The revision the author was looking at (`HEAD` when absent): the comment records it. */
  rev?: string;
  /** For a comment on a line: the file and its 1-based line at `rev`. */
  path?: string;
  line?: number;
};

const decoder = new TextDecoder("utf-8");

/**
 * A comment by a signed-in user on a snippet, or on one line of one of its files, written on
 * revision `rev`. The line's text is read from the repository (not taken from the client) and
 * kept, so the comment can find its line again on later revisions. Rate-limited per user
 * (lib/auth/rate-limit.ts: `comment`, `comment-day`).
 */
export async function createComment(options: TCreateCommentOptions): Promise<TComment> {
  const { actor } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to comment.");
  const body = ZCommentBody.safeParse(options.body);
  if (!body.success) throw new AppError("INVALID", firstIssue(body.error));
  const place = ZCommentPlace.safeParse({ path: options.path, line: options.line });
  if (!place.success) throw new AppError("INVALID", firstIssue(place.error));
  await consume("comment", actor.id);
  await consume("comment-day", actor.id);

  const snippet = await findSnippetRefOrThrow(options.owner, options.slug);
  const dir = repoDir(snippet.repoPath);
  let rev: string;
  let lineText: string | null = null;
  try {
    rev = await resolveRevision({ dir, rev: options.rev ?? "HEAD" });
  } catch (e) {
    throw fromRepoError(e);
  }
  const { path, line } = place.data;
  if (path !== undefined && line !== undefined) {
    const file = await readFile({ dir, rev, path }).catch(() => {
      throw new AppError("INVALID", `There is no file "${path}" in revision ${rev.slice(0, 7)}.`);
    });
    if (isBinary(file.content)) throw new AppError("INVALID", `"${path}" is a binary file: comment on the snippet instead of on a line.`);
    const lines = splitLines(decoder.decode(file.content));
    if (line > lines.length)
      throw new AppError(
        "INVALID",
        `"${path}" has ${lines.length} line${lines.length === 1 ? "" : "s"} at revision ${rev.slice(0, 7)}; there is no line ${line}.`,
      );
    lineText = lineKey(lines[line - 1] ?? "");
  }

  const row = await getDb().comment.create({
    data: { snippetId: snippet.id, authorId: actor.id, rev, path: path ?? null, line: line ?? null, lineText, body: body.data },
    select: commentSelect,
  });
  // The activity says where, not what: a deleted comment's words must not live on in lists.
  const summary = path !== undefined ? `on line ${line} of ${path}` : "";
  await recordActivity({ kind: "COMMENT", actorId: actor.id, snippetId: snippet.id, networkId: snippet.networkId, rev, summary });
  return toComment(row, { revision: "this", currentLine: row.line }, { actor, snippetOwnerId: snippet.ownerId });
}
