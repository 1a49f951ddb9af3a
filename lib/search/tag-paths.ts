import { tagAncestors } from "@/lib/tags/tag-path";

/** A snippet's tags with all their ancestors: ["calculus/limits"] → ["calculus", "calculus/limits"]. A tag filter matches any of them. */
export function tagPathsOf(tags: string[]): string[] {
  return [...new Set(tags.flatMap(tagAncestors))];
}
