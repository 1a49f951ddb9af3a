import "server-only";
import { getDb } from "@/lib/db/client";
import type { TActor } from "@/lib/snippets/schema";
import { findOwnedSnippetOrThrow } from "./internal";

/**
 * Whether readers who are not signed in may write the snippet's shared values (owner only; off
 * for every new snippet and fork). Sessions already running keep the permission they started
 * with; new ones follow the setting.
 */
export async function updateSharedSettings(options: {
  actor: TActor | null;
  owner: string;
  slug: string;
  anonymousWrites: boolean;
}): Promise<{ anonymousWrites: boolean }> {
  const row = await findOwnedSnippetOrThrow(options.actor, options.owner, options.slug, "change who may write its shared values");
  const updated = await getDb().snippet.update({
    where: { id: row.id },
    data: { sharedAnonymousWrites: options.anonymousWrites },
    select: { sharedAnonymousWrites: true },
  });
  return { anonymousWrites: updated.sharedAnonymousWrites };
}
