import "server-only";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { escapeLike, normaliseTag } from "@/lib/tags/tag-path";
import type { TActor } from "./schema";
import { snippetInclude, toSnippetSummary, type TSnippetRow, type TSnippetSummary } from "./internal";

export const PAGE_SIZE = 20;

/**
 * `recent`: latest revision first; `created`: newest first; `popular`: most forked; `rating`:
 * top rated by Bayesian average; `runs`, `views`: most run, most viewed; `featured`: those with a
 * thumbnail first, then by rating and runs (the home page's showcase).
 */
export const SNIPPET_SORTS = ["recent", "created", "popular", "rating", "runs", "views", "featured"] as const;
export type TSnippetSort = (typeof SNIPPET_SORTS)[number];

/**
 * How many votes of the site's mean rating every snippet starts with, for the top-rated order:
 * a snippet's score is (PRIOR × mean + sum of stars) / (PRIOR + votes). One 5-star vote moves a
 * snippet only a sixth of the way from the mean to 5, so it cannot top snippets that many
 * people rated 4.5; as votes come in, the score tends to the snippet's own average.
 */
export const RATING_PRIOR_VOTES = 5;

/** The mean used when nothing on the site is rated yet: the middle of 1–5. */
const DEFAULT_MEAN_RATING = 3;

export type TListSnippetsOptions = {
  actor?: TActor | null;
  /** Only this user's snippets (and forks). Their unlisted ones are included for themselves. */
  owner?: string;
  sort?: TSnippetSort;
  /** 1-based. */
  page?: number;
  perPage?: number;
  /** Only snippets under this tag: tagged with it or with a path below it. */
  tag?: string;
  /** Only snippets under every one of these tags (each with its descendants). */
  tags?: string[];
  /** Only snippets whose main file is in this language ("python"). */
  language?: string;
  /** Only snippets with (true) or without (false) an @interact. */
  hasInteracts?: boolean;
  /** Only snippets someone rated (the home page's top-rated list). */
  ratedOnly?: boolean;
};

/** A snippet in a list: its summary (which has the counters lists sort by) and the raw rating and thumbnail revision. */
export type TListedSnippet = TSnippetSummary & Pick<TSnippetRow, "ratingCount" | "ratingSum" | "thumbnailRev">;

export type TSnippetPage = { items: TListedSnippet[]; page: number; hasNext: boolean };

/**
 * Public snippets, filtered and sorted. Unlisted ones are never listed, except to their owner on
 * their own list. Filters combine (all must hold). A bad tag is a 422 naming it.
 *
 * One SQL query picks the page's ids (the rating order is an expression Prisma cannot sort by),
 * a second loads those rows.
 */
export async function listSnippets(options: TListSnippetsOptions = {}): Promise<TSnippetPage> {
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const perPage = Math.min(100, Math.max(1, Math.floor(options.perPage ?? PAGE_SIZE)));
  const owner = options.owner?.toLowerCase();
  const ownView = owner !== undefined && options.actor?.username === owner;
  const tags = [...new Set([...(options.tag ? [options.tag] : []), ...(options.tags ?? [])].map(checkTag))];

  const where: Prisma.Sql[] = [];
  if (!ownView) where.push(Prisma.sql`s."visibility" = 'PUBLIC'`);
  if (owner !== undefined) where.push(Prisma.sql`s."ownerId" = (SELECT u."id" FROM "User" u WHERE u."username" = ${owner})`);
  for (const tag of tags) {
    where.push(Prisma.sql`EXISTS (
      SELECT 1 FROM "SnippetTag" st JOIN "Tag" t ON t."id" = st."tagId"
      WHERE st."snippetId" = s."id" AND (t."name" = ${tag} OR t."name" LIKE ${escapeLike(tag) + "/%"}))`);
  }
  if (options.language) where.push(Prisma.sql`s."language" = ${options.language.toLowerCase()}`);
  if (options.hasInteracts !== undefined) where.push(Prisma.sql`s."hasInteracts" = ${options.hasInteracts}`);
  if (options.ratedOnly) where.push(Prisma.sql`s."ratingCount" > 0`);

  const rows = await getDb().$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT s."id" FROM "Snippet" s
    WHERE ${where.length > 0 ? Prisma.join(where, " AND ") : Prisma.sql`TRUE`}
    ORDER BY ${orderFor(options.sort ?? "recent")}, s."id"
    OFFSET ${(page - 1) * perPage} LIMIT ${perPage + 1}`);
  const ids = rows.slice(0, perPage).map((r) => r.id);
  const found = await getDb().snippet.findMany({ where: { id: { in: ids } }, include: snippetInclude });
  const byId = new Map(found.map((r) => [r.id, r]));
  // A snippet deleted between the two queries is simply left out.
  const items = ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toListedSnippet(row)] : [];
  });
  return { items, page, hasNext: rows.length > perPage };
}

/** The site's mean rating over every public vote (the Bayesian prior), as SQL. */
const meanRating = Prisma.sql`(SELECT COALESCE(SUM(p."ratingSum")::float8 / NULLIF(SUM(p."ratingCount"), 0), ${DEFAULT_MEAN_RATING}::float8)
  FROM "Snippet" p WHERE p."visibility" = 'PUBLIC')`;

const bayesianRating = Prisma.sql`((${RATING_PRIOR_VOTES} * ${meanRating} + s."ratingSum") / (${RATING_PRIOR_VOTES} + s."ratingCount"))`;

function orderFor(sort: TSnippetSort): Prisma.Sql {
  switch (sort) {
    case "created":
      return Prisma.sql`s."createdAt" DESC`;
    case "popular":
      return Prisma.sql`(SELECT COUNT(*) FROM "Snippet" f WHERE f."forkedFromId" = s."id") DESC, s."updatedAt" DESC`;
    case "rating":
      return Prisma.sql`${bayesianRating} DESC, s."ratingCount" DESC, s."createdAt" DESC`;
    case "runs":
      return Prisma.sql`s."runCount" DESC, s."updatedAt" DESC`;
    case "views":
      return Prisma.sql`s."viewCount" DESC, s."updatedAt" DESC`;
    case "featured":
      return Prisma.sql`(s."thumbnailRev" IS NOT NULL) DESC, ${bayesianRating} DESC, s."runCount" DESC, s."updatedAt" DESC`;
    case "recent":
      return Prisma.sql`s."updatedAt" DESC`;
  }
}

function checkTag(tag: string): string {
  const name = normaliseTag(tag);
  if (!name) throw new AppError("INVALID", `tag: "${tag.slice(0, 80)}" is not a tag (tags look like calculus/derivatives).`);
  return name;
}

function toListedSnippet(row: TSnippetRow): TListedSnippet {
  return {
    ...toSnippetSummary(row),
    ratingCount: row.ratingCount,
    ratingSum: row.ratingSum,
    thumbnailRev: row.thumbnailRev,
  };
}
