import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo, diffBudget, diffRevisions } from "./index";
import { author, files, gitCli, makeTempDir } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir>;
let dir: string;
beforeEach(() => {
  tmp = makeTempDir();
  dir = join(tmp.root, "r.git");
});
afterEach(() => tmp.cleanup());

const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join("\n") + "\n";

describe("diffRevisions", () => {
  it("reports added, removed, modified and binary files sorted by path, with unified hunks", async () => {
    const a = await createRepo({
      dir,
      files: files({ "keep.txt": "same\n", "mod.txt": lines(20, (i) => `line ${i}`), "gone/old.txt": "bye\n", "img.bin": new Uint8Array([0, 1, 2]) }),
      message: "a",
      author,
    });
    const b = await commitFiles({
      dir,
      files: files({
        "keep.txt": "same\n",
        "mod.txt": lines(20, (i) => (i === 10 ? "line ten" : `line ${i}`)),
        "new/added.txt": "hello\nworld\n",
        "img.bin": new Uint8Array([0, 1, 3]),
      }),
      message: "b",
      author,
      expectedHead: a.head,
    });
    const diff = await diffRevisions({ dir, from: a.head, to: b.head });
    expect(diff.map((d) => [d.path, d.status, d.binary])).toEqual([
      ["gone/old.txt", "removed", false],
      ["img.bin", "modified", true],
      ["mod.txt", "modified", false],
      ["new/added.txt", "added", false],
    ]);
    const byPath = Object.fromEntries(diff.map((d) => [d.path, d]));
    expect(byPath["mod.txt"]).toMatchObject({
      oldOid: gitCli(dir, "rev-parse", `${a.head}:mod.txt`).trim(),
      newOid: gitCli(dir, "rev-parse", `${b.head}:mod.txt`).trim(),
      tooLarge: false,
      hunks: [{ oldStart: 8, oldLines: 7, newStart: 8, newLines: 7, lines: [" line 7", " line 8", " line 9", "-line 10", "+line ten", " line 11", " line 12", " line 13"] }],
    });
    // Same hunk header as git's own diff.
    expect(gitCli(dir, "diff", a.head, b.head, "--", "mod.txt")).toContain("@@ -8,7 +8,7 @@");
    expect(byPath["new/added.txt"]).toMatchObject({ oldOid: null, hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2, lines: ["+hello", "+world"] }] });
    expect(byPath["gone/old.txt"]).toMatchObject({ newOid: null, hunks: [{ oldStart: 1, oldLines: 1, newStart: 0, newLines: 0, lines: ["-bye"] }] });
    expect(byPath["img.bin"]).toMatchObject({ hunks: null, tooLarge: false });
  });

  it("diffs a first revision against the empty tree when from is null", async () => {
    const a = await createRepo({ dir, files: files({ "b.txt": "x", "a.txt": "y\n" }), message: "a", author });
    const diff = await diffRevisions({ dir, from: null, to: a.head });
    expect(diff.map((d) => [d.path, d.status])).toEqual([["a.txt", "added"], ["b.txt", "added"]]);
    expect(diff[1]?.hunks?.[0]?.lines).toEqual(["+x", "\\ No newline at end of file"]);
  });

  it("accepts short oids and HEAD, and returns nothing for identical revisions", async () => {
    const a = await createRepo({ dir, files: files({ "a.txt": "1\n" }), message: "a", author });
    const b = await commitFiles({ dir, files: files({ "a.txt": "2\n" }), message: "b", author, expectedHead: a.head });
    expect((await diffRevisions({ dir, from: a.head.slice(0, 7), to: "HEAD" }))[0]?.newOid).toBe(gitCli(dir, "rev-parse", `${b.head}:a.txt`).trim());
    expect(await diffRevisions({ dir, from: "HEAD", to: b.head })).toEqual([]);
    await expect(diffRevisions({ dir, from: "1234567", to: "HEAD" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("gives up on a huge rewrite when the budget runs out and still shows the small files", async () => {
    // Every line changes: the worst case for Myers' diff, far past any budget.
    const before = lines(20_000, (i) => `alpha ${i} ${(i * 7919) % 10007}`);
    const after = lines(20_000, (i) => `omega ${(i * 104729) % 10009} ${i}`);
    const a = await createRepo({ dir, files: files({ "a-big.txt": before, "z-small.txt": "1\n" }), message: "a", author });
    const b = await commitFiles({ dir, files: files({ "a-big.txt": after, "z-small.txt": "2\n" }), message: "b", author, expectedHead: a.head });
    const diff = await diffRevisions({ dir, from: a.head, to: b.head });
    expect(diff[0]).toMatchObject({ path: "a-big.txt", status: "modified", binary: false, hunks: null, tooLarge: true });
    // Smaller files are diffed first, so the big one cannot starve the small one after it.
    expect(diff[1]).toMatchObject({ path: "z-small.txt", tooLarge: false, hunks: [{ lines: ["-1", "+2"] }] });
  });

  it("shares one budget between the diffs of a page: past it, the rest are too large instead of computed", async () => {
    // Twelve revisions, each rewriting every line of a 300-line file: each diff costs a few to
    // a few hundred milliseconds of Myers, so twelve cannot all fit in one page's budget,
    // though each would in a budget of its own.
    const rewrite = (r: number) => lines(300, (i) => `rev ${r} line ${(i * (r + 7919)) % 10007}`);
    const heads = [(await createRepo({ dir, files: files({ "data.txt": rewrite(0) }), message: "0", author })).head];
    for (let r = 1; r <= 12; r++) {
      heads.push((await commitFiles({ dir, files: files({ "data.txt": rewrite(r) }), message: String(r), author, expectedHead: heads[r - 1]! })).head);
    }
    const budget = diffBudget();
    const diffs = await Promise.all(heads.slice(1).map((to, r) => diffRevisions({ dir, from: heads[r]!, to, budget })));
    const changed = diffs.map((d) => d[0]!);
    expect(changed.every((f) => f.path === "data.txt" && f.status === "modified")).toBe(true);
    expect(changed.filter((f) => f.tooLarge).length).toBeGreaterThan(0);
    expect(budget.remainingMs).toBeLessThanOrEqual(0);
    // A file given up on has no hunks; one that fitted has all 600 changed lines.
    for (const f of changed) {
      if (f.tooLarge) expect(f.hunks).toBeNull();
      else expect(f.hunks!.flatMap((h) => h.lines).filter((l) => l[0] === "+" || l[0] === "-")).toHaveLength(600);
    }
  });
});
