import { describe, expect, it } from "vitest";
import { buildTagTree } from "./build-tag-tree";

const counts = new Map([
  ["calculus", 3],
  ["calculus/limits", 1],
  ["calculus/derivatives", 2],
  ["calculus/derivatives/chain-rule", 1],
  ["numerics", 4],
]);

describe("buildTagTree", () => {
  it("nests paths under their parents, alphabetically, with their counts", () => {
    const tree = buildTagTree(counts);
    expect(tree.map((n) => [n.name, n.count])).toEqual([
      ["calculus", 3],
      ["numerics", 4],
    ]);
    expect(tree[0]?.children.map((n) => n.name)).toEqual(["calculus/derivatives", "calculus/limits"]);
    expect(tree[0]?.children[0]?.children.map((n) => n.name)).toEqual(["calculus/derivatives/chain-rule"]);
  });

  it("under a root, gives only that path's subtree", () => {
    const tree = buildTagTree(counts, "calculus");
    expect(tree.map((n) => n.name)).toEqual(["calculus/derivatives", "calculus/limits"]);
  });
});
