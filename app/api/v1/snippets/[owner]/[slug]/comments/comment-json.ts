import type { TComment } from "@/lib/comments/internal";
import { lineAnchor } from "@/lib/render/anchors";
import { absoluteUrl } from "../../../../_lib/urls";

/**
 * A comment as the API shows it: internal ids of users stay out; `url` is the comment where it
 * was written (the permalink of its revision, at its line for a line comment).
 */
export function commentJson(request: Request, owner: string, slug: string, c: TComment) {
  const at = c.path !== null && c.line !== null ? lineAnchor(c.path, c.line) : `comment-${c.id}`;
  return {
    id: c.id,
    author: c.author,
    body: c.body,
    html: c.html,
    rev: c.rev,
    path: c.path,
    line: c.line,
    revision: c.revision,
    currentLine: c.currentLine,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    edited: c.edited,
    canEdit: c.canEdit,
    canDelete: c.canDelete,
    url: absoluteUrl(request, `/${owner}/${slug}/rev/${c.rev}#${at}`),
  };
}
