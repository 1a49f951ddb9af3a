"use client";

import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { CommentForm } from "./comment-form";
import { CommentItem } from "./comment-item";
import { useComments, type TCommentJson, type TTarget } from "./comments-store";
import "./comments.css";

/** Props of {@link LineComments}. */
export type LineCommentsProps = {
  target: TTarget;
  path: string;
  /** The file's element id; its lines are the rows `<anchor>-L<n>` (components/file-view.tsx). */
  anchor: string;
};

/**
 * The comments on a file's lines, each thread in a row under its line like a code review, and
 * one "+" to start a thread on the line under the pointer or the focused line number. The
 * file's table stays the one HTML string the server sent (cheap for long files, see
 * file-view.tsx): rows are added only under lines that have comments, and the "+" is a single
 * button moved from line to line, so a long file costs nothing more per line.
 */
export function LineComments({ target, path, anchor }: LineCommentsProps) {
  const [state, store] = useComments(target);
  const [hovered, setHovered] = useState<number | null>(null);
  const [cells, setCells] = useState<[number, HTMLElement][]>([]);
  // The rows this component added, by line. Only these are ever removed: on a client-side move to
  // another revision the next page's table has the same ids, and its own rows are not ours.
  const rows = useRef(new Map<number, HTMLTableRowElement>());

  useEffect(() => {
    const scroll = document.getElementById(anchor)?.querySelector<HTMLElement>(".code-scroll");
    if (!scroll) return;
    const prefix = `${anchor}-L`;
    const point = (event: Event) => {
      const row = (event.target as Element | null)?.closest?.("tr");
      if (row?.id.startsWith(prefix)) setHovered(Number(row.id.slice(prefix.length)));
    };
    scroll.addEventListener("mouseover", point);
    scroll.addEventListener("focusin", point);
    // Threads stay in view and as wide as the visible code when long lines scroll sideways.
    const resized = new ResizeObserver(() => scroll.style.setProperty("--code-scroll-width", `${scroll.clientWidth}px`));
    resized.observe(scroll);
    return () => {
      scroll.removeEventListener("mouseover", point);
      scroll.removeEventListener("focusin", point);
      resized.disconnect();
    };
  }, [anchor]);

  const threads = new Map<number, TCommentJson[]>();
  for (const c of state.lines) {
    if (c.path !== path || c.currentLine === null) continue;
    threads.set(c.currentLine, [...(threads.get(c.currentLine) ?? []), c]);
  }
  const composing = state.composing?.path === path ? state.composing.line : null;
  if (composing !== null && !threads.has(composing)) threads.set(composing, []);
  const lines = [...threads.keys()].sort((a, b) => a - b);
  const linesKey = lines.join(",");

  // One row under each line with a thread; rows of threads that are gone are removed.
  useLayoutEffect(() => {
    const wanted = linesKey ? linesKey.split(",").map(Number) : [];
    for (const [line, row] of rows.current) {
      if (!wanted.includes(line)) {
        row.remove();
        rows.current.delete(line);
      }
    }
    const next: [number, HTMLElement][] = [];
    for (const line of wanted) {
      let row = rows.current.get(line);
      if (!row) {
        const lineRow = document.getElementById(`${anchor}-L${line}`);
        if (!lineRow) continue;
        row = document.createElement("tr");
        row.className = "line-comments";
        row.dataset.line = String(line);
        const cell = document.createElement("td");
        cell.colSpan = 2;
        row.append(cell);
        lineRow.after(row);
        rows.current.set(line, row);
      }
      next.push([line, row.firstElementChild as HTMLElement]);
    }
    setCells(next);
  }, [anchor, linesKey]);

  useEffect(() => {
    const added = rows.current;
    return () => {
      for (const row of added.values()) row.remove();
      added.clear();
    };
  }, []);

  const numberCell = hovered === null ? null : document.getElementById(`${anchor}-L${hovered}`)?.firstElementChild;
  return (
    <>
      {numberCell && hovered !== null && composing !== hovered
        ? createPortal(
            <button
              type="button"
              className="line-comment-add"
              aria-label={`Comment on line ${hovered} of ${path}`}
              title={`Comment on line ${hovered}`}
              onClick={() => store.compose({ path, line: hovered })}
            >
              +
            </button>,
            numberCell,
          )
        : null}
      {cells.map(([line, cell]) =>
        createPortal(
          <div className="line-thread" role="group" aria-label={`Comments on line ${line} of ${path}`}>
            {(threads.get(line) ?? []).map((c) => (
              <CommentItem key={c.id} comment={c} target={target} store={store} />
            ))}
            {composing === line ? (
              <CommentForm
                label={`Comment on line ${line} of ${path}`}
                submitLabel="Comment"
                autoFocus
                onCancel={() => store.compose(null)}
                onSubmit={(body) => store.create({ body, path, line })}
              />
            ) : (
              <button type="button" className="button button--small" onClick={() => store.compose({ path, line })}>
                Reply
              </button>
            )}
          </div>,
          cell,
          String(line),
        ),
      )}
    </>
  );
}
