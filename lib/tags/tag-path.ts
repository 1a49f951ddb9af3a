import { ZTag } from "@/lib/snippets/schema";

/*
 * Tags are paths ("calculus/derivatives"). A snippet tagged with a path also sits under each of
 * its ancestors ("calculus"), which need no row of their own: lists and counts find a tag's
 * snippets by the tag's name and every name below it. Pure functions, safe in the browser.
 */

/** The path and each ancestor, shortest first: "a/b/c" → ["a", "a/b", "a/b/c"]. */
export function tagAncestors(path: string): string[] {
  const parts = path.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** The last part of a path: "calculus/derivatives" → "derivatives". */
export function tagLeaf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The page of a tag: "/tags/calculus/derivatives" (each part URL-encoded, '+' and '#' included). */
export function tagHref(path: string): string {
  return `/tags/${path.split("/").map(encodeURIComponent).join("/")}`;
}

/** A tag typed by someone, normalised ("Linear Algebra" → "linear-algebra"), or null when it is not a valid tag. */
export function normaliseTag(text: string): string | null {
  const parsed = ZTag.safeParse(text);
  return parsed.success ? parsed.data : null;
}

/** Comma- or newline-separated tags, as the tag field holds them, trimmed and without empty ones. */
export function splitTagList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter(Boolean);
}

/** Escapes `%`, `_` and `\` for a LIKE pattern (valid tags have none, but prefixes come from anyone). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
