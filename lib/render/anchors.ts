/**
 * A URL-fragment-safe id for a file of a snippet, e.g. "file-src-main-py" for "src/main.py".
 * Line anchors append "-L<n>". Characters outside [a-z0-9] become "-", so the id needs no escaping
 * in HTML, CSS selectors or URLs.
 */
export function fileAnchor(path: string): string {
  return `file-${slugOf(path)}`;
}

/** Id of a file's section in a diff, e.g. "diff-src-main-py". */
export function diffAnchor(path: string): string {
  return `diff-${slugOf(path)}`;
}

function slugOf(path: string): string {
  const slug = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "unnamed";
}

/** Anchor of one line of a file: "file-main-py-L12". */
export function lineAnchor(path: string, line: number): string {
  return `${fileAnchor(path)}-L${line}`;
}
