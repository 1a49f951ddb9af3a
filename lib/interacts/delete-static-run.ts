import "server-only";
import { getDb } from "@/lib/db/client";
import { revalidateSnippet } from "@/lib/snippets/revalidate";
import { findOwnSnippetOrThrow } from "@/lib/snippets/internal";
import type { TActor } from "@/lib/snippets/schema";

/** Removes the precomputed interacts of `owner/slug` at `rev` (the owner's); readers then need Run. */
export async function deleteStaticRun(options: { actor: TActor | null; owner: string; slug: string; rev: string }): Promise<{ deleted: boolean }> {
  const row = await findOwnSnippetOrThrow(options.actor, options.owner, options.slug);
  const { count } = await getDb().staticRun.deleteMany({ where: { snippetId: row.id, rev: options.rev } });
  if (count > 0) revalidateSnippet(options.owner.toLowerCase(), row.slug);
  return { deleted: count > 0 };
}
