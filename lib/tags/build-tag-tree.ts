import type { TTagCount } from "./count-tags";

export type TTagNode = TTagCount & { children: TTagNode[] };

/**
 * Nests counted paths into a tree: each node's children are the paths one part longer. Children
 * are alphabetical, as people browse a hierarchy by name. `root` keeps only that path's children
 * (the path itself is not a node then).
 */
export function buildTagTree(counts: ReadonlyMap<string, number>, root?: string): TTagNode[] {
  const nodes = new Map<string, TTagNode>();
  const top: TTagNode[] = [];
  const names = [...counts.keys()].filter((n) => !root || n.startsWith(`${root}/`)).sort();
  // Sorted, so a parent is always met before its children.
  for (const name of names) {
    const node: TTagNode = { name, count: counts.get(name) ?? 0, children: [] };
    nodes.set(name, node);
    const cut = name.lastIndexOf("/");
    const parent = cut > 0 ? nodes.get(name.slice(0, cut)) : undefined;
    (parent ? parent.children : top).push(node);
  }
  return top;
}
