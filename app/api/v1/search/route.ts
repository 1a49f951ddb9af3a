import { NextResponse } from "next/server";
import { z } from "zod";
import { searchSnippets } from "@/lib/search/search-snippets";
import { api } from "../_lib/respond";
import { parseQuery } from "../_lib/query";

const ZSearchQuery = z.object({
  q: z.string().optional(),
  /** One tag, or several separated by commas (all must hold); each includes its descendants. */
  tag: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(",").filter((t) => t.trim() !== "") : [])),
  sort: z.string().optional(),
  page: z.coerce.number({ error: "page must be a whole number from 1." }).optional(),
});

/**
 * Full-text search over public snippets: `q` (typos forgiven, the last word also as a prefix;
 * `user:name` and `tag:path` qualifiers filter), `tag`, `sort` (relevance | recent), `page`
 * (20 a page). Each item carries the line that matched as plain-text segments, `mark: true` on
 * the matched words.
 */
export const GET = api(async (request) => {
  const query = parseQuery(request, ZSearchQuery);
  const result = await searchSnippets({ q: query.q, tags: query.tag, sort: query.sort, page: query.page });
  const origin = new URL(request.url).origin;
  return NextResponse.json({
    items: result.items.map((i) => ({
      owner: i.owner,
      ownerName: i.ownerName,
      slug: i.slug,
      title: i.title,
      tags: i.tags,
      updatedAt: i.updatedAt.toISOString(),
      url: origin + i.url,
      match: i.match,
    })),
    page: result.page,
    hasNext: result.hasNext,
    corrections: result.corrections,
  });
});
