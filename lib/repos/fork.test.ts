import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo, forkRepo, listRevisions, readFile, repoPathFor } from "./index";
import { author, files, fsckStrict, gitCli, makeTempDir, text } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir>;
let source: string;
let target: string;
beforeEach(() => {
  tmp = makeTempDir();
  source = join(tmp.root, repoPathFor("ada/hello"));
  target = join(tmp.root, repoPathFor("bob/hello"));
});
afterEach(() => tmp.cleanup());

/** Every object file (loose or pack) of a repository, relative to objects/. */
function objectFiles(dir: string): string[] {
  return readdirSync(join(dir, "objects"), { recursive: true, encoding: "utf8" })
    .filter((f) => statSync(join(dir, "objects", f)).isFile())
    .sort();
}

async function historyOf(length: number) {
  let { head } = await createRepo({ dir: source, files: files({ "a.txt": "0\n", "lib/b.txt": "b\n" }), message: "r0", author });
  for (let i = 1; i < length; i++) {
    ({ head } = await commitFiles({ dir: source, files: files({ "a.txt": `${i}\n`, "lib/b.txt": "b\n" }), message: `r${i}`, author, expectedHead: head }));
  }
  return head;
}

describe("forkRepo", () => {
  it("copies the history with main at the source head, sharing object files by hard link", async () => {
    const head = await historyOf(3);
    const fork = await forkRepo({ sourceDir: source, targetDir: target });
    expect(fork.head).toBe(head);
    fsckStrict(target);
    expect(gitCli(target, "rev-parse", "refs/heads/main").trim()).toBe(head);
    expect(gitCli(target, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
    expect(gitCli(target, "rev-list", "HEAD").trim()).toBe(gitCli(source, "rev-list", "HEAD").trim());
    // Same inode for every object: nothing was copied.
    const objects = objectFiles(source).filter((f) => !f.startsWith("info"));
    expect(objects.length).toBeGreaterThan(5);
    expect(objectFiles(target).filter((f) => !f.startsWith("info"))).toEqual(objects);
    for (const f of objects) {
      expect(statSync(join(target, "objects", f)).ino, f).toBe(statSync(join(source, "objects", f)).ino);
    }
    expect((await listRevisions({ dir: target })).map((r) => r.message)).toEqual(["r2\n", "r1\n", "r0\n"]);
  });

  it("keeps the two repositories independent afterwards", async () => {
    const head = await historyOf(2);
    await forkRepo({ sourceDir: source, targetDir: target });
    const inFork = await commitFiles({ dir: target, files: files({ "a.txt": "fork\n" }), message: "fork edit", author, expectedHead: head });
    const inSource = await commitFiles({ dir: source, files: files({ "a.txt": "source\n" }), message: "source edit", author, expectedHead: head });
    fsckStrict(source);
    fsckStrict(target);
    expect(gitCli(source, "rev-parse", "HEAD").trim()).toBe(inSource.head);
    expect(gitCli(target, "rev-parse", "HEAD").trim()).toBe(inFork.head);
    expect(gitCli(source, "show", "HEAD:a.txt")).toBe("source\n");
    expect(gitCli(target, "show", "HEAD:a.txt")).toBe("fork\n");
    // Neither sees the other's new commit.
    expect(() => gitCli(source, "cat-file", "-e", inFork.head)).toThrow();
    await expect(readFile({ dir: source, rev: inFork.head, path: "a.txt" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(readFile({ dir: target, rev: inSource.head, path: "a.txt" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // The shared history is still readable in both.
    expect(text((await readFile({ dir: target, rev: head, path: "a.txt" })).content)).toBe("1\n");
  });

  it("forks a packed repository (pack files linked) and the fork survives the source being repacked and deleted", async () => {
    const head = await historyOf(4);
    gitCli(source, "repack", "-adq");
    gitCli(source, "prune-packed");
    await forkRepo({ sourceDir: source, targetDir: target });
    const packs = objectFiles(target).filter((f) => f.startsWith("pack/"));
    expect(packs.some((f) => f.endsWith(".pack"))).toBe(true);
    for (const f of packs) expect(statSync(join(target, "objects", f)).ino).toBe(statSync(join(source, "objects", f)).ino);
    await commitFiles({ dir: source, files: files({ "new.txt": "n" }), message: "m", author, expectedHead: head });
    gitCli(source, "repack", "-adq");
    const { rmSync } = await import("node:fs");
    rmSync(source, { recursive: true });
    fsckStrict(target);
    expect(text((await readFile({ dir: target, rev: "HEAD", path: "a.txt" })).content)).toBe("3\n");
  });

  it("fails without leaving anything when the source is missing or the target exists", async () => {
    await expect(forkRepo({ sourceDir: source, targetDir: target })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(existsSync(target)).toBe(false);
    await historyOf(1);
    await forkRepo({ sourceDir: source, targetDir: target });
    await expect(forkRepo({ sourceDir: source, targetDir: target })).rejects.toThrow(/already exists/);
    expect(readdirSync(join(target, "..")).length).toBe(1);
  });
});
