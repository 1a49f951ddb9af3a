import "server-only";
import { revalidatePath } from "next/cache";
import { forgetTagCounts } from "@/lib/tags/cached-tag-counts";

/**
 * Drops cached pages that show a snippet after it changed. Snippet pages are rendered once
 * and cached (see app/[owner]/[slug]/page.tsx), so every write must come through here.
 * Next tags cached pages by their concrete URL and by route pattern (not by URL prefix), so
 * each cached URL is named; permalink pages are many, so their pattern is revalidated as a
 * whole (their files never change, but the title and the "latest revision" notice do).
 * Outside a Next.js request (CLI, seed, tests) there is no cache and this does nothing.
 */
export function revalidateSnippet(owner: string, slug: string, extra: { parent?: string | null } = {}): void {
  const paths: [string, "page" | undefined][] = [
    [`/${owner}/${slug}`, undefined],
    [`/${owner}/${slug}/forks`, undefined],
    ["/[owner]/[slug]/rev/[oid]", "page"],
  ];
  if (extra.parent) paths.push([`/${extra.parent}`, undefined], [`/${extra.parent}/forks`, undefined]);
  forgetTagCounts();
  for (const [path, type] of paths) {
    try {
      revalidatePath(path, type);
    } catch {
      // Not inside a Next.js request: nothing is cached.
    }
  }
}
