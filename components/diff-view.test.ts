import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DiffView, type DiffFile } from "./diff-view";

const tooLarge = (path: string, status: DiffFile["status"]): DiffFile => ({ path, status, binary: false, hunks: null, tooLarge: true });

describe("DiffView", () => {
  it("shows a diff over budget as a note with links to download both versions of the file", () => {
    const html = renderToStaticMarkup(
      createElement(DiffView, {
        files: [tooLarge("data/big table.csv", "modified"), tooLarge("new.txt", "added")],
        versions: { before: "/alice/sieve/raw/aaa111", after: "/alice/sieve/raw/bbb222" },
      }),
    );
    expect(html).toContain("This diff is too large to show; download the versions:");
    expect(html).toContain(
      '<a href="/alice/sieve/raw/aaa111/data/big%20table.csv" download="">before</a> · <a href="/alice/sieve/raw/bbb222/data/big%20table.csv" download="">after</a>',
    );
    // An added file has no "before".
    expect(html).toContain('download the versions: <a href="/alice/sieve/raw/bbb222/new.txt" download="">after</a>');
  });
});
