/**
 * Hierarchical tags and the snippet lists built on them, against a real database (PostgreSQL and
 * PGlite): counts per tag path with descendants, a tag's list with its descendants, combined
 * filters, the sorts (top rated by Bayesian average), pagination and tag suggestions.
 *
 * The database is shared with the other test files, so every test tags under its own unique
 * root and only looks below it. Counters (votes, runs, views) are set on the rows directly: they
 * are what the rating and hit operations keep, and this file tests the lists that read them.
 */
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { listSnippets } from "@/lib/snippets/list-snippets";
import type { TActor, TVisibility } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { buildTagTree } from "@/lib/tags/build-tag-tree";
import { cachedTagCounts, listenForTagCounts } from "@/lib/tags/cached-tag-counts";
import { countTags } from "@/lib/tags/count-tags";
import { suggestTags } from "@/lib/tags/suggest-tags";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

async function newUser(prefix = "u"): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

type TCounters = { hasInteracts?: boolean; language?: string; ratingCount?: number; ratingSum?: number; runCount?: number; viewCount?: number };

/** A snippet with these tags (and counters), returning its slug. */
async function snippet(actor: TActor, title: string, tags: string[], counters: TCounters = {}, visibility: TVisibility = "public"): Promise<string> {
  const created = await createSnippet({ actor, title, tags, visibility, files: [{ path: "main.py", content: `print(${JSON.stringify(title)})\n` }] });
  if (Object.keys(counters).length > 0) await getDb().snippet.update({ where: { id: created.id }, data: counters });
  return created.slug;
}

const slugsOf = (page: { items: { slug: string }[] }) => page.items.map((s) => s.slug);

describe("tag counts", () => {
  it("counts each public snippet once under a tag and every ancestor, without the unlisted", async () => {
    const root = uniqueName("math");
    const ada = await newUser("ada");
    await snippet(ada, "Chain rule", [`${root}/calculus/derivatives/chain-rule`]);
    // Tagged with a path and its parent: counted once for both.
    await snippet(ada, "Power rule", [`${root}/calculus/derivatives`, `${root}/calculus`]);
    await snippet(ada, "Epsilon delta", [`${root}/calculus/limits`]);
    await snippet(ada, "Eigen", [`${root}/linear-algebra`]);
    await snippet(ada, "Secret", [`${root}/calculus/limits`, `${root}/hidden-only`], {}, "unlisted");

    const counts = await countTags({ under: root });
    expect(Object.fromEntries(counts)).toEqual({
      [root]: 4,
      [`${root}/calculus`]: 3,
      [`${root}/calculus/derivatives`]: 2,
      [`${root}/calculus/derivatives/chain-rule`]: 1,
      [`${root}/calculus/limits`]: 1,
      [`${root}/linear-algebra`]: 1,
    });

    // The whole-site tree has the same nodes, nested.
    const top = buildTagTree(await countTags()).find((n) => n.name === root);
    expect(top?.count).toBe(4);
    expect(top?.children.map((c) => [c.name, c.count])).toEqual([
      [`${root}/calculus`, 3],
      [`${root}/linear-algebra`, 1],
    ]);
  });

  it("moves a snippet's counts when its tags change", async () => {
    const root = uniqueName("move");
    const ada = await newUser("ada");
    const slug = await snippet(ada, "Mover", [`${root}/a`]);
    await updateSnippet({ actor: ada, owner: ada.username, slug, tags: [`${root}/b/c`] });
    expect(Object.fromEntries(await countTags({ under: root }))).toEqual({ [root]: 1, [`${root}/b`]: 1, [`${root}/b/c`]: 1 });
  });
});

describe("cached tag counts", () => {
  it("are reused until a snippet write forgets them", async () => {
    const root = uniqueName("cache");
    const ada = await newUser("ada");
    const first = await createSnippet({ actor: ada, title: "First", tags: [`${root}/a`], files: [{ path: "main.py", content: "1\n" }] });
    // On PostgreSQL, listen before reading (this file starts the process's listener here): its
    // connection forgets the counts once up, and the create's notification, sent before, is not
    // delivered to it. Announced writes of other processes: tag-counts-across-processes.test.ts.
    await listenForTagCounts();
    expect(Object.fromEntries(await cachedTagCounts(root))).toEqual({ [root]: 1, [`${root}/a`]: 1 });
    // A change that bypasses the snippet operations (a direct row edit, announced to nobody) is not seen yet...
    await getDb().snippetTag.deleteMany({ where: { snippetId: first.id } });
    expect(Object.fromEntries(await cachedTagCounts(root))).toEqual({ [root]: 1, [`${root}/a`]: 1 });
    // ...until a write through them forgets the cache.
    await snippet(ada, "Second", [`${root}/b`]);
    expect(Object.fromEntries(await cachedTagCounts(root))).toEqual({ [root]: 1, [`${root}/b`]: 1 });
  });
});

describe("listing a tag", () => {
  it("lists snippets under the tag and its descendants, not siblings that share letters", async () => {
    const root = uniqueName("geo");
    const ada = await newUser("ada");
    await snippet(ada, "Triangles", [`${root}/plane`]);
    await snippet(ada, "Incircle", [`${root}/plane/triangles/circles`]);
    await snippet(ada, "Planets", [`${root}/planet`]);
    await snippet(ada, "Hidden plane", [`${root}/plane`], {}, "unlisted");

    expect(slugsOf(await listSnippets({ tag: `${root}/plane`, sort: "created" }))).toEqual(["incircle", "triangles"]);
    expect(slugsOf(await listSnippets({ tag: root, sort: "created" }))).toEqual(["planets", "incircle", "triangles"]);
    // Typed tags are normalised like the form does.
    expect(slugsOf(await listSnippets({ tag: ` ${root.toUpperCase()} / Plane / Triangles ` }))).toEqual(["incircle"]);
  });

  it("combines several tags, author, language and has-interacts", async () => {
    const root = uniqueName("mix");
    const ada = await newUser("ada");
    const bob = await newUser("bob");
    await snippet(ada, "Both", [`${root}/calculus/limits`, `${root}/numerics`], { hasInteracts: true });
    await snippet(ada, "Calculus only", [`${root}/calculus`], { hasInteracts: true });
    await snippet(bob, "Bob both", [`${root}/calculus`, `${root}/numerics/ode`], { hasInteracts: true });
    await snippet(ada, "Static both", [`${root}/calculus`, `${root}/numerics`]);
    await snippet(ada, "R both", [`${root}/calculus`, `${root}/numerics`], { hasInteracts: true, language: "r" });

    const list = (o: Parameters<typeof listSnippets>[0]) => listSnippets({ sort: "created", ...o }).then(slugsOf);
    expect(await list({ tags: [`${root}/calculus`, `${root}/numerics`] })).toEqual(["r-both", "static-both", "bob-both", "both"]);
    expect(await list({ tags: [`${root}/calculus`, `${root}/numerics`], owner: ada.username })).toEqual(["r-both", "static-both", "both"]);
    expect(await list({ tags: [`${root}/calculus`, `${root}/numerics`], owner: ada.username, hasInteracts: true })).toEqual(["r-both", "both"]);
    expect(await list({ tags: [`${root}/calculus`, `${root}/numerics`], owner: ada.username, hasInteracts: true, language: "python" })).toEqual(["both"]);
    expect(await list({ tags: [root], hasInteracts: false })).toEqual(["static-both"]);
  });

  it("refuses a tag that is not one, naming it", async () => {
    const e = await listSnippets({ tags: ["calculus//x"] }).catch((err: unknown) => err);
    expect(isAppError(e) && e.code === "INVALID" && e.message.includes("calculus//x")).toBe(true);
  });
});

describe("sorting and pages", () => {
  it("ranks by Bayesian average: one 5-star vote does not beat many 4.5s, and low votes sink below unrated", async () => {
    const root = uniqueName("rated");
    const ada = await newUser("ada");
    // Many middling votes pull the site's mean (the prior) near 3 whatever other tests rated.
    await snippet(ada, "Middling", [`${root}/bulk`], { ratingCount: 400, ratingSum: 1200 });
    await snippet(ada, "One five", [root], { ratingCount: 1, ratingSum: 5 });
    await snippet(ada, "Ten at four and a half", [root], { ratingCount: 10, ratingSum: 45 });
    await snippet(ada, "Four fours", [root], { ratingCount: 4, ratingSum: 16 });
    await snippet(ada, "Unrated", [root]);
    await snippet(ada, "Four ones", [root], { ratingCount: 4, ratingSum: 4 });

    const order = slugsOf(await listSnippets({ tag: root, sort: "rating" })).filter((s) => s !== "middling");
    expect(order).toEqual(["ten-at-four-and-a-half", "four-fours", "one-five", "unrated", "four-ones"]);
    // Only rated snippets in the home page's top-rated list.
    expect(slugsOf(await listSnippets({ tag: root, sort: "rating", ratedOnly: true }))).not.toContain("unrated");
  });

  it("sorts by runs, views and newest, and pages without repeats", async () => {
    const root = uniqueName("count");
    const ada = await newUser("ada");
    await snippet(ada, "A", [root], { runCount: 5, viewCount: 1 });
    await snippet(ada, "B", [root], { runCount: 50, viewCount: 2 });
    await snippet(ada, "C", [root], { runCount: 1, viewCount: 300 });

    expect(slugsOf(await listSnippets({ tag: root, sort: "runs" }))).toEqual(["b", "a", "c"]);
    expect(slugsOf(await listSnippets({ tag: root, sort: "views" }))).toEqual(["c", "b", "a"]);
    expect(slugsOf(await listSnippets({ tag: root, sort: "created" }))).toEqual(["c", "b", "a"]);

    const first = await listSnippets({ tag: root, sort: "runs", perPage: 2 });
    const second = await listSnippets({ tag: root, sort: "runs", perPage: 2, page: 2 });
    expect([slugsOf(first), first.hasNext, slugsOf(second), second.hasNext]).toEqual([["b", "a"], true, ["c"], false]);
  });
});

describe("tag suggestions", () => {
  it("completes a prefix or a part, ancestors included, most used first, unlisted unseen", async () => {
    const root = uniqueName("sugg");
    const ada = await newUser("ada");
    await snippet(ada, "One", [`${root}/derivatives`]);
    await snippet(ada, "Two", [`${root}/derivatives`, `${root}/differential-equations`]);
    await snippet(ada, "Three", [`${root}/diffusion`]);
    await snippet(ada, "Four", [`${root}/differential-equations`]);
    await snippet(ada, "Five", [`${root}/differential-equations`]);
    await snippet(ada, "Secret", [`${root}/dissertation`], {}, "unlisted");

    const byPrefix = suggestTags(await countTags(), { prefix: `${root}/di` });
    expect(byPrefix.items).toEqual([
      { name: `${root}/differential-equations`, count: 3 },
      { name: `${root}/diffusion`, count: 1 },
    ]);
    // The ancestor path, with every snippet below it.
    expect(suggestTags(await countTags(), { prefix: root }).items[0]).toEqual({ name: root, count: 5 });
    // A part of the path: "deriv" finds "<root>/derivatives".
    const byPart = suggestTags(await countTags(), { prefix: "deriv", perPage: 50 });
    expect(byPart.items).toContainEqual({ name: `${root}/derivatives`, count: 2 });

    const paged = suggestTags(await countTags(), { prefix: `${root}/`, perPage: 2 });
    expect([paged.items.length, paged.hasNext]).toEqual([2, true]);
    expect(suggestTags(await countTags(), { prefix: `${root}/`, perPage: 2, page: 2 }).items).toEqual([{ name: `${root}/diffusion`, count: 1 }]);
    // Typed as the tag field normalises it: case and spaces.
    expect(suggestTags(await countTags(), { prefix: ` ${root.toUpperCase()} / Diff` }).items.map((t) => t.name)).toEqual([
      `${root}/differential-equations`,
      `${root}/diffusion`,
    ]);
  });
});
