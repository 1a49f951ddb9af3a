/** A snippet's tags with all their ancestors: ["calculus/limits"] → ["calculus", "calculus/limits"]. A tag filter matches any of them. */
export function tagPathsOf(tags: string[]): string[] {
  const paths = new Set<string>();
  for (const tag of tags) {
    const parts = tag.split("/");
    for (let i = 1; i <= parts.length; i++) paths.add(parts.slice(0, i).join("/"));
  }
  return [...paths];
}
