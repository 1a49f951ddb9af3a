import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { commitFiles, createRepo, deleteRepo, listRevisions, readFile, readFiles, readTree, repoPathFor, resolveRevision, RepoError } from "./index";
import { author, files, fsckStrict, gitCli, gitShowBytes, makeTempDir, text } from "./test-helpers";

let tmp: ReturnType<typeof makeTempDir>;
let dir: string;
beforeEach(() => {
  tmp = makeTempDir();
  dir = join(tmp.root, repoPathFor("ada/hello"));
});
afterEach(() => tmp.cleanup());

/** The binary file used throughout: PNG signature with NULs and bytes that are not UTF-8. */
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe]);

describe("repoPathFor", () => {
  it("shards by the SHA-1 of owner/slug", () => {
    const sha1 = execFileSync("sha1sum", { input: "ada/hello", encoding: "utf8" }).slice(0, 40);
    expect(repoPathFor("ada/hello")).toBe(`${sha1.slice(0, 2)}/${sha1.slice(2)}.git`);
    expect(repoPathFor("ada/hello2")).not.toBe(repoPathFor("ada/hello"));
  });
});

describe("createRepo", () => {
  it("makes a bare repo on main whose first commit holds nested folders and binary files, and passes fsck --strict", async () => {
    const { head } = await createRepo({
      dir,
      files: files({ "main.py": "print('hi')\n", "src/lib/util.py": "x = 1\n", "src/a.txt": "a\n", "img/logo.png": png, "src-b.txt": "b\n" }),
      message: "First",
      author,
    });
    fsckStrict(dir);
    expect(gitCli(dir, "rev-parse", "--is-bare-repository").trim()).toBe("true");
    expect(gitCli(dir, "symbolic-ref", "HEAD").trim()).toBe("refs/heads/main");
    expect(gitCli(dir, "rev-parse", "main").trim()).toBe(head);
    expect(gitCli(dir, "log", "--format=%an <%ae> %at %s").trim()).toBe("Ada Lovelace <ada@example.test> 1700000000 First");
    // Real subtrees, not "src/lib/util.py" entries in the root tree.
    expect(gitCli(dir, "ls-tree", "--name-only", "HEAD").trim().split("\n")).toEqual(["img", "main.py", "src-b.txt", "src"]);
    expect(gitCli(dir, "ls-tree", "-r", "--name-only", "HEAD").trim().split("\n")).toEqual([
      "img/logo.png",
      "main.py",
      "src-b.txt",
      "src/a.txt",
      "src/lib/util.py",
    ]);
    expect(gitCli(dir, "show", "HEAD:src/lib/util.py")).toBe("x = 1\n");
    expect(new Uint8Array(gitShowBytes(dir, "HEAD:img/logo.png"))).toEqual(png);
  });

  it("sorts tree entries the git way for names beyond ASCII (fsck checks the order)", async () => {
    await createRepo({ dir, files: files({ "\uff01.txt": "a", "\u{1f600}.txt": "b", "a/b": "c", "a.b": "d", é: "e" }), message: "m", author });
    fsckStrict(dir);
  });

  it("refuses to overwrite an existing repository and leaves it intact", async () => {
    const { head } = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    await expect(createRepo({ dir, files: files({ "b.txt": "2" }), message: "m", author })).rejects.toThrow(/already exists/);
    expect(gitCli(dir, "rev-parse", "HEAD").trim()).toBe(head);
  });

  it("leaves nothing behind when a write fails", async () => {
    // The parent is a file, so nothing can be created under it.
    const blocker = join(tmp.root, "blocker");
    await createRepo({ dir: join(tmp.root, "ok.git"), files: files({ a: "1" }), message: "m", author });
    const { writeFileSync } = await import("node:fs");
    writeFileSync(blocker, "");
    await expect(createRepo({ dir: join(blocker, "x.git"), files: files({ a: "1" }), message: "m", author })).rejects.toThrow();
    expect(readdirSync(tmp.root).sort()).toEqual(["blocker", "ok.git"]);
  });

  it("rejects relative directories", async () => {
    await expect(createRepo({ dir: "relative/x.git", files: files({ a: "1" }), message: "m", author })).rejects.toThrow(/absolute/);
  });
});

describe("commitFiles", () => {
  it("adds a revision on top of the expected head; old revisions stay readable", async () => {
    const first = await createRepo({ dir, files: files({ "a.txt": "one\n", "dir/b.txt": "bee\n" }), message: "First", author });
    const second = await commitFiles({
      dir,
      files: files({ "a.txt": "two\n", "dir/c.txt": "sea\n" }),
      message: "Second",
      author: { ...author, timestamp: 1_700_000_100 },
      expectedHead: first.head,
    });
    expect(second.changed).toBe(true);
    const third = await commitFiles({ dir, files: files({ "a.txt": "three\n" }), message: "Third", author, expectedHead: second.head });
    fsckStrict(dir);
    expect(gitCli(dir, "rev-list", "--count", "HEAD").trim()).toBe("3");
    expect(gitCli(dir, "rev-parse", "HEAD~1").trim()).toBe(second.head);
    expect(gitCli(dir, "show", `${first.head}:a.txt`)).toBe("one\n");
    // The API reads any old revision after newer commits.
    expect(text((await readFile({ dir, rev: first.head, path: "a.txt" })).content)).toBe("one\n");
    expect(text((await readFile({ dir, rev: first.head, path: "dir/b.txt" })).content)).toBe("bee\n");
    expect(text((await readFile({ dir, rev: second.head, path: "dir/c.txt" })).content)).toBe("sea\n");
    expect(text((await readFile({ dir, rev: "HEAD", path: "a.txt" })).content)).toBe("three\n");
    await expect(readFile({ dir, rev: third.head, path: "dir/b.txt" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Files removed by a revision are gone from its tree.
    expect(gitCli(dir, "ls-tree", "-r", "--name-only", third.head).trim()).toBe("a.txt");
  });

  it("throws STALE_HEAD with the current head when expectedHead is not the head, and writes nothing", async () => {
    const first = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    const second = await commitFiles({ dir, files: files({ "a.txt": "2" }), message: "m", author, expectedHead: first.head });
    const err = await commitFiles({ dir, files: files({ "a.txt": "3" }), message: "m", author, expectedHead: first.head }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RepoError);
    expect(err).toMatchObject({ code: "STALE_HEAD", currentHead: second.head });
    expect(gitCli(dir, "rev-parse", "HEAD").trim()).toBe(second.head);
    expect(gitCli(dir, "show", "HEAD:a.txt")).toBe("2");
    await expect(commitFiles({ dir, files: files({ "a.txt": "3" }), message: "m", author, expectedHead: "garbage" })).rejects.toMatchObject({
      code: "STALE_HEAD",
      currentHead: second.head,
    });
  });

  it("makes no commit when nothing changed", async () => {
    const { head } = await createRepo({ dir, files: files({ "a.txt": "1", "b/c": "2" }), message: "m", author });
    const again = await commitFiles({ dir, files: files({ "b/c": "2", "a.txt": "1" }), message: "m", author, expectedHead: head });
    expect(again).toEqual({ head, changed: false });
    expect(gitCli(dir, "rev-list", "--count", "HEAD").trim()).toBe("1");
  });

  it("waits for a lock held by git and then commits", async () => {
    const { head } = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    const { writeFileSync, unlinkSync } = await import("node:fs");
    const lock = join(dir, "refs/heads/main.lock");
    writeFileSync(lock, "");
    setTimeout(() => unlinkSync(lock), 100);
    const next = await commitFiles({ dir, files: files({ "a.txt": "2" }), message: "m", author, expectedHead: head });
    expect(gitCli(dir, "rev-parse", "HEAD").trim()).toBe(next.head);
    expect(existsSync(lock)).toBe(false);
  });

  it("gives up with LOCKED on a lock nobody releases, and leaves that lock alone", async () => {
    const { head } = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    const { writeFileSync } = await import("node:fs");
    const lock = join(dir, "refs/heads/main.lock");
    writeFileSync(lock, "someone else's\n");
    await expect(commitFiles({ dir, files: files({ "a.txt": "2" }), message: "m", author, expectedHead: head })).rejects.toMatchObject({ code: "LOCKED" });
    expect(existsSync(lock)).toBe(true);
    expect(gitCli(dir, "rev-parse", "HEAD").trim()).toBe(head);
  }, 20_000);

  it("throws NOT_FOUND for a missing repository", async () => {
    await expect(commitFiles({ dir, files: files({ a: "1" }), message: "m", author, expectedHead: "0".repeat(40) })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("reading", () => {
  it("readTree lists files with oids and byte sizes; readFiles returns contents; both in git order", async () => {
    const { head } = await createRepo({ dir, files: files({ "z.txt": "zz", "a/b.txt": "héllo", "a.txt": "", "bin/x": png }), message: "m", author });
    const tree = await readTree({ dir, rev: head });
    expect(tree.map((f) => f.path)).toEqual(gitCli(dir, "ls-tree", "-r", "--name-only", "HEAD").trim().split("\n"));
    expect(tree.find((f) => f.path === "a/b.txt")).toEqual({ path: "a/b.txt", oid: gitCli(dir, "rev-parse", "HEAD:a/b.txt").trim(), size: 6 });
    expect(tree.find((f) => f.path === "bin/x")?.size).toBe(png.length);
    const all = await readFiles({ dir, rev: "HEAD" });
    expect(all.map((f) => f.path)).toEqual(tree.map((f) => f.path));
    expect(all.find((f) => f.path === "bin/x")?.content).toEqual(png);
  });

  it("readFile of a folder or a missing path is NOT_FOUND", async () => {
    await createRepo({ dir, files: files({ "a/b.txt": "1" }), message: "m", author });
    await expect(readFile({ dir, rev: "HEAD", path: "a" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(readFile({ dir, rev: "HEAD", path: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(readFile({ dir, rev: "HEAD", path: "a/b.txt/c" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(readFile({ dir, rev: "HEAD", path: "a//b.txt" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("resolveRevision accepts HEAD, full and abbreviated oids, and rejects unknown, too short and unreachable ones", async () => {
    const first = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    const second = await commitFiles({ dir, files: files({ "a.txt": "2" }), message: "m", author, expectedHead: first.head });
    expect(await resolveRevision({ dir, rev: "HEAD" })).toBe(second.head);
    expect(await resolveRevision({ dir, rev: first.head })).toBe(first.head);
    expect(await resolveRevision({ dir, rev: first.head.slice(0, 7) })).toBe(first.head);
    expect(await resolveRevision({ dir, rev: first.head.slice(0, 12).toUpperCase() })).toBe(first.head);
    for (const rev of [first.head.slice(0, 6), "main", "HEAD~1", "f".repeat(40), "", "../x"]) {
      await expect(resolveRevision({ dir, rev }), rev).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    // A commit object that exists in the store but is not on main (like the loser of a race).
    const tree = gitCli(dir, "rev-parse", "HEAD^{tree}").trim();
    const orphan = gitCli(dir, "commit-tree", tree, "-m", "orphan").trim();
    expect(gitCli(dir, "cat-file", "-t", orphan).trim()).toBe("commit");
    await expect(resolveRevision({ dir, rev: orphan })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A blob or tree id is not a revision.
    await expect(resolveRevision({ dir, rev: tree })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(resolveRevision({ dir: join(tmp.root, "none.git"), rev: "HEAD" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("sees commits made by another writer (the git CLI) without stale caching", async () => {
    const first = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    expect(await resolveRevision({ dir, rev: "HEAD" })).toBe(first.head);
    const tree = gitCli(dir, "rev-parse", "HEAD^{tree}").trim();
    const next = gitCli(dir, "commit-tree", tree, "-p", first.head, "-m", "by git").trim();
    gitCli(dir, "update-ref", "refs/heads/main", next, first.head);
    expect(await resolveRevision({ dir, rev: next.slice(0, 8) })).toBe(next);
    expect(await resolveRevision({ dir, rev: first.head })).toBe(first.head);
  });

  it("reads refs packed by git pack-refs", async () => {
    const { head } = await createRepo({ dir, files: files({ "a.txt": "1" }), message: "m", author });
    gitCli(dir, "pack-refs", "--all");
    expect(existsSync(join(dir, "refs/heads/main"))).toBe(false);
    expect(await resolveRevision({ dir, rev: "HEAD" })).toBe(head);
    const next = await commitFiles({ dir, files: files({ "a.txt": "2" }), message: "m", author, expectedHead: head });
    expect(gitCli(dir, "rev-parse", "HEAD").trim()).toBe(next.head);
    fsckStrict(dir);
  });
});

describe("listRevisions", () => {
  it("lists newest first with author, message and parents, honouring rev and limit", async () => {
    const a = await createRepo({ dir, files: files({ f: "1" }), message: "One", author });
    const b = await commitFiles({
      dir,
      files: files({ f: "2" }),
      message: "Two\n\nbody",
      author: { ...author, timestamp: 1_700_000_500 },
      expectedHead: a.head,
    });
    const c = await commitFiles({ dir, files: files({ f: "3" }), message: "Three", author, expectedHead: b.head });
    const all = await listRevisions({ dir });
    expect(all.map((r) => r.oid)).toEqual([c.head, b.head, a.head]);
    expect(all.map((r) => r.oid)).toEqual(gitCli(dir, "rev-list", "HEAD").trim().split("\n"));
    expect(all[1]).toMatchObject({
      message: "Two\n\nbody\n",
      author: { name: "Ada Lovelace", email: "ada@example.test", timestamp: 1_700_000_500 },
      parents: [a.head],
    });
    expect(all[2]?.parents).toEqual([]);
    expect((await listRevisions({ dir, limit: 2 })).map((r) => r.oid)).toEqual([c.head, b.head]);
    expect((await listRevisions({ dir, rev: b.head })).map((r) => r.oid)).toEqual([b.head, a.head]);
  });
});

describe("deleteRepo", () => {
  it("removes the repository and tolerates a missing one", async () => {
    await createRepo({ dir, files: files({ a: "1" }), message: "m", author });
    expect(await deleteRepo({ dir })).toEqual({ deleted: true });
    expect(existsSync(dir)).toBe(false);
    // Only the empty shard folder remains; no renamed leftovers.
    expect(readdirSync(join(dir, ".."))).toEqual([]);
    expect(await deleteRepo({ dir })).toEqual({ deleted: false });
    expect(statSync(tmp.root).isDirectory()).toBe(true);
  });
});
