import "server-only";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { escapeLike } from "./tag-path";

export type TTagCount = { name: string; count: number };

/**
 * Every tag path with the number of public snippets under it (tagged with it or with any path
 * below it), ancestors included even when no snippet names them alone. A snippet tagged both
 * `calculus` and `calculus/limits` counts once for `calculus`. With `under`, only that path and
 * its descendants. Unlisted snippets count nowhere: the tree must not reveal them.
 *
 * The paths are expanded from the (small) tag table first, then joined to the snippets' tags,
 * so the string work is done once per tag, not once per tagged snippet. The whole-site count
 * still reads every tagged public snippet: pages use it through cachedTagCounts.
 */
export async function countTags(options: { under?: string } = {}): Promise<Map<string, number>> {
  const under = options.under;
  const scope = under ? Prisma.sql`WHERE t."name" = ${under} OR t."name" LIKE ${escapeLike(under) + "/%"}` : Prisma.empty;
  const rows = await getDb().$queryRaw<TTagCount[]>(Prisma.sql`
    WITH paths AS MATERIALIZED (
      SELECT t."id" AS "tagId", array_to_string((string_to_array(t."name", '/'))[1:n], '/') AS "path"
      FROM "Tag" t CROSS JOIN LATERAL generate_series(1, array_length(string_to_array(t."name", '/'), 1)) AS n
      ${scope}
    )
    SELECT p."path" AS "name", COUNT(DISTINCT st."snippetId")::int AS "count"
    FROM paths p
    JOIN "SnippetTag" st ON st."tagId" = p."tagId"
    JOIN "Snippet" s ON s."id" = st."snippetId"
    WHERE s."visibility" = 'PUBLIC'
    GROUP BY p."path"`);
  const counts = new Map<string, number>();
  for (const r of rows) if (!under || r.name === under || r.name.startsWith(`${under}/`)) counts.set(r.name, r.count);
  return counts;
}
