import { describe, expect, it } from "vitest";
import { escapeLike, normaliseTag, splitTagList, tagAncestors, tagHref, tagLeaf } from "./tag-path";

describe("tag paths", () => {
  it("lists a path's ancestors, shortest first, ending with the path", () => {
    expect(tagAncestors("calculus/derivatives/chain-rule")).toEqual(["calculus", "calculus/derivatives", "calculus/derivatives/chain-rule"]);
    expect(tagAncestors("numerics")).toEqual(["numerics"]);
  });

  it("names the last part and links each part of the path", () => {
    expect(tagLeaf("calculus/derivatives")).toBe("derivatives");
    expect(tagHref("languages/c++/c#")).toBe("/tags/languages/c%2B%2B/c%23");
  });

  it("normalises typed tags and refuses what is not a tag", () => {
    expect(normaliseTag(" Linear Algebra / Eigenvalues ")).toBe("linear-algebra/eigenvalues");
    expect(normaliseTag("a//b")).toBeNull();
    expect(normaliseTag("<script>")).toBeNull();
  });

  it("splits the tag field on commas and newlines", () => {
    expect(splitTagList("a, b/c,\n d ,,")).toEqual(["a", "b/c", "d"]);
  });

  it("escapes LIKE wildcards", () => {
    expect(escapeLike("50%_a\\b")).toBe("50\\%\\_a\\\\b");
  });
});
