/*
 * The parts of Jupyter's notebook format (nbformat 4.5) that Cellar writes and reads. Pure, so
 * the server (export, import) and the Run panel (its outputs into a download) share it.
 * Reference: https://nbformat.readthedocs.io/en/latest/format_description.html
 */

/** A notebook's text, as Jupyter stores it: one string, or a list of lines that are joined. */
export type TMultiline = string | string[];

export type TNbOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: TMultiline }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "execute_result"; execution_count: number | null; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export type TNbCodeCell = {
  cell_type: "code";
  id: string;
  metadata: Record<string, unknown>;
  execution_count: number | null;
  source: TMultiline;
  outputs: TNbOutput[];
};

export type TNbMarkdownCell = {
  cell_type: "markdown";
  id: string;
  metadata: Record<string, unknown>;
  source: TMultiline;
  attachments?: Record<string, Record<string, string>>;
};

export type TNbCell = TNbCodeCell | TNbMarkdownCell;

export type TNotebook = {
  nbformat: 4;
  nbformat_minor: 5;
  metadata: Record<string, unknown>;
  cells: TNbCell[];
};

/** The media type of a notebook file (IANA registration by Project Jupyter). */
export const NOTEBOOK_MEDIA_TYPE = "application/x-ipynb+json";

/**
 * Text as Jupyter writes it: a list of lines, each but the last keeping its "\n" (so diffs of
 * notebooks stay line by line); the empty text is an empty list.
 */
export function toLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n").map((l) => l + "\n");
  const last = lines.length - 1;
  lines[last] = (lines[last] ?? "").slice(0, -1);
  return lines[last] === "" ? lines.slice(0, -1) : lines;
}

/** A notebook's text field (a string or a list of lines) as one string. */
export function joinLines(value: TMultiline): string {
  return typeof value === "string" ? value : value.join("");
}

/** Notebook JSON as Jupyter itself writes it: one-space indent, a final newline. */
export function serializeNotebook(notebook: TNotebook): string {
  return JSON.stringify(notebook, null, 1) + "\n";
}
