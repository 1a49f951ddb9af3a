import { describe, expect, it } from "vitest";
import { canonicalPath } from "./canonical-path";

describe("canonicalPath", () => {
  it("lower-cases the owner and the snippet name of a page", () => {
    expect(canonicalPath("/Alice/My-Snippet")).toBe("/alice/my-snippet");
    expect(canonicalPath("/Alice")).toBe("/alice");
    expect(canonicalPath("/alice/My.Snippet_2/history")).toBe("/alice/my.snippet_2/history");
  });

  it("keeps the case of file paths, revisions and archive names", () => {
    expect(canonicalPath("/ALICE/Snip/raw/HEAD/Data/Table.CSV")).toBe("/alice/snip/raw/HEAD/Data/Table.CSV");
    expect(canonicalPath("/Alice/snip/archive/HEAD.zip")).toBe("/alice/snip/archive/HEAD.zip");
  });

  it("folds both snippets of a comparison", () => {
    expect(canonicalPath("/alice/snip/forks/compare/Bob/Snip")).toBe("/alice/snip/forks/compare/bob/snip");
  });

  it("folds the owner and name in the snippets API, and nothing else there", () => {
    expect(canonicalPath("/api/v1/snippets/Alice/Snip/raw/Main.PY")).toBe("/api/v1/snippets/alice/snip/raw/Main.PY");
    expect(canonicalPath("/api/v1/search")).toBeNull();
    expect(canonicalPath("/api/auth/callback/GitHub")).toBeNull();
  });

  it("folds the site's own top-level routes but not what follows them", () => {
    expect(canonicalPath("/Search")).toBe("/search");
    expect(canonicalPath("/tags/Calculus")).toBeNull();
    expect(canonicalPath("/Tags/Calculus")).toBe("/tags/Calculus");
  });

  it("reads percent-encoded names as their letters", () => {
    expect(canonicalPath("/%41lice/snip")).toBe("/alice/snip");
    expect(canonicalPath("/alice/%zz")).toBeNull();
  });

  it("leaves canonical paths, Next's files and public files alone", () => {
    expect(canonicalPath("/")).toBeNull();
    expect(canonicalPath("/alice/my-snippet/raw/HEAD/A.py")).toBeNull();
    expect(canonicalPath("/_next/static/chunks/App.js")).toBeNull();
    expect(canonicalPath("/Favicon.svg")).toBeNull();
  });
});
