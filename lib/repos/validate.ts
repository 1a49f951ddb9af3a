import { RepoError } from "./errors";

/** A file of a snippet as the store takes it: a relative `/`-separated path and raw bytes. */
export interface SnippetFile {
  path: string;
  content: Uint8Array;
}

/**
 * Limits of a snippet. Sizes are decimal: 1 MB = 1,000,000 bytes, and messages say so.
 */
export const LIMITS = {
  /** Fewest files a revision may have. */
  minFiles: 1,
  /** Most files a revision may have. */
  maxFiles: 50,
  /** Largest single file, in bytes (1 MB). */
  maxFileBytes: 1_000_000,
  /** Largest sum of all files of a revision, in bytes (5 MB). */
  maxTotalBytes: 5_000_000,
  /** Most `/`-separated segments in a path (`a/b/c.txt` has 3). */
  maxDepth: 8,
  /** Longest path, in UTF-8 bytes. */
  maxPathBytes: 255,
} as const;

/** How many leading bytes `isBinary` inspects for a NUL byte, like git's own heuristic. */
const BINARY_SNIFF_BYTES = 8000;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A file is binary when a NUL byte appears in its first 8000 bytes (git's rule) or when it is
 * not valid UTF-8 (we could not show it as text anyway).
 */
export function isBinary(content: Uint8Array): boolean {
  const end = Math.min(content.length, BINARY_SNIFF_BYTES);
  for (let i = 0; i < end; i++) if (content[i] === 0) return true;
  try {
    utf8.decode(content);
    return false;
  } catch {
    return true;
  }
}

// C0 controls, DEL and C1 controls: invisible in listings and hostile to terminals.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
// Code points HFS+ ignores when comparing names, so ".g\u200cit" would be ".git" on a Mac
// (git's fsck rejects these as hasDotgit too).
const HFS_IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * True for names that some file system would treat as `.git`: exact (any case), with HFS+
 * ignorable code points, with NTFS trailing dots/spaces, or the NTFS short name `git~1`.
 * git fsck --strict rejects trees containing any of them.
 */
function isDotGitLike(segment: string): boolean {
  const folded = segment.replace(HFS_IGNORABLE, "").toLowerCase();
  if (folded === ".git" || folded === "git~1") return true;
  return /^\.git[. ]+$/.test(folded);
}

const encoder = new TextEncoder();
// A string with half a surrogate pair cannot be encoded as UTF-8 (String#isWellFormed is ES2024).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Problems with one path, or null when it is acceptable. */
function pathProblem(path: string): string | null {
  if (path.length === 0) return "the path is empty";
  if (LONE_SURROGATE.test(path)) return "the path is not valid Unicode";
  if (CONTROL_CHARS.test(path)) return "the path contains a NUL or control character";
  if (path.includes("\\")) return "the path contains a backslash; use / to separate folders";
  if (path.startsWith("/")) return "the path must be relative (no leading /)";
  if (path.endsWith("/")) return "the path ends with / (a folder, not a file)";
  const bytes = encoder.encode(path).length;
  if (bytes > LIMITS.maxPathBytes) return `the path is ${bytes} bytes long; the limit is ${LIMITS.maxPathBytes}`;
  const segments = path.split("/");
  if (segments.length > LIMITS.maxDepth) {
    return `the path is ${segments.length} levels deep; the limit is ${LIMITS.maxDepth}`;
  }
  for (const segment of segments) {
    if (segment === "") return "the path contains an empty folder name (//)";
    if (segment === "." || segment === "..") return `the path contains a "${segment}" segment`;
    if (isDotGitLike(segment)) return 'the path contains a ".git" folder or file, which is reserved';
  }
  return null;
}

function invalid(path: string, why: string): RepoError {
  return new RepoError("INVALID_FILES", `File ${JSON.stringify(path)}: ${why}.`, { path });
}

/**
 * Check a whole revision's files before anything is written. Throws RepoError `INVALID_FILES`
 * (bad path, duplicates, no files, a file that is also a folder) or `TOO_LARGE` (too many files,
 * a file over 1 MB, more than 5 MB in all); the message names the file at fault.
 */
export function validateFiles(files: readonly SnippetFile[]): void {
  if (!Array.isArray(files)) throw new TypeError("files must be an array");
  for (const file of files) {
    if (typeof file?.path !== "string") throw new RepoError("INVALID_FILES", "Every file needs a path.");
    if (!(file.content instanceof Uint8Array)) throw invalid(file.path, "the content is not bytes");
  }
  validateListing(files.map((f) => ({ path: f.path, size: f.content.length })));
}

/**
 * {@link validateFiles} on a listing of paths and sizes, for files that are not in memory (a
 * pushed tree, checked from `git ls-tree`): the same rules and the same messages.
 */
export function validateListing(files: readonly { path: string; size: number }[]): void {
  if (files.length < LIMITS.minFiles) {
    throw new RepoError("INVALID_FILES", "A snippet needs at least one file.");
  }
  if (files.length > LIMITS.maxFiles) {
    throw new RepoError("TOO_LARGE", `A snippet may have at most ${LIMITS.maxFiles} files; this one has ${files.length}.`);
  }
  const paths = new Set<string>();
  let total = 0;
  for (const file of files) {
    const problem = pathProblem(file.path);
    if (problem) throw invalid(file.path, problem);
    if (paths.has(file.path)) throw invalid(file.path, "two files have this path");
    paths.add(file.path);
    if (file.size > LIMITS.maxFileBytes) {
      throw new RepoError(
        "TOO_LARGE",
        `File ${JSON.stringify(file.path)} is ${file.size} bytes; the limit is 1 MB (${LIMITS.maxFileBytes.toLocaleString("en-US")} bytes) per file.`,
        { path: file.path },
      );
    }
    total += file.size;
  }
  if (total > LIMITS.maxTotalBytes) {
    throw new RepoError(
      "TOO_LARGE",
      `The files add up to ${total} bytes; the limit is 5 MB (${LIMITS.maxTotalBytes.toLocaleString("en-US")} bytes) per snippet.`,
    );
  }
  // A path cannot be both a file and a folder of another file (`a` and `a/b`).
  for (const path of paths) {
    let slash = path.indexOf("/");
    while (slash !== -1) {
      const folder = path.slice(0, slash);
      if (paths.has(folder)) {
        throw invalid(folder, `it is also the folder of ${JSON.stringify(path)}`);
      }
      slash = path.indexOf("/", slash + 1);
    }
  }
}
