import "server-only";
import { revalidatePath } from "next/cache";
import { getDb } from "@/lib/db/client";

/** Beyond this many snippets, drop the cached pages of every snippet rather than name each one. */
const MAX_NAMED = 200;

/**
 * Drops the cached pages that show a fork network's state: each member's page (its "Network
 * activity") and fork pages (the tree's latest commits and ahead/behind counts), after a new
 * snippet, revision or fork anywhere in the network. Naming each URL is cheap for the usual
 * small network; a huge one revalidates the route patterns instead (pages then re-render on
 * their next request). Outside a Next.js request (CLI, seed, tests) there is no cache.
 * Called after a write has succeeded, so it never throws: if the members cannot be listed, the
 * route patterns are revalidated instead.
 */
export async function revalidateNetwork(networkId: string): Promise<void> {
  const members = await getDb()
    .snippet.findMany({
      where: { networkId },
      select: { slug: true, owner: { select: { username: true } } },
      take: MAX_NAMED + 1,
    })
    .catch((e: unknown) => {
      console.error(`Listing fork network ${networkId} to revalidate its pages failed`, e);
      return null;
    });
  const paths: [string, "page" | undefined][] =
    members === null || members.length > MAX_NAMED
      ? [
          ["/[owner]/[slug]", "page"],
          ["/[owner]/[slug]/forks", "page"],
        ]
      : members.flatMap((m): [string, undefined][] => [
          [`/${m.owner.username}/${m.slug}`, undefined],
          [`/${m.owner.username}/${m.slug}/forks`, undefined],
        ]);
  // Later pages of a network's fork list are few and cheap to render again.
  paths.push(["/[owner]/[slug]/forks/page/[n]", "page"]);
  for (const [path, type] of paths) {
    try {
      revalidatePath(path, type);
    } catch {
      // Not inside a Next.js request: nothing is cached.
    }
  }
}
