/**
 * Ratings, view and run counts, licenses (with the LICENSE file of the ZIP), related snippets,
 * code traits and thumbnails against a real database and real repositories. Each test checks
 * what a reader would see: the numbers on the page and in lists, what a fork may do, what the
 * ZIP holds (read with Python's zipfile, not with the code under test).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/auth/client-address";
import { PEER_HEADER } from "@/lib/auth/peer-header";
import { getDb } from "@/lib/db/client";
import { getRating } from "@/lib/ratings/get-rating";
import { rateSnippet } from "@/lib/ratings/rate-snippet";
import { archiveSnippet } from "@/lib/snippets/archive-snippet";
import { backfillCodeTraits } from "@/lib/snippets/backfill-code-traits";
import { countHit, type TVisitor } from "@/lib/snippets/count-hit";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { getThumbnail } from "@/lib/snippets/get-thumbnail";
import { listRelated } from "@/lib/snippets/related";
import { saveThumbnail } from "@/lib/snippets/save-thumbnail";
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

async function newSnippet(owner: TActor, extra: { license?: string; files?: { path: string; content: string }[] } = {}) {
  return createSnippet({
    actor: owner,
    title: uniqueName("Snippet"),
    files: extra.files ?? [{ path: "main.py", content: "print(1)\n" }],
    ...(extra.license ? { license: extra.license } : {}),
  });
}

async function summaryOf(s: { owner: string; slug: string }) {
  return (await getSnippet({ owner: s.owner, slug: s.slug })).snippet;
}

const anonymous = (address: string): TVisitor => ({ actor: null, address });

describe("ratings", () => {
  it("averages 1–5 stars, lets a reader change or take back theirs, and shows the reader's own", async () => {
    const owner = await newUser("owner");
    const [a, b, c] = [await newUser("a"), await newUser("b"), await newUser("c")];
    const s = await newSnippet(owner);
    expect((await summaryOf(s)).rating).toEqual({ average: null, count: 0 });

    await rateSnippet({ actor: a, owner: s.owner, slug: s.slug, stars: 5 });
    await rateSnippet({ actor: b, owner: s.owner, slug: s.slug, stars: 2 });
    expect((await summaryOf(s)).rating).toEqual({ average: 3.5, count: 2 });

    // Changing a rating moves the average, not the count.
    expect(await rateSnippet({ actor: b, owner: s.owner, slug: s.slug, stars: 4 })).toEqual({ average: 4.5, count: 2, mine: 4 });
    await rateSnippet({ actor: c, owner: s.owner, slug: s.slug, stars: 3 });
    expect((await summaryOf(s)).rating).toEqual({ average: 4, count: 3 });
    expect(await getRating({ actor: c, owner: s.owner, slug: s.slug })).toEqual({ average: 4, count: 3, mine: 3 });
    expect((await getRating({ actor: null, owner: s.owner, slug: s.slug })).mine).toBeNull();

    // Taking one back.
    expect(await rateSnippet({ actor: a, owner: s.owner, slug: s.slug, stars: null })).toEqual({ average: 3.5, count: 2, mine: null });
  });

  it("keeps exact counters under concurrent ratings of one snippet", async () => {
    const owner = await newUser("owner");
    const raters = await Promise.all(Array.from({ length: 8 }, () => newUser("r")));
    const s = await newSnippet(owner);
    await Promise.all(raters.map((r, i) => rateSnippet({ actor: r, owner: s.owner, slug: s.slug, stars: (i % 5) + 1 })));
    const row = await getDb().snippet.findUniqueOrThrow({ where: { id: s.id } });
    expect({ count: row.ratingCount, sum: row.ratingSum }).toEqual({ count: 8, sum: 1 + 2 + 3 + 4 + 5 + 1 + 2 + 3 });
  });

  it("refuses anonymous readers, the owner, and stars outside 1–5", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const s = await newSnippet(owner);
    expect(await appError(rateSnippet({ actor: null, owner: s.owner, slug: s.slug, stars: 4 }))).toMatchObject({ code: "UNAUTHORIZED" });
    expect(await appError(rateSnippet({ actor: owner, owner: s.owner, slug: s.slug, stars: 5 }))).toMatchObject({
      code: "FORBIDDEN",
      message: "You cannot rate your own snippet.",
    });
    for (const stars of [0, 6, 3.5]) {
      expect(await appError(rateSnippet({ actor: reader, owner: s.owner, slug: s.slug, stars }))).toMatchObject({ code: "INVALID" });
    }
    expect(await appError(rateSnippet({ actor: reader, owner: s.owner, slug: "no-such-snippet", stars: 3 }))).toMatchObject({ code: "NOT_FOUND" });
    expect((await summaryOf(s)).rating).toEqual({ average: null, count: 0 });
  });
});

describe("view and run counts", () => {
  it("counts each visitor once a day per kind, and never the owner", async () => {
    const owner = await newUser("owner");
    const reader = await newUser("reader");
    const s = await newSnippet(owner);
    const view = (visitor: TVisitor) => countHit({ owner: s.owner, slug: s.slug, kind: "view", visitor });

    expect(await view({ actor: owner, address: null })).toEqual({ counted: false });
    expect(await view({ actor: reader, address: null })).toEqual({ counted: true });
    expect(await view({ actor: reader, address: "203.0.113.1" })).toEqual({ counted: false });
    expect(await view(anonymous("203.0.113.9"))).toEqual({ counted: true });
    expect(await view(anonymous("203.0.113.9"))).toEqual({ counted: false });
    expect(await view(anonymous("203.0.113.10"))).toEqual({ counted: true });
    // Nothing to tell an anonymous visitor apart by: not counted rather than counted every time.
    expect(await view({ actor: null, address: null })).toEqual({ counted: false });

    // A run is its own count: the same reader's first run of the day counts.
    expect(await countHit({ owner: s.owner, slug: s.slug, kind: "run", visitor: { actor: reader, address: null } })).toEqual({ counted: true });
    expect(await countHit({ owner: s.owner, slug: s.slug, kind: "run", visitor: { actor: reader, address: null } })).toEqual({ counted: false });
    expect(await countHit({ owner: s.owner, slug: s.slug, kind: "run", visitor: { actor: owner, address: null } })).toEqual({ counted: false });

    const summary = await summaryOf(s);
    expect({ views: summary.viewCount, runs: summary.runCount }).toEqual({ views: 3, runs: 1 });
  });

  it("counts the same visitor again on a new day", async () => {
    const owner = await newUser("owner");
    const s = await newSnippet(owner);
    const visitor = anonymous("203.0.113.33");
    await countHit({ owner: s.owner, slug: s.slug, kind: "view", visitor });
    // Yesterday's hit of the same visitor (as if counted then) does not stop today's.
    await getDb().snippetHit.updateMany({ where: { snippetId: s.id }, data: { day: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10) } });
    expect(await countHit({ owner: s.owner, slug: s.slug, kind: "view", visitor })).toEqual({ counted: true });
    expect((await summaryOf(s)).viewCount).toBe(2);
    expect(await appError(countHit({ owner: s.owner, slug: "missing", kind: "view", visitor }))).toMatchObject({ code: "NOT_FOUND" });
  });

  it("stores no raw address", async () => {
    const owner = await newUser("owner");
    const s = await newSnippet(owner);
    await countHit({ owner: s.owner, slug: s.slug, kind: "view", visitor: anonymous("198.51.100.7") });
    await countHit({ owner: s.owner, slug: s.slug, kind: "view", visitor: anonymous("198.51.100.8") });
    const rows = await getDb().snippetHit.findMany({ where: { snippetId: s.id } });
    expect(rows).toHaveLength(2);
    for (const r of rows) expect(r.visitor).not.toMatch(/198\.51/);
  });

  it("a client cannot count its own views again by changing cookies or X-Forwarded-For", async () => {
    const owner = await newUser("owner");
    const s = await newSnippet(owner);
    // As the view beacon's route counts an anonymous reader: by the address of the request.
    const beacon = (headers: Record<string, string>) =>
      countHit({ owner: s.owner, slug: s.slug, kind: "view", visitor: { actor: null, address: clientAddress(new Headers(headers)) } });
    // The same socket address, with a fresh cookie and a made-up forwarded address each time.
    for (let i = 0; i < 5; i++) {
      await beacon({ [PEER_HEADER]: "192.0.2.50", cookie: `cellar_visitor=fresh${i}-${uniqueName("c")}`, "x-forwarded-for": `10.0.0.${i}` });
    }
    expect((await summaryOf(s)).viewCount).toBe(1);
    // Another client (another socket address) is another view.
    await beacon({ [PEER_HEADER]: "192.0.2.51" });
    expect((await summaryOf(s)).viewCount).toBe(2);
  });
});

describe("licenses", () => {
  it("defaults to CC BY-SA 4.0, takes one from the list, and refuses others by name", async () => {
    const owner = await newUser("owner");
    expect((await summaryOf(await newSnippet(owner))).license).toMatchObject({
      id: "CC-BY-SA-4.0",
      name: "CC BY-SA 4.0",
      url: "https://creativecommons.org/licenses/by-sa/4.0/",
    });
    expect((await summaryOf(await newSnippet(owner, { license: "mit" }))).license.id).toBe("MIT");
    const bad = await appError(newSnippet(owner, { license: "WTFPL" }));
    expect(bad.code).toBe("INVALID");
    expect(bad.message).toMatch(/license must be one of CC-BY-SA-4.0, CC-BY-4.0, CC0-1.0, MIT, GPL-3.0-or-later, all-rights-reserved/);
  });

  it("lets an author change their own snippet's license at any time", async () => {
    const owner = await newUser("owner");
    const s = await newSnippet(owner, { license: "GPL-3.0-or-later" });
    await updateSnippet({ actor: owner, owner: s.owner, slug: s.slug, license: "all-rights-reserved" });
    expect((await summaryOf(s)).license.name).toBe("All rights reserved");
  });

  it("forks keep share-alike and all-rights-reserved licenses; permissive ones may change", async () => {
    const author = await newUser("author");
    const forker = await newUser("forker");
    for (const license of ["CC-BY-SA-4.0", "GPL-3.0-or-later", "all-rights-reserved"]) {
      const s = await newSnippet(author, { license });
      expect(await appError(forkSnippet({ actor: forker, owner: s.owner, slug: s.slug, license: "MIT" }))).toMatchObject({
        code: "FORBIDDEN",
        message: expect.stringContaining("keeps its source's license"),
      });
      const fork = await forkSnippet({ actor: forker, owner: s.owner, slug: s.slug });
      expect((await summaryOf(fork)).license.id).toBe(license);
      expect(await appError(updateSnippet({ actor: forker, owner: fork.owner, slug: fork.slug, license: "CC0-1.0" }))).toMatchObject({ code: "FORBIDDEN" });
      expect((await summaryOf(fork)).license.id).toBe(license);
    }
    for (const license of ["CC0-1.0", "MIT", "CC-BY-4.0"]) {
      const s = await newSnippet(author, { license });
      const fork = await forkSnippet({ actor: forker, owner: s.owner, slug: s.slug, license: "CC-BY-SA-4.0" });
      expect((await summaryOf(fork)).license.id).toBe("CC-BY-SA-4.0");
      // Now share-alike: the fork cannot leave it again.
      expect(await appError(updateSnippet({ actor: forker, owner: fork.owner, slug: fork.slug, license }))).toMatchObject({ code: "FORBIDDEN" });
      const kept = await forkSnippet({ actor: forker, owner: s.owner, slug: s.slug });
      expect((await summaryOf(kept)).license.id).toBe(license);
      await updateSnippet({ actor: forker, owner: kept.owner, slug: kept.slug, license: "all-rights-reserved" });
      expect((await summaryOf(kept)).license.id).toBe("all-rights-reserved");
    }
  });

  it("puts a LICENSE file naming the license and every author into the ZIP", async () => {
    const author = await newUser("author");
    const forker = await newUser("forker");
    const s = await newSnippet(author, { license: "MIT" });
    const fork = await forkSnippet({ actor: forker, owner: s.owner, slug: s.slug });
    const { head } = await getSnippet({ owner: fork.owner, slug: fork.slug });
    await updateSnippet({ actor: forker, owner: fork.owner, slug: fork.slug, base: head, files: [{ path: "main.py", content: "print(2)\n" }] });
    const mit = await unzip(fork.owner, fork.slug);
    const prefix = Object.keys(mit)[0]?.split("/")[0];
    expect(Object.keys(mit).sort()).toEqual([`${prefix}/LICENSE`, `${prefix}/main.py`]);
    const text = mit[`${prefix}/LICENSE`] ?? "";
    expect(text).toContain(`Copyright (c) ${new Date().getUTCFullYear()} ${forker.username}, ${author.username}`);
    expect(text).toContain("Permission is hereby granted, free of charge");

    const own = await newSnippet(author, {
      license: "CC-BY-SA-4.0",
      files: [
        { path: "main.py", content: "x\n" },
        { path: "LICENSE", content: "my own words\n" },
      ],
    });
    const both = await unzip(own.owner, own.slug);
    const ownPrefix = Object.keys(both)[0]?.split("/")[0];
    expect(both[`${ownPrefix}/LICENSE`]).toBe("my own words\n");
    expect(both[`${ownPrefix}/LICENSE.cellar.txt`]).toContain("https://creativecommons.org/licenses/by-sa/4.0/legalcode");
  });
});

describe("related snippets and tags", () => {
  it("shows the owner's related snippets in order, named by owner/slug or address", async () => {
    const owner = await newUser("owner");
    const other = await newUser("other");
    const s = await newSnippet(owner);
    const r1 = await newSnippet(other);
    const r2 = await newSnippet(owner);
    await updateSnippet({
      actor: owner,
      owner: s.owner,
      slug: s.slug,
      relatedSnippets: [`https://cellar.example/${r2.owner}/${r2.slug}`, `${r1.owner}/${r1.slug}`, " "],
      relatedTags: ["Linear Algebra/eigenvalues"],
    });
    expect((await listRelated(s)).map((r) => r.url)).toEqual([r2.url, r1.url]);
    expect((await summaryOf(s)).relatedTags).toEqual(["linear-algebra/eigenvalues"]);

    expect(await appError(updateSnippet({ actor: owner, owner: s.owner, slug: s.slug, relatedSnippets: [`${r1.owner}/nope`] }))).toMatchObject({
      code: "INVALID",
      message: `Related snippet ${r1.owner}/nope does not exist.`,
    });
    expect(await appError(updateSnippet({ actor: owner, owner: s.owner, slug: s.slug, relatedSnippets: [`${s.owner}/${s.slug}`] }))).toMatchObject({
      code: "INVALID",
    });
    expect(await appError(updateSnippet({ actor: other, owner: s.owner, slug: s.slug, relatedSnippets: [] }))).toMatchObject({ code: "FORBIDDEN" });
    // Refused edits changed nothing.
    expect((await listRelated(s)).map((r) => r.url)).toEqual([r2.url, r1.url]);
  });
});

describe("code traits and thumbnails", () => {
  it("sets language and hasInteracts on create and on each new revision; forks take them over", async () => {
    const owner = await newUser("owner");
    const s = await newSnippet(owner, { files: [{ path: "main.py", content: "@interact\ndef f(n=1):\n    print(n)\n" }] });
    expect(await summaryOf(s)).toMatchObject({ language: "python", hasInteracts: true });
    const fork = await forkSnippet({ actor: await newUser("forker"), owner: s.owner, slug: s.slug });
    expect(await summaryOf(fork)).toMatchObject({ language: "python", hasInteracts: true });
    const { head } = await getSnippet({ owner: s.owner, slug: s.slug });
    await updateSnippet({ actor: owner, owner: s.owner, slug: s.slug, base: head, files: [{ path: "solve.jl", content: "println(1)\n" }] });
    expect(await summaryOf(s)).toMatchObject({ language: "julia", hasInteracts: false });
  });

  it("backfills the language and hasInteracts of rows made before they were derived, from each head", async () => {
    const owner = await newUser("owner");
    const julia = await newSnippet(owner, { files: [{ path: "solve.jl", content: "println(1)\n" }] });
    const interact = await newSnippet(owner, { files: [{ path: "main.py", content: "@interact\ndef f(n=1):\n    print(n)\n" }] });
    // What the migration left on older rows: the columns' defaults.
    await getDb().snippet.updateMany({ where: { id: { in: [julia.id, interact.id] } }, data: { language: "python", hasInteracts: false } });
    expect(await summaryOf(julia)).toMatchObject({ language: "python" });
    expect(await backfillCodeTraits()).toBeGreaterThanOrEqual(2);
    expect(await summaryOf(julia)).toMatchObject({ language: "julia", hasInteracts: false });
    expect(await summaryOf(interact)).toMatchObject({ language: "python", hasInteracts: true });
  });

  it("keeps the first image of a revision; cards show the latest revision's, forks start with it", async () => {
    const owner = await newUser("owner");
    const s = await newSnippet(owner);
    const png = (n: number) => Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.from([n])]);
    expect((await summaryOf(s)).thumbnailUrl).toBeNull();
    expect(await saveThumbnail({ snippetId: s.id, rev: s.head, mime: "image/png", bytes: png(1) })).toBe(true);
    expect(await saveThumbnail({ snippetId: s.id, rev: s.head, mime: "image/png", bytes: png(2) })).toBe(false);
    expect((await summaryOf(s)).thumbnailUrl).toBe(`/${s.owner}/${s.slug}/thumbnail?rev=${s.head}`);
    expect(Buffer.from((await getThumbnail({ owner: s.owner, slug: s.slug })).bytes)).toEqual(png(1));

    const { head } = await updateSnippet({ actor: owner, owner: s.owner, slug: s.slug, base: s.head, files: [{ path: "main.py", content: "print(2)\n" }] });
    // The new revision has none yet: cards keep the older one until it does.
    expect((await summaryOf(s)).thumbnailUrl).toContain(s.head);
    await saveThumbnail({ snippetId: s.id, rev: head, mime: "image/png", bytes: png(3) });
    expect((await summaryOf(s)).thumbnailUrl).toContain(head);
    expect(Buffer.from((await getThumbnail({ owner: s.owner, slug: s.slug, rev: s.head })).bytes)).toEqual(png(1));

    const fork = await forkSnippet({ actor: await newUser("forker"), owner: s.owner, slug: s.slug });
    expect(Buffer.from((await getThumbnail({ owner: fork.owner, slug: fork.slug })).bytes)).toEqual(png(3));
    expect(await appError(getThumbnail({ owner: s.owner, slug: s.slug, rev: "0".repeat(40) }))).toMatchObject({ code: "NOT_FOUND" });
  });
});

/** The ZIP of a snippet's latest revision, read with Python's zipfile: {name: text}. */
async function unzip(owner: string, slug: string): Promise<Record<string, string>> {
  const { stream } = await archiveSnippet({ owner, slug, rev: "HEAD" });
  const dir = mkdtempSync(path.join(tmpdir(), "cellar-zip-"));
  try {
    const file = path.join(dir, "a.zip");
    writeFileSync(file, Buffer.concat(await stream.toArray()));
    const script =
      "import sys, json, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps({i.filename: z.read(i).decode() for i in z.infolist()}))";
    return JSON.parse(execFileSync("python3", ["-c", script, file], { encoding: "utf8" })) as Record<string, string>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
