/**
 * The per-user storage quota (USER_STORAGE_BYTES) against a real database and real repositories:
 * a create, edit or fork that would take a user past it is a 413 naming the quota, and leaves
 * no row, no repository and no revision behind; deletions give the room back.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { POST as createSnippetRoute } from "@/app/api/v1/snippets/route";
import { getDb } from "@/lib/db/client";
import { getEnv, resetEnvForTests } from "@/lib/env";
import { repoPathFor } from "@/lib/repos";
import { backfillStorage } from "@/lib/snippets/backfill-storage";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import type { TActor } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

const KB = 1024;

beforeAll(() => {
  // 100 KB: small enough that a few files fill it (the files of one snippet may hold 5 MB).
  process.env.USER_STORAGE_BYTES = String(100 * KB);
  resetEnvForTests();
});

async function newUser(prefix: string): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

/** `n` bytes of text no other file has (so git stores a new blob for it). */
function text(n: number): string {
  const seed = `${uniqueName("f")}\n`;
  return seed + "x".repeat(n - seed.length);
}

async function usage(user: TActor): Promise<number> {
  return (await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { storageBytes: true } })).storageBytes;
}

function repoOf(owner: string, slug: string): string {
  return path.join(getEnv().reposDir, repoPathFor(`${owner}/${slug}`));
}

describe("the storage quota", () => {
  it("refuses a create past the quota with a 413 naming it, and stores nothing", async () => {
    const alice = await newUser("alice");
    await createSnippet({ actor: alice, title: "First", files: [{ path: "data.txt", content: text(60 * KB) }] });
    expect(await usage(alice)).toBe(60 * KB);

    const e = await appError(
      createSnippet({
        actor: alice,
        title: "Second",
        files: [
          { path: "more.txt", content: text(50 * KB) },
          { path: "main.py", content: "print(1)\n" },
        ],
      }),
    );
    expect(e.status).toBe(413);
    expect(e.message).toBe(
      "Your snippets use 60 KB of your 100 KB; this change needs 50 KB more. Delete snippets you no longer need, or make the change smaller.",
    );
    expect(await getDb().snippet.count({ where: { ownerId: alice.id, slug: "second" } })).toBe(0);
    expect(existsSync(repoOf(alice.username, "second"))).toBe(false);
    expect(await usage(alice)).toBe(60 * KB);
  });

  it("counts a content once however many files hold it, and lets a write that fits in", async () => {
    const bob = await newUser("bob");
    const same = text(30 * KB);
    await createSnippet({
      actor: bob,
      title: "Twins",
      files: [
        { path: "a.txt", content: same },
        { path: "b.txt", content: same },
      ],
    });
    expect(await usage(bob)).toBe(30 * KB);
    await createSnippet({ actor: bob, title: "Fits", files: [{ path: "c.txt", content: text(70 * KB) }] });
    expect(await usage(bob)).toBe(100 * KB);
  });

  it("refuses an edit whose new contents do not fit, keeping the head, and charges only what an edit adds", async () => {
    const carol = await newUser("carol");
    const kept = text(40 * KB);
    const created = await createSnippet({ actor: carol, title: "Notes", files: [{ path: "a.txt", content: kept }] });
    const dir = repoOf(carol.username, created.slug);

    const e = await appError(
      updateSnippet({
        actor: carol,
        owner: carol.username,
        slug: created.slug,
        base: created.head,
        files: [
          { path: "a.txt", content: kept },
          { path: "b.txt", content: text(70 * KB) },
        ],
      }),
    );
    expect(e.status).toBe(413);
    expect(e.message).toContain("Your snippets use 40 KB of your 100 KB; this change needs 70 KB more.");
    expect(execFileSync("git", ["-C", dir, "rev-parse", "main"], { encoding: "utf8" }).trim()).toBe(created.head);
    expect((await getDb().snippet.findFirstOrThrow({ where: { id: created.id } })).head).toBe(created.head);
    expect(await usage(carol)).toBe(40 * KB);

    // A rename plus a small new file: only the new file's bytes are charged.
    const small = text(5 * KB);
    const edited = await updateSnippet({
      actor: carol,
      owner: carol.username,
      slug: created.slug,
      base: created.head,
      files: [
        { path: "renamed.txt", content: kept },
        { path: "c.txt", content: small },
      ],
    });
    expect(edited.changed).toBe(true);
    expect(await usage(carol)).toBe(45 * KB);
    expect((await getDb().snippet.findFirstOrThrow({ where: { id: created.id } })).storageBytes).toBe(45 * KB);

    // A stale edit makes no revision and charges nothing.
    const stale = await appError(
      updateSnippet({ actor: carol, owner: carol.username, slug: created.slug, base: created.head, files: [{ path: "d.txt", content: text(KB) }] }),
    );
    expect(stale.status).toBe(409);
    expect(await usage(carol)).toBe(45 * KB);
  });

  it("charges a fork what its source was charged, refuses one that does not fit, and a deletion gives room back", async () => {
    const dan = await newUser("dan");
    const erin = await newUser("erin");
    const source = await createSnippet({ actor: dan, title: "Big data", files: [{ path: "data.txt", content: text(60 * KB) }] });
    const own = await createSnippet({ actor: erin, title: "Mine", files: [{ path: "mine.txt", content: text(50 * KB) }] });

    const e = await appError(forkSnippet({ actor: erin, owner: dan.username, slug: source.slug }));
    expect(e.status).toBe(413);
    expect(e.message).toContain("Your snippets use 50 KB of your 100 KB; this change needs 60 KB more.");
    expect(await getDb().snippet.count({ where: { ownerId: erin.id } })).toBe(1);
    expect(existsSync(repoOf(erin.username, source.slug))).toBe(false);

    await deleteSnippet({ actor: erin, owner: erin.username, slug: own.slug });
    expect(await usage(erin)).toBe(0);
    const fork = await forkSnippet({ actor: erin, owner: dan.username, slug: source.slug });
    expect(existsSync(repoOf(erin.username, fork.slug))).toBe(true);
    expect(await usage(erin)).toBe(60 * KB);
    expect(await usage(dan)).toBe(60 * KB);
  });

  it("lets only one of two concurrent creates take the last room", async () => {
    const fay = await newUser("fay");
    const results = await Promise.allSettled([
      createSnippet({ actor: fay, title: "Left", files: [{ path: "l.txt", content: text(60 * KB) }] }),
      createSnippet({ actor: fay, title: "Right", files: [{ path: "r.txt", content: text(60 * KB) }] }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: "TOO_LARGE" });
    expect(await getDb().snippet.count({ where: { ownerId: fay.id } })).toBe(1);
    expect(await usage(fay)).toBe(60 * KB);
    const losing = (await getDb().snippet.count({ where: { ownerId: fay.id, slug: "left" } })) === 1 ? "right" : "left";
    expect(existsSync(repoOf(fay.username, losing))).toBe(false);
  });

  it("answers the API's create with 413 and the quota's numbers", async () => {
    const gus = await newUser("gus");
    const { token } = await createToken({ actor: gus, name: uniqueName("quota") });
    const body = JSON.stringify({ title: "Too big", files: [{ path: "big.txt", content: text(120 * KB) }] });
    const response = await createSnippetRoute(
      new Request("http://cellar.test/api/v1/snippets", {
        method: "POST",
        body,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      }),
      { params: Promise.resolve({}) },
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: "TOO_LARGE",
        message: "Your snippets use 0 bytes of your 100 KB; this change needs 120 KB more. Delete snippets you no longer need, or make the change smaller.",
        usedBytes: 0,
        quotaBytes: 100 * KB,
        neededBytes: 120 * KB,
      },
    });
    expect(await getDb().snippet.count({ where: { ownerId: gus.id } })).toBe(0);
  });

  it("charges snippets made before the quota for their whole history, once (bin/cellar storage)", async () => {
    const hal = await newUser("hal");
    const first = text(10 * KB);
    const created = await createSnippet({ actor: hal, title: "Old", files: [{ path: "a.txt", content: first }] });
    await updateSnippet({
      actor: hal,
      owner: hal.username,
      slug: created.slug,
      base: created.head,
      files: [
        { path: "a.txt", content: first },
        { path: "b.txt", content: text(20 * KB) },
      ],
    });
    // As a row written before the columns existed: nothing counted.
    await getDb().snippet.update({ where: { id: created.id }, data: { storageBytes: 0 } });
    await getDb().user.update({ where: { id: hal.id }, data: { storageBytes: 0 } });

    expect(await backfillStorage()).toBeGreaterThanOrEqual(1);
    expect(await usage(hal)).toBe(30 * KB);
    expect((await getDb().snippet.findUniqueOrThrow({ where: { id: created.id } })).storageBytes).toBe(30 * KB);
    await backfillStorage();
    expect(await usage(hal)).toBe(30 * KB);
    // And the quota now sees it.
    const e = await appError(createSnippet({ actor: hal, title: "New", files: [{ path: "c.txt", content: text(80 * KB) }] }));
    expect(e.message).toContain("Your snippets use 30 KB of your 100 KB; this change needs 80 KB more.");
  });
});
