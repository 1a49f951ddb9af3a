import "server-only";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { TActor } from "@/lib/snippets/schema";

/**
 * The snippet `owner/slug` for an operation only its owner may do on its shared values: 401
 * signed out, 404 when it does not exist, 403 for anyone else (every snippet is readable by URL,
 * so this does not reveal that it exists).
 */
export async function findOwnedSnippetOrThrow(actor: TActor | null, owner: string, slug: string, what: string) {
  if (!actor) throw new AppError("UNAUTHORIZED", `Sign in to ${what}.`);
  const row = await getDb().snippet.findFirst({
    where: { slug: slug.toLowerCase(), owner: { username: owner.toLowerCase() } },
    select: { id: true, ownerId: true, sharedAnonymousWrites: true },
  });
  if (!row) throw new AppError("NOT_FOUND", `There is no snippet ${owner}/${slug}.`);
  if (row.ownerId !== actor.id) throw new AppError("FORBIDDEN", `Only the owner of ${owner}/${slug} can ${what}.`);
  return row;
}
