import "server-only";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { renderMarkdown } from "@/lib/render/markdown";
import { BoundedMap } from "@/lib/repos/cache";
import type { TActor } from "@/lib/snippets/schema";

/*
 * Pieces shared by the comment operations: the row they read, its public shape, and how one
 * comment of a snippet is found for a change.
 */

export const commentSelect = {
  id: true,
  snippetId: true,
  authorId: true,
  rev: true,
  path: true,
  line: true,
  lineText: true,
  body: true,
  createdAt: true,
  updatedAt: true,
  author: { select: { username: true, displayName: true } },
} as const;

type TCommentRow = {
  id: string;
  authorId: string;
  rev: string;
  path: string | null;
  line: number | null;
  lineText: string | null;
  body: string;
  createdAt: Date;
  updatedAt: Date;
  author: { username: string; displayName: string | null };
};

/** Where a comment shows on the revision being looked at. */
export type TCommentPlacement = {
  /** The revision looked at is the one the comment was written on, or comes after or before it. */
  revision: "this" | "older" | "newer";
  /** A line comment's line at the revision looked at: the same text, followed through the edits; null when that line is gone. */
  currentLine: number | null;
};

/** A comment as pages and the API show it. `html` is its Markdown rendered and sanitised on the server. */
export type TComment = {
  id: string;
  author: { username: string; name: string };
  body: string;
  html: string;
  rev: string;
  path: string | null;
  line: number | null;
  createdAt: Date;
  updatedAt: Date;
  edited: boolean;
  /** What the one asking may do with it: its author edits it; its author and the snippet's owner delete it. */
  canEdit: boolean;
  canDelete: boolean;
} & TCommentPlacement;

/**
 * A comment's text as HTML: Markdown with $math$, typeset by KaTeX and sanitised. The one
 * renderer of comments, shared by stored comments and the preview of one being written
 * (preview-comment.ts), so a preview shows exactly what posting will.
 */
export function renderCommentBody(body: string): string {
  return renderMarkdown(body);
}

/** Rendered comments by id and edit time: Markdown with KaTeX costs milliseconds a comment, and lists are read far more than written. */
const htmlCache = new BoundedMap<string, string>(2000);

function commentHtml(row: TCommentRow): string {
  const key = `${row.id}@${row.updatedAt.getTime()}`;
  let html = htmlCache.get(key);
  if (html === undefined) {
    html = renderCommentBody(row.body);
    htmlCache.set(key, html);
  }
  return html;
}

export function toComment(row: TCommentRow, placement: TCommentPlacement, viewer: { actor: TActor | null; snippetOwnerId: string }): TComment {
  const mine = viewer.actor?.id === row.authorId;
  return {
    id: row.id,
    author: { username: row.author.username, name: row.author.displayName ?? row.author.username },
    body: row.body,
    html: commentHtml(row),
    rev: row.rev,
    path: row.path,
    line: row.line,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    edited: row.updatedAt.getTime() > row.createdAt.getTime(),
    canEdit: mine,
    canDelete: mine || viewer.actor?.id === viewer.snippetOwnerId,
    ...placement,
  };
}

/** The comment `id` on the snippet `snippetId`, or a 404 (a comment of another snippet is not found here either). */
export async function findCommentOrThrow(snippetId: string, id: string): Promise<TCommentRow & { snippetId: string }> {
  const row = await getDb().comment.findFirst({ where: { id, snippetId }, select: commentSelect });
  if (!row) throw new AppError("NOT_FOUND", "There is no such comment on this snippet (it may have been deleted).");
  return row;
}
