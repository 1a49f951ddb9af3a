import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { listenFor, notify } from "@/lib/db/notifications";
import { countTags } from "./count-tags";

/**
 * How long counts are reused at most. On PostgreSQL every write that moves them is announced on
 * {@link CHANNEL}, so this is only a safety net (for a listening connection that died without this
 * process noticing yet); on PGlite the one process that owns the database makes every write.
 */
const TTL_MS = 60_000;
/** The PostgreSQL notification channel of tag count changes (lib/db/notifications.ts). */
const CHANNEL = "cellar_tag_counts";
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
 *
 * Writes made by other processes (a second server of the site, the seed script) reach
 * this cache through PostgreSQL: they send {@link notifyTagCounts} in their transaction, and the
 * first call here starts listening for it (see {@link listenForTagCounts}).
 */
export function cachedTagCounts(under?: string): Promise<Map<string, number>> {
  // Not awaited: while the database is unreachable, the listener retries and the TTL bounds staleness.
  void listenForTagCounts();
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
 * Drops the cached counts; called with every snippet write of this process
 * (lib/snippets/revalidate.ts), as a create, tag change, visibility change or delete moves them,
 * and on every notification from another process.
 */
export function forgetTagCounts(): void {
  store.cellarTagCounts?.clear();
}

/**
 * Makes this process forget its counts whenever any process announces a change (the process's
 * one listening connection; lib/db/notifications.ts). Resolves once the LISTEN is in place.
 * Without DATABASE_URL it does nothing: PGlite has a single owning process, whose own writes
 * forget the counts (forgetTagCounts), so there is no other writer to hear from.
 */
export function listenForTagCounts(): Promise<void> {
  return listenFor(CHANNEL, forgetTagCounts);
}

/**
 * Announces a write that may move tag counts (a public snippet created, forked or deleted with
 * tags; tags or visibility changed) to every process caching them. Call it inside the writing
 * transaction: the notification is delivered at commit, never for a rollback, and cannot be lost
 * between the commit and a separate send. Does nothing without DATABASE_URL.
 */
export async function notifyTagCounts(tx: Pick<PrismaClient, "$executeRaw">): Promise<void> {
  await notify(tx, CHANNEL);
}
