import "server-only";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import type { TTagCount } from "./count-tags";
import { escapeLike } from "./tag-path";

export const SUGGEST_PAGE_SIZE = 10;

export type TTagSuggestions = { items: TTagCount[]; page: number; hasNext: boolean };

/**
 * Tags to complete what someone is typing, with how many public snippets sit under each.
 * A tag matches when its path starts with `prefix` ("calc" → "calculus", "calculus/limits") or
 * one of its parts does ("deriv" → "calculus/derivatives"); whole-path matches come first, then
 * the most used. Ancestor paths are suggested too, though no snippet names them alone. An empty
 * prefix gives the most used tags. Only tags on public snippets: unlisted ones stay unseen.
 */
export async function suggestTags(options: { prefix?: string; page?: number; perPage?: number } = {}): Promise<TTagSuggestions> {
  const prefix = (options.prefix ?? "").trim().toLowerCase().replace(/\s+/g, "-");
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const perPage = Math.min(50, Math.max(1, Math.floor(options.perPage ?? SUGGEST_PAGE_SIZE)));
  const starts = `${escapeLike(prefix)}%`;
  const inside = `%/${escapeLike(prefix)}%`;
  const rows = await getDb().$queryRaw<TTagCount[]>(Prisma.sql`
    SELECT a."path" AS "name", COUNT(DISTINCT st."snippetId")::int AS "count"
    FROM "Tag" t
    JOIN "SnippetTag" st ON st."tagId" = t."id"
    JOIN "Snippet" s ON s."id" = st."snippetId"
    CROSS JOIN LATERAL (
      SELECT array_to_string((string_to_array(t."name", '/'))[1:n], '/') AS "path"
      FROM generate_series(1, array_length(string_to_array(t."name", '/'), 1)) AS n
    ) a
    WHERE s."visibility" = 'PUBLIC'
      AND (t."name" LIKE ${starts} OR t."name" LIKE ${inside})
      AND (a."path" LIKE ${starts} OR a."path" LIKE ${inside})
    GROUP BY a."path"
    ORDER BY (a."path" LIKE ${starts}) DESC, COUNT(DISTINCT st."snippetId") DESC, a."path"
    OFFSET ${(page - 1) * perPage} LIMIT ${perPage + 1}`);
  return { items: rows.slice(0, perPage), page, hasNext: rows.length > perPage };
}
