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
      hunks: [
        {
          oldStart: 8,
          oldLines: 7,
          newStart: 8,
          newLines: 7,
          lines: [" line 7", " line 8", " line 9", "-line 10", "+line ten", " line 11", " line 12", " line 13"],
        },
      ],
    });
    // Same hunk header as git's own diff.
    expect(gitCli(dir, "diff", a.head, b.head, "--", "mod.txt")).toContain("@@ -8,7 +8,7 @@");
    expect(byPath["new/added.txt"]).toMatchObject({
      oldOid: null,
      hunks: [{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2, lines: ["+hello", "+world"] }],
    });
    expect(byPath["gone/old.txt"]).toMatchObject({ newOid: null, hunks: [{ oldStart: 1, oldLines: 1, newStart: 0, newLines: 0, lines: ["-bye"] }] });
    expect(byPath["img.bin"]).toMatchObject({ hunks: null, tooLarge: false });
  });

  it("diffs a first revision against the empty tree when from is null", async () => {
    const a = await createRepo({ dir, files: files({ "b.txt": "x", "a.txt": "y\n" }), message: "a", author });
    const diff = await diffRevisions({ dir, from: null, to: a.head });
    expect(diff.map((d) => [d.path, d.status])).toEqual([
      ["a.txt", "added"],
      ["b.txt", "added"],
    ]);
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

  it.each([
    ["two edits in the middle", (t: string) => t.replace("line 14990\n", "line 14990 changed\n").replace("line 15010\n", "line 15010\nnew line\n")],
    ["an edit at the start", (t: string) => t.replace("line 1\n", "line one\n")],
    ["the end without its newline", (t: string) => t.replace(/line 29999\n$/, "last line, no newline")],
  ])("shows a small edit in a large file with git's hunks: %s", async (_name, edit) => {
    const big = lines(30_000, (i) => `line ${i}`);
    const a = await createRepo({ dir, files: files({ "big.txt": big }), message: "a", author });
    const b = await commitFiles({ dir, files: files({ "big.txt": edit(big) }), message: "b", author, expectedHead: a.head });
    const [diff] = await diffRevisions({ dir, from: a.head, to: b.head });
    expect(diff?.tooLarge).toBe(false);
    const ours = diff!.hunks!.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
    const gits = gitCli(dir, "diff", "-U3", a.head, b.head)
      .split("\n")
      .slice(4, -1)
      .map((l) => l.replace(/^(@@ [^@]+ @@).*$/, "$1"));
    expect(ours).toEqual(gits);
  });

  it("calls a rewrite of more lines than it diffs too large, however much time is left", async () => {
    const a = await createRepo({ dir, files: files({ "big.txt": lines(6_000, (i) => `alpha ${i}`) }), message: "a", author });
    const b = await commitFiles({ dir, files: files({ "big.txt": lines(6_000, (i) => `omega ${i}`) }), message: "b", author, expectedHead: a.head });
    const budget = diffBudget(3_600_000);
    const [diff] = await diffRevisions({ dir, from: a.head, to: b.head, budget });
    expect(diff).toMatchObject({ path: "big.txt", hunks: null, tooLarge: true });
  });

  it("shares one budget between the diffs of a page: past it, the rest are too large instead of computed", async () => {
    // Thirty revisions, each rewriting every line of a 90-line file (180 changed lines, under
    // the changed-line cap): each costs milliseconds of CPU for Myers, thirty cannot all fit in
    // one page's budget, though each would in a budget of its own.
    const rewrite = (r: number) => lines(90, (i) => `rev ${r} line ${(i * (r + 7919)) % 10007}`);
    const heads = [(await createRepo({ dir, files: files({ "data.txt": rewrite(0) }), message: "0", author })).head];
    for (let r = 1; r <= 30; r++) {
      heads.push((await commitFiles({ dir, files: files({ "data.txt": rewrite(r) }), message: String(r), author, expectedHead: heads[r - 1]! })).head);
    }
    const budget = diffBudget();
    const diffs = await Promise.all(heads.slice(1).map((to, r) => diffRevisions({ dir, from: heads[r]!, to, budget })));
    const changed = diffs.map((d) => d[0]!);
    expect(changed.every((f) => f.path === "data.txt" && f.status === "modified")).toBe(true);
    expect(budget.remainingMs).toBeLessThanOrEqual(0);
    expect(changed.filter((f) => f.tooLarge).length).toBeGreaterThan(0);
    // A file given up on has no hunks; one that fitted has all 180 changed lines.
    for (const f of changed) {
      if (f.tooLarge) expect(f.hunks).toBeNull();
      else expect(f.hunks!.flatMap((h) => h.lines).filter((l) => l[0] === "+" || l[0] === "-")).toHaveLength(180);
    }
    // Each alone, with a budget of its own, is shown.
    const alone = await diffRevisions({ dir, from: heads[29]!, to: heads[30]!, budget: diffBudget() });
    expect(alone[0]?.tooLarge).toBe(false);
  });

  it("calls a change of more than 200 lines too large, and shows an added file of any length up to the cap whole", async () => {
    const a = await createRepo({ dir, files: files({ "data.txt": lines(120, (i) => `alpha ${i}`) }), message: "a", author });
    const b = await commitFiles({
      dir,
      files: files({ "data.txt": lines(120, (i) => `omega ${i}`), "added.txt": lines(2_000, (i) => `new ${i}`) }),
      message: "b",
      author,
      expectedHead: a.head,
    });
    const diff = await diffRevisions({ dir, from: a.head, to: b.head, budget: diffBudget(3_600_000) });
    expect(diff.map((d) => [d.path, d.tooLarge])).toEqual([
      ["added.txt", false],
      ["data.txt", true],
    ]);
    expect(diff[0]?.hunks).toEqual([{ oldStart: 0, oldLines: 0, newStart: 1, newLines: 2_000, lines: Array.from({ length: 2_000 }, (_, i) => `+new ${i}`) }]);
  });
});
