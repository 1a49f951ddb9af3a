import type { ReactNode } from "react";

import { LineComments } from "@/components/comments/line-comments";
import { fileAnchor } from "@/lib/render/anchors";
import { formatBytes } from "@/lib/render/format";
import { isImagePath } from "@/lib/render/languages";

/** Props of {@link FileView}. */
export type FileViewProps = {
  path: string;
  /** Size in bytes, shown in the header. */
  size: number;
  /** HTML per line from `highlightFile` (escaped there). Omit for binary files. */
  lines?: readonly string[];
  binary: boolean;
  /** Where the file's bytes can be fetched: the image source, and the link for binary files. */
  rawUrl: string;
  /** Links or buttons for the header, e.g. Raw, Copy permalink. */
  actions?: ReactNode;
  /** Element id of the file, prefix of its line ids; defaults to `fileAnchor(path)`. */
  anchor?: string;
  /** The snippet and revision shown: its lines take comments (loaded in the browser, shown under their lines). */
  comments?: { owner: string; slug: string; rev: string };
};

/**
 * One file of a snippet: a header with its name and size, then its numbered, highlighted lines
 * (each line number links to `#<anchor>-L<n>`) with their comments, an image preview, or a note
 * for other binary files.
 */
export function FileView({ path, size, lines, binary, rawUrl, actions, anchor = fileAnchor(path), comments }: FileViewProps) {
  return (
    <section className="file" id={anchor} aria-label={path}>
      <header className="file__header">
        <h2 className="file__path">
          <a href={`#${anchor}`}>{path}</a>
        </h2>
        <span className="file__meta">
          {lines && !binary ? `${lines.length} ${lines.length === 1 ? "line" : "lines"} · ` : null}
          {formatBytes(size)}
        </span>
        {actions ? <div className="file__actions">{actions}</div> : null}
      </header>
      <FileBody path={path} size={size} lines={lines} binary={binary} rawUrl={rawUrl} anchor={anchor} />
      {comments && lines && lines.length > 0 && !binary && !isImagePath(path) ? <LineComments target={comments} path={path} anchor={anchor} /> : null}
    </section>
  );
}

function FileBody({ path, size, lines, binary, rawUrl, anchor }: Omit<FileViewProps, "actions"> & { anchor: string }) {
  if (isImagePath(path)) {
    return (
      <div className="file__image">
        {/* User images of unknown size from our own raw route: next/image would add nothing here. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src={rawUrl} alt={path} loading="lazy" />
      </div>
    );
  }
  if (binary || !lines) {
    return (
      <p className="file__note">
        Binary file ({formatBytes(size)}). <a href={rawUrl}>Download</a>
      </p>
    );
  }
  if (lines.length === 0) return <p className="file__note">Empty file.</p>;
  return <div className="code-scroll" dangerouslySetInnerHTML={{ __html: codeTableHtml(lines, anchor) }} />;
}

/**
 * The numbered lines as one HTML string. Built as a string rather than as React elements,
 * and lean, because a page carries its markup twice (HTML, and React's payload where every
 * `"` and `<` is escaped): single-quoted attributes, no classes per row (`.code-file` styles
 * rows by position), the line number as the link's text (not selectable, so copying code
 * leaves it out). `anchor` is [a-z0-9-] (see fileAnchor); highlightFile escaped the lines.
 */
function codeTableHtml(lines: readonly string[], anchor: string): string {
  let html = "<table class='code code-file'><tbody>";
  lines.forEach((line, index) => {
    const id = `${anchor}-L${index + 1}`;
    html += `<tr id='${id}'><td><a href='#${id}'>${index + 1}</a></td><td>${line}</td></tr>`;
  });
  return html + "</tbody></table>";
}
