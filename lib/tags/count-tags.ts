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
 */
export async function countTags(options: { under?: string } = {}): Promise<Map<string, number>> {
  const under = options.under;
  const scope = under ? Prisma.sql`AND (t."name" = ${under} OR t."name" LIKE ${escapeLike(under) + "/%"})` : Prisma.empty;
  const rows = await getDb().$queryRaw<TTagCount[]>(Prisma.sql`
    SELECT a."path" AS "name", COUNT(DISTINCT st."snippetId")::int AS "count"
    FROM "SnippetTag" st
    JOIN "Tag" t ON t."id" = st."tagId"
    JOIN "Snippet" s ON s."id" = st."snippetId"
    CROSS JOIN LATERAL (
      SELECT array_to_string((string_to_array(t."name", '/'))[1:n], '/') AS "path"
      FROM generate_series(1, array_length(string_to_array(t."name", '/'), 1)) AS n
    ) a
    WHERE s."visibility" = 'PUBLIC' ${scope}
    GROUP BY a."path"`);
  const counts = new Map<string, number>();
  for (const r of rows) if (!under || r.name === under || r.name.startsWith(`${under}/`)) counts.set(r.name, r.count);
  return counts;
}
