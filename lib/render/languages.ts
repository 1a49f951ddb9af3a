/**
 * Languages Cellar highlights, keyed by what a file name ends with.
 *
 * Kept free of server-only imports so that both the server highlighter and client code (e.g. a
 * language badge) can agree on what a file is.
 */

/** Shiki language ids Cellar loads, plus "plaintext" for everything else. */
export type HighlightLanguage =
  | "python"
  | "javascript"
  | "typescript"
  | "json"
  | "markdown"
  | "html"
  | "css"
  | "shellscript"
  | "yaml"
  | "toml"
  | "c"
  | "cpp"
  | "julia"
  | "r"
  | "sql"
  | "latex"
  | "plaintext";

const BY_EXTENSION: Readonly<Record<string, HighlightLanguage>> = {
  py: "python",
  pyi: "python",
  // SageMath files are Python with a preparser; Python's grammar reads them well.
  sage: "python",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  ts: "typescript",
  mts: "typescript",
  cts: "typescript",
  tsx: "typescript",
  json: "json",
  ipynb: "json",
  md: "markdown",
  markdown: "markdown",
  html: "html",
  htm: "html",
  css: "css",
  sh: "shellscript",
  bash: "shellscript",
  zsh: "shellscript",
  yml: "yaml",
  yaml: "yaml",
  toml: "toml",
  c: "c",
  h: "c",
  cpp: "cpp",
  cc: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  hh: "cpp",
  hxx: "cpp",
  jl: "julia",
  r: "r",
  sql: "sql",
  tex: "latex",
  latex: "latex",
  sty: "latex",
  cls: "latex",
};

/** Highlighting language for a file path, by its extension (case-insensitive); "plaintext" if unknown. */
export function languageForPath(path: string): HighlightLanguage {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  // A leading dot (".bashrc") names a file, not an extension.
  if (dot <= 0) return "plaintext";
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? "plaintext";
}

const IMAGE_EXTENSIONS = new Set(["png", "jpg", "jpeg", "gif", "webp", "svg"]);

/** Whether a path names an image a browser can show in an `<img>` (png, jpg, gif, webp, svg). */
export function isImagePath(path: string): boolean {
  const dot = path.lastIndexOf(".");
  return dot > path.lastIndexOf("/") && IMAGE_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}
