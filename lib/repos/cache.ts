/** The cache object isomorphic-git takes (its own type is `object`). */
export type GitCache = Record<string, unknown>;

/**
 * isomorphic-git reads a whole pack file and verifies its SHA-1 the first time a call touches
 * it, and keeps it in the `cache` object it is given (forever: it never evicts). A cache per
 * call therefore re-reads and re-hashes the pack on every read of a packed repository. Instead
 * we keep one cache per repository for the most recently used repositories. Pack files are
 * immutable and named by content, and isomorphic-git lists objects/pack on each lookup, so a
 * cache never serves stale data after a repack; it only holds a replaced pack until evicted.
 */
const MAX_REPOS_CACHED = 64;
const caches = new Map<string, GitCache>();

/** The shared isomorphic-git cache for `dir` (bounded LRU over repositories). */
export function cacheFor(dir: string): GitCache {
  let cache = caches.get(dir);
  if (cache) {
    caches.delete(dir);
  } else {
    cache = {};
    if (caches.size >= MAX_REPOS_CACHED) {
      const oldest = caches.keys().next().value;
      if (oldest !== undefined) caches.delete(oldest);
    }
  }
  caches.set(dir, cache);
  return cache;
}

/** Drop the cache of `dir` (after it is deleted), so a new repository at that path starts clean. */
export function forgetCache(dir: string): void {
  caches.delete(dir);
}
