import { describe, expect, it } from "vitest";
import { canonicalPath } from "./canonical-path";
import { gitRoutePath } from "./git-path";

describe("gitRoutePath", () => {
  it("maps git's requests for <owner>/<slug>.git to the internal route, keeping the spelling", () => {
    expect(gitRoutePath("/alice/newton.git/info/refs")).toBe("/api/git/alice/newton/info/refs");
    expect(gitRoutePath("/Alice/My-Snippet.git/git-upload-pack")).toBe("/api/git/Alice/My-Snippet/git-upload-pack");
    expect(gitRoutePath("/alice/v1.2.git/git-receive-pack")).toBe("/api/git/alice/v1.2/git-receive-pack");
  });

  it("leaves everything else alone: pages, files named .git, the bare .git address", () => {
    expect(gitRoutePath("/alice/newton")).toBeNull();
    expect(gitRoutePath("/alice/newton.git")).toBeNull();
    expect(gitRoutePath("/alice/newton/raw/abc/x.git")).toBeNull();
    expect(gitRoutePath("/alice.git/info/refs")).toBeNull();
    // A snippet named "x.git" keeps its pages; git reaches it as x.git.git.
    expect(gitRoutePath("/alice/x.git/history")).toBeNull();
    expect(gitRoutePath("/alice/x.git.git/info/refs")).toBe("/api/git/alice/x.git/info/refs");
    // The dumb protocol's files are not served.
    expect(gitRoutePath("/alice/newton.git/HEAD")).toBeNull();
  });

  it("is what proxy.ts checks before the lower-case redirect, which would fold git URLs", () => {
    // Without the rewrite first, git's GET would be redirected and its POST would not be.
    expect(canonicalPath("/Alice/Newton.git/info/refs")).not.toBeNull();
    expect(gitRoutePath("/Alice/Newton.git/info/refs")).not.toBeNull();
  });
});
