import { Fragment } from "react";

import { diffAnchor } from "@/lib/render/anchors";

/** One hunk of a unified diff (the shape of jsdiff's `structuredPatch` hunks). */
export type DiffHunk = {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Each line starts with "+", "-", " ", or "\" for "\ No newline at end of file". */
  lines: readonly string[];
};

/** One changed file, as returned by `diffRevisions`. */
export type DiffFile = {
  path: string;
  status: "added" | "removed" | "modified";
  binary: boolean;
  /** null for binary files and diffs too large to compute. */
  hunks: readonly DiffHunk[] | null;
  tooLarge: boolean;
};

/**
 * Where the two sides' files download from: the raw-file URL of each revision without the path
 * (`/alice/newton/raw/<oid>`), for the note on a diff too large to show.
 */
export type DiffVersions = { before: string | null; after: string };

/** Props of {@link DiffView}. */
export type DiffViewProps = {
  files: readonly DiffFile[];
  versions: DiffVersions;
};

const STATUS_LABEL: Record<DiffFile["status"], string> = { added: "Added", removed: "Removed", modified: "Modified" };

/** Lines added and removed in a file, counted from its hunks. */
function countChanges(hunks: readonly DiffHunk[] | null): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const hunk of hunks ?? []) {
    for (const line of hunk.lines) {
      if (line.startsWith("+")) added += 1;
      else if (line.startsWith("-")) removed += 1;
    }
  }
  return { added, removed };
}

/**
 * The changes between two revisions as a unified diff: per file a header (status, path, +/−
 * counts) and its hunks with old and new line numbers. File text is rendered as React text, so
 * nothing in it can become markup.
 */
export function DiffView({ files, versions }: DiffViewProps) {
  if (files.length === 0) return <p className="diff-empty">No changes between these revisions.</p>;
  const total = files.reduce(
    (sum, file) => {
      const { added, removed } = countChanges(file.hunks);
      return { added: sum.added + added, removed: sum.removed + removed };
    },
    { added: 0, removed: 0 },
  );
  return (
    <div className="diff">
      <p className="diff__summary">
        {files.length} {files.length === 1 ? "file" : "files"} changed, <span className="diff__added">+{total.added}</span>{" "}
        <span className="diff__removed">−{total.removed}</span>
      </p>
      {files.map((file) => (
        <DiffFileView key={file.path} file={file} versions={versions} />
      ))}
    </div>
  );
}

function DiffFileView({ file, versions }: { file: DiffFile; versions: DiffVersions }) {
  const { added, removed } = countChanges(file.hunks);
  return (
    <section className="file diff-file" id={diffAnchor(file.path)} aria-label={`${STATUS_LABEL[file.status]}: ${file.path}`}>
      <header className="file__header">
        <span className={`badge badge--${file.status}`}>{STATUS_LABEL[file.status]}</span>
        <h2 className="file__path">{file.path}</h2>
        {file.hunks ? (
          <span className="file__meta">
            <span className="diff__added" aria-label={`${added} lines added`}>
              +{added}
            </span>{" "}
            <span className="diff__removed" aria-label={`${removed} lines removed`}>
              −{removed}
            </span>
          </span>
        ) : null}
      </header>
      {file.binary ? (
        <p className="file__note">Binary file changed.</p>
      ) : file.tooLarge || !file.hunks ? (
        <TooLargeNote file={file} versions={versions} />
      ) : file.hunks.length === 0 ? (
        <p className="file__note">{file.status === "modified" ? "Only file metadata changed." : "Empty file."}</p>
      ) : (
        <div className="code-scroll">
          <table className="code diff-table">
            <tbody>
              {file.hunks.map((hunk, index) => (
                <Fragment key={index}>
                  <tr className="diff-table__hunk">
                    <td colSpan={3}>
                      @@ -{hunk.oldStart},{hunk.oldLines} +{hunk.newStart},{hunk.newLines} @@
                    </td>
                  </tr>
                  <HunkRows hunk={hunk} />
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** A diff over the time budget (lib/repos/diff.ts): links to both versions instead. */
function TooLargeNote({ file, versions }: { file: DiffFile; versions: DiffVersions }) {
  const path = file.path.split("/").map(encodeURIComponent).join("/");
  const before = file.status !== "added" && versions.before !== null ? `${versions.before}/${path}` : null;
  const after = file.status !== "removed" ? `${versions.after}/${path}` : null;
  return (
    <p className="file__note">
      This diff is too large to show; download the versions:{" "}
      {before ? (
        <a href={before} download>
          before
        </a>
      ) : null}
      {before && after ? " · " : null}
      {after ? (
        <a href={after} download>
          after
        </a>
      ) : null}
      .
    </p>
  );
}

function HunkRows({ hunk }: { hunk: DiffHunk }) {
  let oldLine = hunk.oldStart;
  let newLine = hunk.newStart;
  return hunk.lines.map((line, index) => {
    const marker = line[0] ?? " ";
    const text = line.slice(1);
    if (marker === "\\") {
      return (
        <tr key={index} className="diff-table__note">
          <td className="code__number" />
          <td className="code__number" />
          <td className="code__line">{line}</td>
        </tr>
      );
    }
    const kind = marker === "+" ? "added" : marker === "-" ? "removed" : "context";
    const oldNumber = kind === "added" ? null : oldLine++;
    const newNumber = kind === "removed" ? null : newLine++;
    return (
      <tr key={index} className={`diff-table__row diff-table__row--${kind}`}>
        <td className="code__number" data-line={oldNumber ?? undefined} />
        <td className="code__number" data-line={newNumber ?? undefined} />
        <td className="code__line">
          {/* The marker is for screen readers and copy; colour alone must not carry the meaning. */}
          <span className="diff-table__marker">{kind === "context" ? " " : marker}</span>
          {text}
        </td>
      </tr>
    );
  });
}
