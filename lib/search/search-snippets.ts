import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { ZTag } from "@/lib/snippets/schema";
import { getSearchEngine } from "./get-search-engine";
import { findMatchLine } from "./match-line";
import { queryWords } from "./words";
import { SEARCH_SORTS, type TSearchPage } from "./types";

export const SEARCH_PAGE_SIZE = 20;
/** Deeper pages cost the engine more and nobody reads them; refine the query instead. */
export const MAX_SEARCH_PAGE = 50;
const MAX_TAG_FILTERS = 5;

const ZSearch = z.object({
  q: z.string().max(200, "q must be at most 200 characters.").default(""),
  tags: z.array(ZTag).max(MAX_TAG_FILTERS, `At most ${MAX_TAG_FILTERS} tags can be combined.`).default([]),
  sort: z.enum(SEARCH_SORTS, { error: `sort must be one of ${SEARCH_SORTS.join(", ")}.` }).default("relevance"),
  page: z
    .number()
    .int("page must be a whole number from 1.")
    .min(1, "page must be a whole number from 1.")
    .max(MAX_SEARCH_PAGE, `page must be at most ${MAX_SEARCH_PAGE}; refine the query to see other results.`)
    .default(1),
});

export type TSearchSnippetsOptions = { q?: string; tags?: string[]; sort?: string; page?: number };

/**
 * Public snippets matching the words of `q` (title, blurb, file names and contents, tags,
 * author; typos forgiven, the last word also as a prefix) and every tag filter (a tag or any of
 * its descendants), best first or newest first, 20 a page. Each result carries the line that
 * matched, as segments to be escaped by whoever shows them. With no words, the tag filters
 * alone list snippets newest first; with neither, nothing.
 */
export async function searchSnippets(options: TSearchSnippetsOptions): Promise<TSearchPage> {
  const parsed = ZSearch.safeParse(options);
  if (!parsed.success) throw new AppError("INVALID", parsed.error.issues[0]?.message ?? "Invalid search.");
  const { q, tags, sort, page } = parsed.data;
  const words = queryWords(q);
  if (words.length === 0 && tags.length === 0) return { items: [], page, hasNext: false, corrections: [] };

  const result = await getSearchEngine().search({
    words,
    tags: [...new Set(tags)],
    sort,
    offset: (page - 1) * SEARCH_PAGE_SIZE,
    limit: SEARCH_PAGE_SIZE,
  });
  const last = words[words.length - 1];
  const items = result.hits.slice(0, SEARCH_PAGE_SIZE).map((h) => ({
    id: h.id,
    owner: h.owner,
    ownerName: h.ownerName,
    slug: h.slug,
    title: h.title,
    tags: h.tags,
    updatedAt: h.updatedAt,
    url: `/${h.owner}/${h.slug}`,
    match: findMatchLine({ blurb: h.blurb, files: h.files, words: result.matched.length > 0 ? result.matched : words, prefixWords: last ? [last] : [] }),
  }));
  return { items, page, hasNext: result.hits.length > SEARCH_PAGE_SIZE, corrections: result.corrections };
}
