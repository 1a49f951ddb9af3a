import "server-only";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/snippets/schema";
import { getSharedStore } from "./get-shared-store";
import { findOwnedSnippetOrThrow } from "./internal";
import { checkSharedKey } from "./value";

/** Deletes one of the snippet's shared values (owner only); 404 when the key has none. */
export async function deleteSharedValue(options: { actor: TActor | null; owner: string; slug: string; key: string }): Promise<void> {
  const row = await findOwnedSnippetOrThrow(options.actor, options.owner, options.slug, "delete its shared values");
  const key = checkSharedKey(options.key);
  if (!(await getSharedStore().delete(row.id, key))) throw new AppError("NOT_FOUND", `This snippet has no shared value "${key}".`);
}
