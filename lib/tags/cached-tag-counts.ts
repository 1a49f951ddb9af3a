import "server-only";
import { revalidateTag, unstable_cache } from "next/cache";
import { countTags } from "./count-tags";

const CACHE_TAG = "tag-counts";

const cached = unstable_cache(async (under: string | null) => [...(await countTags(under === null ? {} : { under }))], ["tag-counts"], {
  tags: [CACHE_TAG],
  // A backstop only: every write that can change a count forgets them (forgetTagCounts).
  revalidate: 3600,
});

/**
 * {@link countTags} for pages and the API, kept in Next's data cache until a write forgets it:
 * counting reads every tagged public snippet, too slow to repeat for each visit of /tags, the
 * home page or each keystroke in a tag field.
 */
export async function cachedTagCounts(under?: string): Promise<Map<string, number>> {
  return new Map(await cached(under ?? null));
}

/**
 * Drops the cached counts; called with every snippet write (lib/snippets/revalidate.ts), as a
 * create, tag change, visibility change or delete moves them. Outside a Next.js request (CLI,
 * seed, tests) nothing is cached and this does nothing.
 */
export function forgetTagCounts(): void {
  try {
    revalidateTag(CACHE_TAG, { expire: 0 });
  } catch {
    // Not inside a Next.js request: nothing is cached.
  }
}
