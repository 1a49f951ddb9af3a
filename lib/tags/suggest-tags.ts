import type { TTagCount } from "./count-tags";

export const SUGGEST_PAGE_SIZE = 10;

export type TTagSuggestions = { items: TTagCount[]; page: number; hasNext: boolean };

/**
 * Tags to complete what someone is typing, from the counted tags (countTags: public snippets
 * only, ancestors included). A tag matches when its path starts with `prefix` ("calc" →
 * "calculus", "calculus/limits") or one of its parts does ("deriv" → "calculus/derivatives");
 * whole-path matches come first, then the most used, then by name. An empty prefix gives the
 * most used tags. Typed the way the tag field normalises: case ignored, spaces as '-'.
 */
export function suggestTags(counts: ReadonlyMap<string, number>, options: { prefix?: string; page?: number; perPage?: number } = {}): TTagSuggestions {
  const prefix = (options.prefix ?? "")
    .trim()
    .toLowerCase()
    .replace(/\s*\/\s*/g, "/")
    .replace(/\s+/g, "-");
  const page = Math.max(1, Math.floor(options.page ?? 1));
  const perPage = Math.min(50, Math.max(1, Math.floor(options.perPage ?? SUGGEST_PAGE_SIZE)));
  const matches: (TTagCount & { whole: boolean })[] = [];
  for (const [name, count] of counts) {
    const whole = name.startsWith(prefix);
    if (whole || name.includes(`/${prefix}`)) matches.push({ name, count, whole });
  }
  matches.sort((a, b) => Number(b.whole) - Number(a.whole) || b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const slice = matches.slice((page - 1) * perPage, page * perPage + 1);
  return { items: slice.slice(0, perPage).map(({ name, count }) => ({ name, count })), page, hasNext: slice.length > perPage };
}
