/** Stable error codes of the git store; callers map them to their own (HTTP) errors. */
export type RepoErrorCode = "NOT_FOUND" | "STALE_HEAD" | "INVALID_FILES" | "TOO_LARGE" | "LOCKED";

/**
 * The one error type lib/repos throws on purpose. Anything else escaping the store is a bug or an
 * environment failure (disk full, permissions) and should be treated as internal.
 */
export class RepoError extends Error {
  override name = "RepoError";
  readonly code: RepoErrorCode;
  /** For `STALE_HEAD`: the head the repository has now, so the caller can show or merge it. */
  readonly currentHead?: string;
  /** For `INVALID_FILES` / `TOO_LARGE`: the offending file path, when one file is to blame. */
  readonly path?: string;

  constructor(code: RepoErrorCode, message: string, extra: { currentHead?: string; path?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    if (extra.currentHead !== undefined) this.currentHead = extra.currentHead;
    if (extra.path !== undefined) this.path = extra.path;
  }
}

/** True when `err` is a RepoError, optionally with the given code. */
export function isRepoError(err: unknown, code?: RepoErrorCode): err is RepoError {
  return err instanceof RepoError && (code === undefined || err.code === code);
}
