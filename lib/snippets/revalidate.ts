import "server-only";
import { revalidatePath } from "next/cache";

/**
 * Drops cached pages that show a snippet after it changed. Snippet pages are rendered once
 * and cached (see app/[owner]/[slug]/page.tsx), so every write must come through here.
 * Outside a Next.js request (CLI, seed, tests) there is no cache and this does nothing.
 */
export function revalidateSnippet(owner: string, slug: string, extra: { parent?: string | null } = {}): void {
  const paths: [string, "page" | "layout"][] = [
    [`/${owner}/${slug}`, "layout"],
    [`/${owner}`, "page"],
    ["/", "page"],
  ];
  if (extra.parent) paths.push([`/${extra.parent}`, "layout"]);
  for (const [path, type] of paths) {
    try {
      revalidatePath(path, type);
    } catch {
      // Not inside a Next.js request: nothing is cached.
    }
  }
}
