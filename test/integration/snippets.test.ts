/**
 * The snippet operations against a real database and real repositories on disk. Each test
 * checks what a user would see (the operation's answer, the row) and what git sees (the
 * repository, read with the git CLI, not with the code under test).
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { getEnv } from "@/lib/env";
import { repoPathFor } from "@/lib/repos";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { diffSnippet } from "@/lib/snippets/diff-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { getForkNetwork } from "@/lib/snippets/get-fork-network";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { listSnippetRevisions } from "@/lib/snippets/list-revisions";
import { listSnippets } from "@/lib/snippets/list-snippets";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import type { TActor } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { createUser } from "@/lib/users/create-user";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

async function newUser(prefix = "u"): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" });
}

function gitBytes(dir: string, ...args: string[]): Buffer {
  return execFileSync("git", ["-C", dir, ...args]);
}

/** Revision messages, newest first, as git itself reports them. */
function gitLog(dir: string): string[] {
  return git(dir, "log", "--format=%s").trim().split("\n");
}

/** `git fsck --strict`: throws (non-zero exit) on any corrupt or malformed object. */
function fsck(dir: string): void {
  execFileSync("git", ["-C", dir, "fsck", "--strict", "--no-dangling"], { stdio: "pipe" });
}

async function rowOf(owner: TActor, slug: string) {
  return getDb().snippet.findFirst({
    where: { ownerId: owner.id, slug },
    include: { tags: { include: { tag: true } } },
  });
}

function dirOf(repoPath: string): string {
  return path.join(getEnv().reposDir, repoPath);
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0x00, 0x10]);

describe("createSnippet", () => {
  it("writes a repository with every file, nested and binary, and a row with tags", async () => {
    const alice = await newUser("alice");
    const created = await createSnippet({
      actor: alice,
      title: "Newton's method",
      description: "Finds roots.",
      tags: ["Calculus / Roots", "numerics"],
      files: [
        { path: "main.py", content: "from lib.newton import solve\nprint(solve())\n" },
        { path: "lib/newton.py", content: "def solve():\n    return 1.4142\n" },
        { path: "img/plot.png", content: PNG },
      ],
    });
    expect(created).toMatchObject({ owner: alice.username, slug: "newtons-method", url: `/${alice.username}/newtons-method` });

    const row = await rowOf(alice, "newtons-method");
    expect(row).not.toBeNull();
    expect(row!.head).toBe(created.head);
    expect(row!.visibility).toBe("PUBLIC");
    expect(row!.tags.map((t) => t.tag.name).sort()).toEqual(["calculus/roots", "numerics"]);

    const dir = dirOf(row!.repoPath);
    fsck(dir);
    expect(git(dir, "rev-parse", "HEAD").trim()).toBe(created.head);
    expect(gitLog(dir)).toEqual(["Create Newton's method"]);
    expect(git(dir, "ls-tree", "-r", "--name-only", "HEAD").trim().split("\n").sort()).toEqual(["img/plot.png", "lib/newton.py", "main.py"]);
    expect(git(dir, "show", "HEAD:lib/newton.py")).toBe("def solve():\n    return 1.4142\n");
    expect(new Uint8Array(gitBytes(dir, "cat-file", "blob", "HEAD:img/plot.png"))).toEqual(PNG);
    expect(git(dir, "log", "-1", "--format=%an <%ae>")).toBe(`${alice.username} <${alice.username}@users.cellar.invalid>\n`);

    const shown = await readSnippetFiles({ owner: alice.username, slug: "newtons-method" });
    const png = shown.files.find((f) => f.path === "img/plot.png");
    expect(png).toMatchObject({ binary: true, size: PNG.byteLength });
    expect(png?.content).toEqual(PNG);
  });

  it("gives a second snippet with the same title the next free name", async () => {
    const alice = await newUser("alice");
    const first = await createSnippet({ actor: alice, title: "Monte Carlo pi", files: [{ path: "pi.py", content: "print(3)\n" }] });
    const second = await createSnippet({ actor: alice, title: "Monte Carlo pi", files: [{ path: "pi.py", content: "print(3.1)\n" }] });
    expect([first.slug, second.slug]).toEqual(["monte-carlo-pi", "monte-carlo-pi-2"]);
    const rows = await getDb().snippet.findMany({ where: { ownerId: alice.id }, select: { repoPath: true } });
    expect(new Set(rows.map((r) => r.repoPath)).size).toBe(2);
    for (const r of rows) fsck(dirOf(r.repoPath));
  });

  it("gives two concurrent snippets with one title distinct names, each with its own repository", async () => {
    const alice = await newUser("alice");
    const results = await Promise.all([1, 2].map((n) => createSnippet({ actor: alice, title: "Race", files: [{ path: "n.txt", content: `${n}\n` }] })));
    expect(results.map((r) => r.slug).sort()).toEqual(["race", "race-2"]);
    for (const r of results) {
      const row = await rowOf(alice, r.slug);
      const dir = dirOf(row!.repoPath);
      fsck(dir);
      expect(git(dir, "rev-parse", "HEAD").trim()).toBe(r.head);
    }
  });

  it("refuses an explicit name the owner already uses, before writing anything", async () => {
    const alice = await newUser("alice");
    await createSnippet({ actor: alice, title: "One", slug: "taken", files: [{ path: "a.txt", content: "a" }] });
    const e = await appError(createSnippet({ actor: alice, title: "Two", slug: "taken", files: [{ path: "b.txt", content: "b" }] }));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toContain('"taken"');
    const row = await rowOf(alice, "taken");
    expect(row!.title).toBe("One");
    expect(git(dirOf(row!.repoPath), "ls-tree", "--name-only", "HEAD").trim()).toBe("a.txt");
  });

  it.each([
    ["no files", [], "INVALID"],
    ["a path escaping the snippet", [{ path: "../evil.py", content: "x" }], "INVALID"],
    ["a .git folder", [{ path: ".git/config", content: "x" }], "INVALID"],
    [
      "the same path twice",
      [
        { path: "a.py", content: "1" },
        { path: "a.py", content: "2" },
      ],
      "INVALID",
    ],
    ["a file over 1 MB", [{ path: "big.txt", content: "x".repeat(1_000_001) }], "TOO_LARGE"],
  ] as const)("refuses %s, leaving no row and no repository", async (_label, files, code) => {
    const alice = await newUser("alice");
    const e = await appError(createSnippet({ actor: alice, title: "Bad files", files: files.map((f) => ({ ...f })) }));
    expect(e.code).toBe(code);
    expect(e.message.length).toBeGreaterThan(10);
    expect(await getDb().snippet.count({ where: { ownerId: alice.id } })).toBe(0);
    expect(existsSync(dirOf(repoPathFor(`${alice.username}/bad-files`)))).toBe(false);
  });

  it("refuses a snippet over 5 MB in total with a message that says so", async () => {
    const alice = await newUser("alice");
    const files = Array.from({ length: 6 }, (_, i) => ({ path: `part${i}.txt`, content: "y".repeat(900_000) }));
    const e = await appError(createSnippet({ actor: alice, title: "Huge", files }));
    expect(e.code).toBe("TOO_LARGE");
    expect(e.message).toMatch(/5 MB/);
    expect(existsSync(dirOf(repoPathFor(`${alice.username}/huge`)))).toBe(false);
  });

  it("removes the new repository when the row cannot be written", async () => {
    // An account deleted while its session is still valid: the repository is written, then
    // the row's foreign key to the user fails. No input that passes validation trips a column
    // constraint (tags, titles and descriptions are unconstrained text), so this is the real case.
    const ghost: TActor = { id: "ghost-account-id-that-does-not-exist", username: uniqueName("ghost") };
    const error = await createSnippet({ actor: ghost, title: "Orphan", files: [{ path: "a.txt", content: "a" }] }).then(
      () => null,
      (e: unknown) => e,
    );
    // The row's foreign key, so the repository had been written (any earlier failure would leave
    // nothing to remove, and this test would prove nothing).
    expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((error as Prisma.PrismaClientKnownRequestError).code).toBe("P2003");
    expect(await getDb().snippet.count({ where: { ownerId: ghost.id } })).toBe(0);
    expect(existsSync(dirOf(repoPathFor(`${ghost.username}/orphan`)))).toBe(false);
  });

  it("requires a signed-in user", async () => {
    const e = await appError(createSnippet({ actor: null, title: "Anon", files: [{ path: "a.txt", content: "a" }] }));
    expect(e.code).toBe("UNAUTHORIZED");
  });
});

describe("updateSnippet", () => {
  async function seeded() {
    const alice = await newUser("alice");
    const created = await createSnippet({
      actor: alice,
      title: "Sieve",
      tags: ["primes"],
      files: [
        { path: "sieve.py", content: "N = 10\nprint(N)\n" },
        { path: "notes.md", content: "# Notes\n" },
      ],
    });
    const row = await rowOf(alice, created.slug);
    return { alice, created, dir: dirOf(row!.repoPath) };
  }

  it("writes a new revision from the full set of files, and keeps older revisions readable", async () => {
    const { alice, created, dir } = await seeded();
    const edit = await updateSnippet({
      actor: alice,
      owner: alice.username,
      slug: created.slug,
      base: created.head,
      message: "Bigger N, drop notes",
      files: [{ path: "sieve.py", content: "N = 100\nprint(N)\n" }],
    });
    expect(edit.changed).toBe(true);
    expect(edit.head).not.toBe(created.head);

    fsck(dir);
    expect(gitLog(dir)).toEqual(["Bigger N, drop notes", "Create Sieve"]);
    expect(git(dir, "ls-tree", "--name-only", "HEAD").trim()).toBe("sieve.py");
    expect((await rowOf(alice, created.slug))!.head).toBe(edit.head);

    const now = await getSnippet({ owner: alice.username, slug: created.slug });
    expect(now.files.map((f) => f.text)).toEqual(["N = 100\nprint(N)\n"]);
    const before = await getSnippet({ owner: alice.username, slug: created.slug, rev: created.head.slice(0, 8) });
    expect(before.rev).toBe(created.head);
    expect(before.isHead).toBe(false);
    // Sorted: pages show the main file first, which is not what this test is about.
    expect(before.files.map((f) => [f.path, f.text]).sort()).toEqual([
      ["notes.md", "# Notes\n"],
      ["sieve.py", "N = 10\nprint(N)\n"],
    ]);

    const diff = await diffSnippet({ owner: alice.username, slug: created.slug, from: created.head, to: edit.head });
    expect(diff.files.map((f) => [f.path, f.status])).toEqual([
      ["notes.md", "removed"],
      ["sieve.py", "modified"],
    ]);
    const lines = diff.files.find((f) => f.path === "sieve.py")?.hunks?.flatMap((h) => h.lines);
    expect(lines).toContain("-N = 10");
    expect(lines).toContain("+N = 100");
  });

  it("refuses an edit based on an old revision with the current head, writing nothing", async () => {
    const { alice, created, dir } = await seeded();
    const first = await updateSnippet({
      actor: alice,
      owner: alice.username,
      slug: created.slug,
      base: created.head,
      files: [{ path: "sieve.py", content: "v2\n" }],
    });

    const e = await appError(
      updateSnippet({
        actor: alice,
        owner: alice.username,
        slug: created.slug,
        base: created.head,
        title: "Renamed",
        files: [{ path: "sieve.py", content: "v3\n" }],
      }),
    );
    expect(e.code).toBe("CONFLICT");
    expect(e.details).toEqual({ head: first.head });

    expect(gitLog(dir)).toHaveLength(2);
    expect(git(dir, "show", "HEAD:sieve.py")).toBe("v2\n");
    const row = await rowOf(alice, created.slug);
    expect(row!.head).toBe(first.head);
    // The title change rode on the refused edit, so it is refused too.
    expect(row!.title).toBe("Sieve");
  });

  it("changes title, description, tags and visibility without a new revision", async () => {
    const { alice, created, dir } = await seeded();
    const result = await updateSnippet({
      actor: alice,
      owner: alice.username,
      slug: created.slug,
      title: "Sieve of Eratosthenes",
      description: "Primes below N.",
      tags: ["number-theory", "primes"],
      visibility: "unlisted",
    });
    expect(result).toEqual({ head: created.head, changed: false });
    expect(gitLog(dir)).toHaveLength(1);
    const row = await rowOf(alice, created.slug);
    expect(row).toMatchObject({ title: "Sieve of Eratosthenes", description: "Primes below N.", visibility: "UNLISTED" });
    expect(row!.tags.map((t) => t.tag.name).sort()).toEqual(["number-theory", "primes"]);
  });

  it("lets only the owner change a snippet", async () => {
    const { alice, created, dir } = await seeded();
    const bob = await newUser("bob");
    const forbidden = await appError(
      updateSnippet({ actor: bob, owner: alice.username, slug: created.slug, base: created.head, files: [{ path: "x.py", content: "hacked" }] }),
    );
    expect(forbidden.code).toBe("FORBIDDEN");
    const anonymous = await appError(updateSnippet({ actor: null, owner: alice.username, slug: created.slug, title: "x" }));
    expect(anonymous.code).toBe("UNAUTHORIZED");
    expect(gitLog(dir)).toHaveLength(1);
    expect((await rowOf(alice, created.slug))!.title).toBe("Sieve");
  });

  it("asks for base when files change", async () => {
    const { alice, created, dir } = await seeded();
    const e = await appError(updateSnippet({ actor: alice, owner: alice.username, slug: created.slug, files: [{ path: "a.py", content: "1" }] }));
    expect(e.code).toBe("INVALID");
    expect(e.message).toContain("base");
    expect(gitLog(dir)).toHaveLength(1);
  });
});

describe("forks", () => {
  it("copies the repository sharing its objects, remembers the source, and lists the network", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const carol = await newUser("carol");
    const source = await createSnippet({ actor: alice, title: "Mandelbrot", tags: ["fractals"], files: [{ path: "m.py", content: "print('set')\n" }] });
    const sourceRow = await rowOf(alice, source.slug);

    const fork = await forkSnippet({ actor: bob, owner: alice.username, slug: source.slug });
    expect(fork).toMatchObject({ owner: bob.username, slug: source.slug, head: source.head });
    const forkRow = await rowOf(bob, fork.slug);
    expect(forkRow).toMatchObject({ forkedFromId: sourceRow!.id, forkedFromName: `${alice.username}/${source.slug}`, title: "Mandelbrot" });
    expect(forkRow!.tags.map((t) => t.tag.name)).toEqual(["fractals"]);
    expect(forkRow!.repoPath).not.toBe(sourceRow!.repoPath);

    const forkDir = dirOf(forkRow!.repoPath);
    const sourceDir = dirOf(sourceRow!.repoPath);
    fsck(forkDir);
    expect(gitLog(forkDir)).toEqual(["Create Mandelbrot"]);
    // Shared, not copied: the commit object is the same file (same inode) in both repositories.
    const objectPath = (dir: string) => path.join(dir, "objects", source.head.slice(0, 2), source.head.slice(2));
    expect(statSync(objectPath(forkDir)).ino).toBe(statSync(objectPath(sourceDir)).ino);

    // Editing the fork leaves the source alone.
    const edited = await updateSnippet({
      actor: bob,
      owner: bob.username,
      slug: fork.slug,
      base: fork.head,
      message: "Zoom in",
      files: [{ path: "m.py", content: "print('zoom')\n" }],
    });
    expect(gitLog(forkDir)).toEqual(["Zoom in", "Create Mandelbrot"]);
    expect(gitLog(sourceDir)).toEqual(["Create Mandelbrot"]);

    const revisions = await listSnippetRevisions({ owner: bob.username, slug: fork.slug });
    expect(revisions.map((r) => [r.message, r.author.username])).toEqual([
      ["Zoom in", bob.username],
      ["Create Mandelbrot", alice.username],
    ]);
    expect(revisions[0]!.oid).toBe(edited.head);
    expect(revisions[0]!.date).toBeInstanceOf(Date);

    // A fork of the fork, under a name of carol's choosing.
    const grandchild = await forkSnippet({ actor: carol, owner: bob.username, slug: fork.slug, newSlug: "my-mandelbrot" });
    expect(grandchild.slug).toBe("my-mandelbrot");
    expect(grandchild.head).toBe(edited.head);
    fsck(dirOf((await rowOf(carol, "my-mandelbrot"))!.repoPath));

    const network = await getForkNetwork({ owner: bob.username, slug: fork.slug });
    expect(network.ancestors.map((a) => `${a.owner}/${a.slug}`)).toEqual([`${alice.username}/${source.slug}`]);
    expect(network.tree.forks.map((f) => `${f.owner}/${f.slug}`)).toEqual([`${carol.username}/my-mandelbrot`]);
    const fromRoot = await getForkNetwork({ owner: alice.username, slug: source.slug });
    expect(fromRoot.tree.forks[0]?.forks[0]?.owner).toBe(carol.username);
    expect((await rowOf(alice, source.slug))!.head).toBe(source.head);
  });

  it("gives two concurrent forks by one user distinct names and repositories", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const source = await createSnippet({ actor: alice, title: "Lissajous", files: [{ path: "l.py", content: "a, b = 3, 2\n" }] });
    const forks = await Promise.all([1, 2].map(() => forkSnippet({ actor: bob, owner: alice.username, slug: source.slug })));
    expect(forks.map((f) => f.slug).sort()).toEqual(["lissajous", "lissajous-2"]);
    const rows = await getDb().snippet.findMany({ where: { ownerId: bob.id }, select: { repoPath: true } });
    expect(new Set(rows.map((r) => r.repoPath)).size).toBe(2);
    for (const r of rows) {
      fsck(dirOf(r.repoPath));
      expect(git(dirOf(r.repoPath), "show", "HEAD:l.py")).toBe("a, b = 3, 2\n");
    }
  });

  it("picks a free name when the forker already has one like it, and refuses a taken explicit name", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const source = await createSnippet({ actor: alice, title: "Primes", files: [{ path: "p.py", content: "2\n" }] });
    await createSnippet({ actor: bob, title: "Primes", files: [{ path: "mine.py", content: "3\n" }] });
    const fork = await forkSnippet({ actor: bob, owner: alice.username, slug: source.slug });
    expect(fork.slug).toBe("primes-2");
    const e = await appError(forkSnippet({ actor: bob, owner: alice.username, slug: source.slug, newSlug: "primes" }));
    expect(e.code).toBe("CONFLICT");
    expect(await getDb().snippet.count({ where: { ownerId: bob.id } })).toBe(2);
  });
});

describe("deleteSnippet", () => {
  it("removes the row and the repository; forks survive and keep the name they came from", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const source = await createSnippet({ actor: alice, title: "Collatz", files: [{ path: "c.py", content: "n = 27\n" }] });
    const sourceRow = await rowOf(alice, source.slug);
    const fork = await forkSnippet({ actor: bob, owner: alice.username, slug: source.slug });

    const forbidden = await appError(deleteSnippet({ actor: bob, owner: alice.username, slug: source.slug }));
    expect(forbidden.code).toBe("FORBIDDEN");
    expect(existsSync(dirOf(sourceRow!.repoPath))).toBe(true);

    await deleteSnippet({ actor: alice, owner: alice.username, slug: source.slug });
    expect(await rowOf(alice, source.slug)).toBeNull();
    expect(existsSync(dirOf(sourceRow!.repoPath))).toBe(false);
    expect((await appError(getSnippet({ owner: alice.username, slug: source.slug }))).code).toBe("NOT_FOUND");
    expect((await appError(deleteSnippet({ actor: alice, owner: alice.username, slug: source.slug }))).code).toBe("NOT_FOUND");

    const forkRow = await rowOf(bob, fork.slug);
    expect(forkRow).toMatchObject({ forkedFromId: null, forkedFromName: `${alice.username}/${source.slug}` });
    const forkDir = dirOf(forkRow!.repoPath);
    fsck(forkDir);
    expect(git(forkDir, "show", "HEAD:c.py")).toBe("n = 27\n");
    const shown = await getSnippet({ owner: bob.username, slug: fork.slug });
    expect(shown.snippet.forkedFrom).toEqual({ owner: alice.username, slug: source.slug, deleted: true });
    const network = await getForkNetwork({ owner: bob.username, slug: fork.slug });
    expect(network.ancestors).toMatchObject([{ owner: alice.username, slug: source.slug, deleted: true }]);
  });
});

describe("listSnippets", () => {
  it("shows unlisted snippets only to their owner, and only in the owner's own list", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    await createSnippet({ actor: alice, title: "Open", files: [{ path: "a.txt", content: "a" }] });
    await createSnippet({ actor: alice, title: "Hidden", visibility: "unlisted", files: [{ path: "b.txt", content: "b" }] });

    const slugs = async (options: Parameters<typeof listSnippets>[0]) =>
      (await listSnippets(options)).items
        .filter((s) => s.owner === alice.username)
        .map((s) => s.slug)
        .sort();
    expect(await slugs({ actor: alice, owner: alice.username })).toEqual(["hidden", "open"]);
    expect(await slugs({ actor: bob, owner: alice.username })).toEqual(["open"]);
    expect(await slugs({ actor: null, owner: alice.username })).toEqual(["open"]);
    expect(await slugs({ actor: alice, perPage: 100 })).toEqual(["open"]);

    // Unlisted still means readable by whoever has the URL.
    const hidden = await getSnippet({ owner: alice.username, slug: "hidden" });
    expect(hidden.snippet.visibility).toBe("unlisted");
  });

  it("pages through a user's snippets, newest first", async () => {
    const alice = await newUser("alice");
    for (const n of [1, 2, 3]) await createSnippet({ actor: alice, title: `Page ${n}`, files: [{ path: "a.txt", content: `${n}` }] });
    const first = await listSnippets({ owner: alice.username, perPage: 2 });
    expect(first.items.map((s) => s.slug)).toEqual(["page-3", "page-2"]);
    expect(first.hasNext).toBe(true);
    const second = await listSnippets({ owner: alice.username, perPage: 2, page: 2 });
    expect(second.items.map((s) => s.slug)).toEqual(["page-1"]);
    expect(second.hasNext).toBe(false);
  });
});
