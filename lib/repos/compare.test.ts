import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFiles, compareHistories, createRepo, diffRevisions, forkRepo } from "./index";
import { author, files, gitCli, makeTempDir } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir>;
let src: string;
let fork: string;
beforeEach(() => {
  tmp = makeTempDir();
  src = join(tmp.root, "src.git");
  fork = join(tmp.root, "fork.git");
});
afterEach(() => tmp.cleanup());

async function commit(dir: string, head: string, text: string, message: string): Promise<string> {
  return (await commitFiles({ dir, files: files({ "a.py": text }), message, author, expectedHead: head })).head;
}

describe("compareHistories", () => {
  it("counts commits ahead and behind across a source and its fork, as git does", async () => {
    let s = (await createRepo({ dir: src, files: files({ "a.py": "1\n" }), message: "one", author })).head;
    s = await commit(src, s, "2\n", "two");
    const forkPoint = s;
    let f = (await forkRepo({ sourceDir: src, targetDir: fork })).head;
    f = await commit(fork, f, "2\nfork a\n", "fork a");
    f = await commit(fork, f, "2\nfork b\n", "fork b");
    f = await commit(fork, f, "2\nfork c\n", "fork c");
    s = await commit(src, s, "3\n", "three");

    const c = await compareHistories({ baseDir: src, otherDir: fork });
    expect(c).toMatchObject({ base: s, other: f, mergeBase: forkPoint });
    expect(c.ahead).toHaveLength(3);
    expect(c.ahead[0]).toBe(f);
    expect(c.behind).toEqual([s]);

    // git agrees: fetch the fork's main into a scratch clone of the source and count.
    const judge = join(tmp.root, "judge.git");
    gitCli(tmp.root, "clone", "--bare", "--quiet", src, judge);
    gitCli(judge, "fetch", "--quiet", fork, "main:refs/heads/fork");
    expect(gitCli(judge, "rev-list", "--left-right", "--count", "main...fork").trim().split(/\s+/)).toEqual(["1", "3"]);
    expect(gitCli(judge, "merge-base", "main", "fork").trim()).toBe(forkPoint);

    // The other way round, and at an older revision of the source.
    const back = await compareHistories({ baseDir: fork, otherDir: src });
    expect([back.ahead.length, back.behind.length]).toEqual([1, 3]);
    const atFork = await compareHistories({ baseDir: src, baseRev: forkPoint, otherDir: fork });
    expect([atFork.ahead.length, atFork.behind.length, atFork.mergeBase]).toEqual([3, 0, forkPoint]);
  });

  it("sees a new revision of either side on the next call", async () => {
    const s = (await createRepo({ dir: src, files: files({ "a.py": "1\n" }), message: "one", author })).head;
    const f0 = (await forkRepo({ sourceDir: src, targetDir: fork })).head;
    expect((await compareHistories({ baseDir: src, otherDir: fork })).ahead).toEqual([]);
    const f1 = await commit(fork, f0, "fork\n", "fork");
    expect((await compareHistories({ baseDir: src, otherDir: fork })).ahead).toEqual([f1]);
    await commit(src, s, "src\n", "src");
    expect((await compareHistories({ baseDir: src, otherDir: fork })).behind).toHaveLength(1);
  });

  it("reports no merge base for unrelated histories", async () => {
    await createRepo({ dir: src, files: files({ "a.py": "1\n" }), message: "one", author });
    await createRepo({ dir: fork, files: files({ "b.py": "2\n" }), message: "other", author });
    const c = await compareHistories({ baseDir: src, otherDir: fork });
    expect([c.ahead.length, c.behind.length, c.mergeBase]).toEqual([1, 1, null]);
  });
});

describe("diffRevisions across repositories", () => {
  it("diffs the source's head against a fork's head read from the fork", async () => {
    const s = (await createRepo({ dir: src, files: files({ "a.py": "x = 1\n", "keep.txt": "k\n" }), message: "one", author })).head;
    const f0 = (await forkRepo({ sourceDir: src, targetDir: fork })).head;
    const f1 = (
      await commitFiles({ dir: fork, files: files({ "a.py": "x = 2\n", "keep.txt": "k\n", "new.py": "n\n" }), message: "fork", author, expectedHead: f0 })
    ).head;
    // The source's repository has never seen the fork's revision.
    await expect(diffRevisions({ dir: src, from: s, to: f1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const diff = await diffRevisions({ dir: src, from: s, to: f1, toDir: fork });
    expect(diff.map((d) => [d.path, d.status])).toEqual([
      ["a.py", "modified"],
      ["new.py", "added"],
    ]);
    expect(diff[0]?.hunks?.[0]?.lines).toEqual(["-x = 1", "+x = 2"]);
  });
});
