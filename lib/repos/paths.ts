import { createHash } from "node:crypto";
import { isAbsolute } from "node:path";

/** Name of the only branch a snippet repository has; HEAD always points at it. */
export const MAIN_REF = "refs/heads/main";

/**
 * Where the repository for `key` (normally `owner/slug`) lives, relative to REPOS_DIR:
 * `aa/<38 hex>.git`, the SHA-1 of the key split like git's own object store so that no directory
 * holds more than ~1/256 of the repositories.
 */
export function repoPathFor(key: string): string {
  if (typeof key !== "string" || key.length === 0) throw new TypeError("repoPathFor: key must be a non-empty string");
  const hex = createHash("sha1").update(key, "utf8").digest("hex");
  return `${hex.slice(0, 2)}/${hex.slice(2)}.git`;
}

/** Guards the public functions: every directory they take must be absolute (no cwd surprises). */
export function assertAbsoluteDir(dir: unknown, name = "dir"): asserts dir is string {
  if (typeof dir !== "string" || dir.length === 0 || !isAbsolute(dir)) {
    throw new TypeError(`${name} must be an absolute path, got ${JSON.stringify(dir)}`);
  }
}

/** Full 40-hex object id. */
export const FULL_OID = /^[0-9a-f]{40}$/;
