import "server-only";
import { getDb } from "@/lib/db/client";
import { findSnippetOrThrow } from "@/lib/snippets/internal";
import type { TActor } from "@/lib/snippets/schema";
import type { TRatingState } from "./rate-snippet";
import { averageOf } from "./rating-average";

/**
 * A snippet's rating and the actor's own stars. The snippet page is cached for everyone, so the
 * rating widget asks for this from the browser to show the reader's own rating.
 */
export async function getRating(options: { actor: TActor | null; owner: string; slug: string }): Promise<TRatingState> {
  const row = await findSnippetOrThrow(options.owner, options.slug);
  const mine = options.actor
    ? await getDb().rating.findUnique({ where: { snippetId_userId: { snippetId: row.id, userId: options.actor.id } }, select: { stars: true } })
    : null;
  return { average: averageOf(row.ratingSum, row.ratingCount), count: row.ratingCount, mine: mine?.stars ?? null };
}
