"use client";

import { useEffect } from "react";
import { CommentForm } from "./comment-form";
import { CommentItem } from "./comment-item";
import { useComments, type TTarget } from "./comments-store";
import "./comments.css";

/**
 * The comments on a snippet as a whole, below its files, and the line comments whose line is
 * gone from the revision shown (they say where they were written, with a link there). Loaded
 * in the browser: see comments-store.ts for why.
 */
export function SnippetComments({ owner, slug, rev }: TTarget) {
  const target = { owner, slug, rev };
  const [state, store] = useComments(target);
  const away = state.lines.filter((c) => c.currentLine === null);
  const shown = [...state.general, ...away].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const onLines = state.lines.length - away.length;

  // A link to a comment (#comment-…) lands once the comments are there.
  useEffect(() => {
    if (state.status !== "ready" || !window.location.hash.startsWith("#comment-")) return;
    document.getElementById(window.location.hash.slice(1))?.scrollIntoView();
  }, [state.status]);

  return (
    <section className="comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">Comments</h2>
      {state.status === "loading" ? <p className="comments__note">Loading comments…</p> : null}
      {state.status === "failed" ? (
        <p className="comments__note" role="alert">
          The comments could not be loaded. Reload the page to try again.
        </p>
      ) : null}
      {state.status === "ready" && shown.length === 0 ? (
        <p className="comments__note">No comments on the snippet yet. To comment on a line, use the + beside its number.</p>
      ) : null}
      {shown.map((c) => (
        <CommentItem key={c.id} comment={c} target={target} store={store} showPlace />
      ))}
      {state.nextPage !== null ? (
        <button type="button" className="button button--small" onClick={() => void store.loadMore()}>
          Show more comments
        </button>
      ) : null}
      {onLines > 0 ? (
        <p className="comments__note">
          {onLines} {onLines === 1 ? "comment is" : "comments are"} shown beside {onLines === 1 ? "its line" : "their lines"} in the files above.
        </p>
      ) : null}
      <CommentForm label="Comment on this snippet" submitLabel="Comment" onSubmit={(body) => store.create({ body })} />
    </section>
  );
}
