"use client";

import "katex/dist/katex.min.css";
import Link from "@/components/link";
import { useState } from "react";
import { lineAnchor } from "@/lib/render/anchors";
import { formatDateTime } from "@/lib/render/format";
import { CommentForm } from "./comment-form";
import type { TCommentJson, TCommentsStore, TTarget } from "./comments-store";

/** Props of {@link CommentItem}. */
export type CommentItemProps = {
  comment: TCommentJson;
  target: TTarget;
  store: TCommentsStore;
  /** Say which line of which file it was written on (for line comments shown away from their line). */
  showPlace?: boolean;
};

/**
 * One comment: author, date, where it was written when that is not the revision shown (with a
 * link there), its text (HTML rendered and sanitised by the server), and Edit / Delete for
 * those the API says may.
 */
export function CommentItem({ comment: c, target, store, showPlace }: CommentItemProps) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const base = `/${target.owner}/${target.slug}`;
  const where = c.path !== null && c.line !== null ? `#${lineAnchor(c.path, c.line)}` : `#comment-${c.id}`;
  const writtenOn = `${base}/rev/${c.rev}${where}`;

  return (
    <article className="comment" id={`comment-${c.id}`} aria-label={`Comment by ${c.author.username}`}>
      <header className="comment__header">
        <Link className="comment__author" href={`/${c.author.username}`}>
          {c.author.name}
        </Link>
        <time dateTime={c.createdAt}>{formatDateTime(new Date(c.createdAt))}</time>
        {c.edited ? <span className="comment__meta">edited</span> : null}
        {showPlace && c.path !== null ? (
          <span className="comment__meta">
            on line {c.line} of <code>{c.path}</code>
          </span>
        ) : null}
        {c.revision !== "this" ? (
          <Link className="comment__older" href={writtenOn} title={`Written on revision ${c.rev.slice(0, 7)}`}>
            on {c.revision === "older" ? "an older" : "a newer"} revision <code>{c.rev.slice(0, 7)}</code>
          </Link>
        ) : null}
        {c.canEdit || c.canDelete ? (
          <span className="comment__actions">
            {c.canEdit && !editing ? (
              <button type="button" className="button button--quiet button--small" onClick={() => setEditing(true)}>
                Edit
              </button>
            ) : null}
            {c.canDelete ? (
              <button
                type="button"
                className="button button--quiet button--small"
                onClick={async () => {
                  if (!window.confirm("Delete this comment?")) return;
                  setError(await store.remove(c.id));
                }}
              >
                Delete
              </button>
            ) : null}
          </span>
        ) : null}
      </header>
      {editing ? (
        <CommentForm
          label="Edit your comment"
          submitLabel="Save"
          initial={c.body}
          autoFocus
          onCancel={() => setEditing(false)}
          onSubmit={async (body) => {
            const problem = await store.update(c.id, body);
            if (!problem) setEditing(false);
            return problem;
          }}
        />
      ) : (
        // Rendered with KaTeX and sanitised on the server (lib/render/markdown.ts): safe as HTML.
        <div className="prose comment__body" dangerouslySetInnerHTML={{ __html: c.html }} />
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}
