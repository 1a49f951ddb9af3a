import { z } from "zod";
import type { TListSnippetsOptions, TSnippetSort } from "@/lib/snippets/list-snippets";
import { normaliseTag, splitTagList } from "./tag-path";

/** The sorts a tag page offers, by their URL names, with the list order each stands for. */
export const TAG_PAGE_SORTS = [
  { key: "newest", label: "Newest", sort: "created" },
  { key: "top", label: "Top rated", sort: "rating" },
  { key: "runs", label: "Most run", sort: "runs" },
  { key: "views", label: "Most viewed", sort: "views" },
] as const satisfies readonly { key: string; label: string; sort: TSnippetSort }[];

export type TTagPageSortKey = (typeof TAG_PAGE_SORTS)[number]["key"];

/** What a tag page's URL asks for, as the filter form shows it back. */
export type TListQuery = {
  also: string;
  author: string;
  language: string;
  interacts: boolean;
  sort: TTagPageSortKey;
  page: number;
};

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const text = (max: number) =>
  z
    .preprocess(first, z.string().trim().max(max).catch(""))
    .optional()
    .transform((v) => v ?? "");

const ZListQuery = z.object({
  also: text(800),
  author: text(39),
  language: text(40),
  interacts: z.preprocess(first, z.string().optional()).transform((v) => v === "1" || v === "on"),
  sort: z
    .preprocess(
      first,
      z
        .enum(TAG_PAGE_SORTS.map((s) => s.key) as [TTagPageSortKey, ...TTagPageSortKey[]])
        .catch("newest")
        .optional(),
    )
    .transform((v) => v ?? "newest"),
  page: z.preprocess(first, z.coerce.number().int().min(1).max(10_000).catch(1).optional()).transform((v) => v ?? 1),
});

/**
 * Reads a tag page's query string (`also`, `author`, `language`, `interacts`, `sort`, `page`)
 * forgivingly: a bad sort or page falls back to the default, and tags in `also` that are not
 * tags come back in `rejected` for the page to name, while the rest still apply.
 */
export function parseListQuery(search: Record<string, string | string[] | undefined>): {
  query: TListQuery;
  options: Pick<TListSnippetsOptions, "tags" | "owner" | "language" | "hasInteracts" | "sort" | "page">;
  rejected: string[];
} {
  const query = ZListQuery.parse(search);
  const typed = splitTagList(query.also);
  const tags = typed.map(normaliseTag).filter((t): t is string => t !== null);
  const rejected = typed.filter((t) => normaliseTag(t) === null);
  const sort = TAG_PAGE_SORTS.find((s) => s.key === query.sort)?.sort ?? "created";
  return {
    query,
    rejected,
    options: {
      tags,
      sort,
      page: query.page,
      ...(query.author ? { owner: query.author.toLowerCase() } : {}),
      ...(query.language ? { language: query.language.toLowerCase() } : {}),
      ...(query.interacts ? { hasInteracts: true } : {}),
    },
  };
}

/** The URL of a tag page (or another list) with this query, leaving defaults out. */
export function listQueryHref(base: string, query: TListQuery, change: Partial<TListQuery> = {}): string {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  if (q.also) params.set("also", q.also);
  if (q.author) params.set("author", q.author);
  if (q.language) params.set("language", q.language);
  if (q.interacts) params.set("interacts", "1");
  if (q.sort !== "newest") params.set("sort", q.sort);
  if (q.page > 1) params.set("page", String(q.page));
  const s = params.toString();
  return s ? `${base}?${s}` : base;
}
