import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { ZTag } from "@/lib/snippets/schema";
import { getSearchEngine } from "./get-search-engine";
import { findMatchLine } from "./match-line";
import { parseSearchQuery } from "./parse-query";
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
 * its descendants), best first or newest first, 20 a page. `q` may hold qualifiers
 * (parse-query.ts): `user:name` keeps that author's snippets, `tag:path` adds a tag filter.
 * Each result carries the line that matched, as segments to be escaped by whoever shows them.
 * With no words, the filters alone list snippets newest first; with neither, nothing.
 */
export async function searchSnippets(options: TSearchSnippetsOptions): Promise<TSearchPage> {
  const parsed = ZSearch.safeParse(options);
  if (!parsed.success) throw new AppError("INVALID", parsed.error.issues[0]?.message ?? "Invalid search.");
  const { q, sort, page } = parsed.data;
  const qualified = parseSearchQuery(q);
  const qualifiers = { owner: qualified.owner, tags: qualified.tags };
  const tags = [...new Set([...parsed.data.tags, ...qualified.tags])];
  if (tags.length > MAX_TAG_FILTERS) throw new AppError("INVALID", `At most ${MAX_TAG_FILTERS} tags can be combined (tag and tag: together).`);
  const words = queryWords(qualified.text);
  if (words.length === 0 && tags.length === 0 && qualified.owner === null) return { items: [], page, hasNext: false, corrections: [], qualifiers };

  const result = await getSearchEngine().search({
    words,
    tags,
    ...(qualified.owner !== null ? { owner: qualified.owner } : {}),
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
  return { items, page, hasNext: result.hits.length > SEARCH_PAGE_SIZE, corrections: result.corrections, qualifiers };
}
