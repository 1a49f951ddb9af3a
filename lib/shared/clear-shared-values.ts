import "server-only";
import type { TActor } from "@/lib/snippets/schema";
import { getSharedStore } from "./get-shared-store";
import { findOwnedSnippetOrThrow } from "./internal";

/**
 * Deletes every shared value of the snippet (owner only) and returns how many there were.
 * Its forks' own values stay (they are theirs); keys they read from it are gone for them too.
 */
export async function clearSharedValues(options: { actor: TActor | null; owner: string; slug: string }): Promise<{ cleared: number }> {
  const row = await findOwnedSnippetOrThrow(options.actor, options.owner, options.slug, "clear its shared values");
  return { cleared: await getSharedStore().clear(row.id) };
}
