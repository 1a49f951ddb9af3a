import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { getDb } from "@/lib/db/client";
import { findSnippetOrThrow } from "@/lib/snippets/internal";
import { revalidateSnippet } from "@/lib/snippets/revalidate";
import type { TActor } from "@/lib/snippets/schema";
import { averageOf } from "./rating-average";
import { recordActivity } from "@/lib/activity/record-activity";

export const ZStars = z
  .number({ error: "stars must be a whole number from 1 to 5." })
  .int("stars must be a whole number from 1 to 5.")
  .min(1, "stars must be from 1 to 5.")
  .max(5, "stars must be from 1 to 5.");

/** A snippet's rating as pages show it, and the asking user's own stars (null: not rated). */
export type TRatingState = { average: number | null; count: number; mine: number | null };

/**
 * Rates a snippet 1–5 stars, or changes the actor's earlier rating; `stars: null` takes it back.
 * Owners cannot rate their own snippets (a rating tells readers what others think).
 * The snippet's row is locked while its counters are recomputed from the ratings themselves,
 * so concurrent ratings of one snippet never lose an update and the counters cannot drift.
 */
export async function rateSnippet(options: { actor: TActor | null; owner: string; slug: string; stars: number | null }): Promise<TRatingState> {
  const { actor } = options;
  if (!actor) throw new AppError("UNAUTHORIZED", "Sign in to rate a snippet.");
  const stars = options.stars === null ? null : ZStars.safeParse(options.stars);
  if (stars && !stars.success) throw new AppError("INVALID", stars.error.issues[0]?.message ?? "stars must be from 1 to 5.");
  const row = await findSnippetOrThrow(options.owner, options.slug);
  if (row.ownerId === actor.id) throw new AppError("FORBIDDEN", "You cannot rate your own snippet.");

  const state = await getDb().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT "id" FROM "Snippet" WHERE "id" = ${row.id} FOR UPDATE`;
    const key = { snippetId_userId: { snippetId: row.id, userId: actor.id } };
    if (stars) {
      await tx.rating.upsert({
        where: key,
        create: { snippetId: row.id, userId: actor.id, stars: stars.data },
        update: { stars: stars.data, updatedAt: new Date() },
      });
    } else {
      await tx.rating.deleteMany({ where: { snippetId: row.id, userId: actor.id } });
    }
    const all = await tx.rating.aggregate({ where: { snippetId: row.id }, _sum: { stars: true }, _count: { _all: true } });
    const count = all._count._all;
    const sum = all._sum.stars ?? 0;
    await tx.snippet.update({ where: { id: row.id }, data: { ratingCount: count, ratingSum: sum } });
    return { average: averageOf(sum, count), count, mine: stars ? stars.data : null };
  });
  revalidateSnippet(row.owner.username, row.slug);
  if (stars)
    await recordActivity({
      kind: "RATE",
      actorId: actor.id,
      snippetId: row.id,
      networkId: row.networkId,
      summary: `${stars.data} ${stars.data === 1 ? "star" : "stars"}`,
    });
  return state;
}
