import "server-only";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/snippets/schema";
import { getSharedStore } from "./get-shared-store";
import { findOwnedSnippetOrThrow } from "./internal";
import { checkSharedKey, decodeSharedValue, type TSharedKind } from "./value";

/** One of the snippet's own shared values in full, for its owner; 404 when the key has none. */
export async function getSharedValue(options: {
  actor: TActor | null;
  owner: string;
  slug: string;
  key: string;
}): Promise<{ key: string; kind: TSharedKind; size: number; revision: number; updatedAt: Date; value: unknown }> {
  const row = await findOwnedSnippetOrThrow(options.actor, options.owner, options.slug, "see its shared values");
  const key = checkSharedKey(options.key);
  const entry = await getSharedStore().get(row.id, key);
  if (!entry) throw new AppError("NOT_FOUND", `This snippet has no shared value "${key}".`);
  return { key, kind: entry.kind, size: entry.size, revision: entry.revision, updatedAt: entry.updatedAt, value: decodeSharedValue(entry.text) };
}
