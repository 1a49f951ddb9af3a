import "server-only";
import { countTags } from "./count-tags";

/** How long counts are reused when no write of this process forgot them (writes by the CLI, or by another server of the same site). */
const TTL_MS = 60_000;
/** Paths counted separately (a tag page counts its subtree); past this many, all are dropped. */
const MAX_ENTRIES = 500;

type TEntry = { at: number; counts: Promise<Map<string, number>> };

// On globalThis, like the database client: one cache per process, whichever bundle loads this module.
const store = globalThis as unknown as { cellarTagCounts?: Map<string, TEntry> };

/**
 * {@link countTags} for pages and the API, kept in this process's memory until a write forgets
 * it or a minute passes: counting reads every tagged public snippet, too slow to repeat for each
 * visit of /tags, the home page or each keystroke in a tag field. Concurrent callers share one
 * count. In memory rather than in Next's data cache, which lives on disk: that would outlive a
 * restart and serve counts of what the seed or another database changed meanwhile.
 */
export function cachedTagCounts(under?: string): Promise<Map<string, number>> {
  const cache = (store.cellarTagCounts ??= new Map());
  const key = under ?? "";
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.counts;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const counts = countTags(under === undefined ? {} : { under });
  const entry = { at: Date.now(), counts };
  cache.set(key, entry);
  // A failed count is not kept; its callers see the error.
  counts.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return counts;
}

/**
 * Drops the cached counts; called with every snippet write (lib/snippets/revalidate.ts), as a
 * create, tag change, visibility change or delete moves them.
 */
export function forgetTagCounts(): void {
  store.cellarTagCounts?.clear();
}
