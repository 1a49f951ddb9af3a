/** The cache object isomorphic-git takes (its own type is `object`). */
export type GitCache = Record<string, unknown>;

/**
 * A Map that forgets its least recently used entry beyond `limit` entries. Every cache of the
 * store is one of these: isomorphic-git's own cache never evicts, and a long-running server
 * must not grow without bound.
 */
export class BoundedMap<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly limit: number) {}

  /** The value for `key`, marking it most recently used. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.limit) {
      const oldest = this.#map.keys().next().value;
      if (oldest !== undefined) this.#map.delete(oldest);
    }
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }
}

/*
 * isomorphic-git reads a whole pack file and verifies its SHA-1 the first time a call touches
 * it, and keeps it in the `cache` object it is given. A cache per call therefore re-reads and
 * re-hashes the pack on every read of a packed repository. Instead we keep one cache per
 * repository for the most recently used repositories. Pack files are immutable and named by
 * content, and isomorphic-git lists objects/pack on each lookup, so a cache never serves stale
 * data after a repack; it only holds a replaced pack until evicted. Memory is bounded by
 * MAX_REPOS_CACHED × pack size (typically well under 100 KB for a snippet).
 */
const MAX_REPOS_CACHED = 64;
const gitCaches = new BoundedMap<string, GitCache>(MAX_REPOS_CACHED);

/** The shared isomorphic-git cache for `dir` (bounded LRU over repositories). */
export function cacheFor(dir: string): GitCache {
  let cache = gitCaches.get(dir);
  if (!cache) {
    cache = {};
    gitCaches.set(dir, cache);
  }
  return cache;
}

/** Drop the cache of `dir` (after it is deleted), so a new repository at that path starts clean. */
export function forgetCache(dir: string): void {
  gitCaches.delete(dir);
}
