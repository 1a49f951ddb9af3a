import "server-only";
import { getDb } from "@/lib/db/client";
import type { TActor } from "@/lib/snippets/schema";
import { getSharedStore } from "./get-shared-store";
import { findOwnedSnippetOrThrow } from "./internal";
import { SHARED_LIMITS, previewSharedValue, type TSharedKind } from "./value";

export type TSharedValueRow = {
  key: string;
  kind: TSharedKind;
  size: number;
  revision: number;
  updatedAt: Date;
  /** Username of the writer; null for an anonymous reader or a deleted account. */
  writer: string | null;
  /** One line: an array's dtype and shape, or the start of the JSON. */
  preview: string;
};

export type TSharedValues = {
  anonymousWrites: boolean;
  limits: { valueBytes: number; keys: number };
  values: TSharedValueRow[];
};

/**
 * The snippet's own shared values with a short preview, for its owner (the snippet page's
 * "Shared values" panel and `GET /api/v1/snippets/:owner/:slug/shared`). Values written by
 * readers may hold anything they chose, so only the owner sees them.
 */
export async function listSharedValues(options: { actor: TActor | null; owner: string; slug: string }): Promise<TSharedValues> {
  const row = await findOwnedSnippetOrThrow(options.actor, options.owner, options.slug, "see its shared values");
  const store = getSharedStore();
  const infos = await store.list(row.id);
  const writerIds = [...new Set(infos.map((i) => i.writer).filter((w): w is string => w !== null))];
  const users = writerIds.length ? await getDb().user.findMany({ where: { id: { in: writerIds } }, select: { id: true, username: true } }) : [];
  const usernames = new Map(users.map((u) => [u.id, u.username]));
  const values: TSharedValueRow[] = [];
  for (const info of infos) {
    const entry = await store.get(row.id, info.key);
    if (!entry) continue; // Deleted meanwhile.
    values.push({
      key: entry.key,
      kind: entry.kind,
      size: entry.size,
      revision: entry.revision,
      updatedAt: entry.updatedAt,
      writer: entry.writer ? (usernames.get(entry.writer) ?? null) : null,
      preview: previewSharedValue(entry.text, entry.kind),
    });
  }
  return { anonymousWrites: row.sharedAnonymousWrites, limits: { valueBytes: SHARED_LIMITS.valueBytes, keys: SHARED_LIMITS.keysPerSnippet }, values };
}
