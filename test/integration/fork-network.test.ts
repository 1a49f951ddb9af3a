/**
 * Fork networks and activity against a real database and real repositories: which network a
 * snippet joins, the network tree with each fork's latest commit and its commits ahead and
 * behind (judged against git's own count), comparing with a fork, credit lines, and the activity
 * a reader sees on a snippet's page and on a user's page.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { recordActivity } from "@/lib/activity/record-activity";
import { listNetworkActivity } from "@/lib/activity/list-network-activity";
import { listUserActivity } from "@/lib/activity/list-user-activity";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { compareWithFork } from "@/lib/snippets/compare-with-fork";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { getCredits } from "@/lib/snippets/get-credits";
import { listForkNetwork } from "@/lib/snippets/list-fork-network";
import type { TActor } from "@/lib/snippets/schema";
import { updateSnippet } from "@/lib/snippets/update-snippet";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

async function newUser(prefix = "u"): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

type TRef = { owner: string; slug: string; head: string };

/** A new revision of `s` (by its owner) whose one file says `text`. */
async function commit(actor: TActor, s: TRef, text: string, message: string): Promise<TRef> {
  const { head } = await updateSnippet({ actor, owner: s.owner, slug: s.slug, base: s.head, message, files: [{ path: "main.py", content: text }] });
  return { ...s, head };
}

async function rowOf(s: { owner: string; slug: string }) {
  return getDb().snippet.findFirstOrThrow({ where: { slug: s.slug, owner: { username: s.owner } } });
}

/** `git rev-list --left-right --count a...b` across two repositories (fetched into a scratch clone). */
async function gitCount(a: { owner: string; slug: string }, b: { owner: string; slug: string }): Promise<[behind: number, ahead: number]> {
  const dirA = path.join(getEnv().reposDir, (await rowOf(a)).repoPath);
  const dirB = path.join(getEnv().reposDir, (await rowOf(b)).repoPath);
  const scratch = path.join(getEnv().reposDir, `scratch-${uniqueName("judge")}.git`);
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" });
  try {
    git("clone", "--bare", "--quiet", dirA, scratch);
    git("-C", scratch, "fetch", "--quiet", dirB, "main:refs/heads/other");
    const [left, right] = git("-C", scratch, "rev-list", "--left-right", "--count", "main...other").trim().split(/\s+/).map(Number);
    return [left ?? -1, right ?? -1];
  } finally {
    execFileSync("rm", ["-rf", scratch]);
  }
}

const name = (n: { owner: string; slug: string }) => `${n.owner}/${n.slug}`;

/**
 * alice/x ── bob/x (2 commits of his own) ── dave/x (1 more)
 *         └─ carol/x (1 commit)
 * and alice commits once more after the forks.
 */
async function network() {
  const [alice, bob, carol, dave] = await Promise.all([newUser("alice"), newUser("bob"), newUser("carol"), newUser("dave")]);
  let a: TRef = await createSnippet({ actor: alice, title: "Heat equation", files: [{ path: "main.py", content: "dt = 0.1\n" }] });
  const first = a.head;
  let b: TRef = await forkSnippet({ actor: bob, owner: a.owner, slug: a.slug });
  b = await commit(bob, b, "dt = 0.05\n", "Smaller step");
  b = await commit(bob, b, "dt = 0.05\nn = 200\n", "More points");
  let c: TRef = await forkSnippet({ actor: carol, owner: a.owner, slug: a.slug });
  c = await commit(carol, c, "dt = 0.2\n", "Bigger step");
  let d: TRef = await forkSnippet({ actor: dave, owner: b.owner, slug: b.slug });
  d = await commit(dave, d, "dt = 0.05\nn = 400\n", "Even more points");
  a = await commit(alice, a, "dt = 0.1\n# explicit scheme\n", "Explain the scheme");
  return { alice, bob, carol, dave, a, b, c, d, first };
}

describe("fork networks", () => {
  it("puts a new snippet in its own network and every fork, at any depth, in its source's", async () => {
    const { a, b, c, d } = await network();
    const root = await rowOf(a);
    expect(root.networkId).toBe(root.id);
    for (const s of [b, c, d]) expect((await rowOf(s)).networkId).toBe(root.id);
  });

  it("shows the whole tree from any snippet, each with its latest commit and commits ahead/behind of that snippet, as git counts them", async () => {
    const { a, b, c, d } = await network();

    const fromRoot = await listForkNetwork({ owner: a.owner, slug: a.slug });
    expect(fromRoot.nodes.map((n) => [name(n), n.depth, n.current, n.ahead, n.behind])).toEqual([
      [name(a), 0, true, 0, 0],
      [name(b), 1, false, 2, 1],
      [name(d), 2, false, 3, 1],
      [name(c), 1, false, 1, 1],
    ]);
    const byName = new Map(fromRoot.nodes.map((n) => [name(n), n]));
    expect(byName.get(name(b))?.latest).toMatchObject({ oid: b.head, message: "More points", author: { username: b.owner } });
    expect(byName.get(name(d))?.parent).toEqual({ owner: b.owner, slug: b.slug, deleted: false });
    expect(await gitCount(a, b)).toEqual([1, 2]);
    expect(await gitCount(a, d)).toEqual([1, 3]);

    // The same tree seen from dave's fork of bob's fork: counts are relative to dave's snippet.
    const fromLeaf = await listForkNetwork({ owner: d.owner, slug: d.slug });
    expect(fromLeaf.nodes.map((n) => [name(n), n.current, n.ahead, n.behind])).toEqual([
      [name(a), false, 1, 3],
      [name(b), false, 0, 1],
      [name(d), true, 0, 0],
      [name(c), false, 1, 3],
    ]);
    expect(await gitCount(d, c)).toEqual([3, 1]);
    expect(fromLeaf).toMatchObject({ total: 4, forkCount: 3, page: 1, pageCount: 1, currentPage: 1 });
  });

  it("hides unlisted forks from everyone but themselves, keeping their public forks in the tree", async () => {
    const { bob, a, b, c, d } = await network();
    await updateSnippet({ actor: bob, owner: b.owner, slug: b.slug, visibility: "unlisted" });
    const fromRoot = await listForkNetwork({ owner: a.owner, slug: a.slug });
    expect(fromRoot.nodes.map(name)).not.toContain(name(b));
    // dave's public fork hangs under the nearest shown snippet, alice's.
    expect(fromRoot.nodes.find((n) => name(n) === name(d))).toMatchObject({ depth: 1, parent: { owner: a.owner, slug: a.slug } });
    // From dave's fork, bob's is on the path to the root: whoever has dave's URL sees where it came from.
    const fromLeaf = await listForkNetwork({ owner: d.owner, slug: d.slug });
    expect(fromLeaf.nodes.find((n) => name(n) === name(b))).toMatchObject({ visibility: "unlisted", depth: 1 });
    // Its activity is hidden from the network's other pages (the rest stays, dave's fork of it
    // included), but not from its own.
    const seenFromRoot = await listNetworkActivity({ owner: a.owner, slug: a.slug, perPage: 50 });
    expect(seenFromRoot.items.map((i) => [i.kind, name(i.snippet)])).toEqual([
      ["COMMIT", name(a)],
      ["COMMIT", name(d)],
      ["FORK", name(d)],
      ["COMMIT", name(c)],
      ["FORK", name(c)],
      ["CREATE", name(a)],
    ]);
    // dave's fork does not name bob's unlisted one it came from (its URL is the secret).
    expect(seenFromRoot.items.find((i) => i.kind === "FORK" && name(i.snippet) === name(d))?.summary).toBe("");
    expect(seenFromRoot.items.find((i) => i.kind === "FORK" && name(i.snippet) === name(c))?.summary).toBe(name(a));
    expect(JSON.stringify(seenFromRoot)).not.toContain(name(b));
    const seenFromItself = await listNetworkActivity({ owner: b.owner, slug: b.slug, perPage: 50 });
    // From bob's own page, dave's fork may name it.
    expect(seenFromItself.items.find((i) => i.kind === "FORK" && name(i.snippet) === name(d))?.summary).toBe(name(b));
    // dave's activity page: others do not see the name, dave does.
    const daveFork = (items: { kind: string; snippet: { owner: string; slug: string }; summary: string }[]) =>
      items.find((i) => i.kind === "FORK" && name(i.snippet) === name(d))?.summary;
    expect(daveFork((await listUserActivity({ username: d.owner, actor: null })).items)).toBe("");
    const dave: TActor = await getDb().user.findUniqueOrThrow({ where: { username: d.owner }, select: { id: true, username: true } });
    expect(daveFork((await listUserActivity({ username: d.owner, actor: dave })).items)).toBe(name(b));
    expect(seenFromItself.items.filter((i) => name(i.snippet) === name(b)).map((i) => [i.kind, i.summary])).toEqual([
      ["COMMIT", "More points"],
      ["COMMIT", "Smaller step"],
      ["FORK", name(a)],
    ]);
  });

  it("pages a large network 50 snippets at a time, opening on the page that holds the snippet", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const a = await createSnippet({ actor: alice, title: "Big network", files: [{ path: "main.py", content: "x = 1\n" }] });
    for (let batch = 0; batch < 51; batch += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, 51 - batch) }, (_, i) =>
          forkSnippet({ actor: bob, owner: a.owner, slug: a.slug, newSlug: `f-${String(batch + i).padStart(2, "0")}` }),
        ),
      );
    }
    const last = (
      await getDb().snippet.findMany({ where: { ownerId: bob.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 1, select: { slug: true } })
    )[0]!;
    const opened = await listForkNetwork({ owner: bob.username, slug: last.slug });
    expect(opened).toMatchObject({ total: 52, pageCount: 2, page: 2, currentPage: 2 });
    expect(opened.nodes).toHaveLength(2);
    expect(opened.nodes.find((n) => n.current)?.slug).toBe(last.slug);
    const first = await listForkNetwork({ owner: bob.username, slug: last.slug, page: 1 });
    expect(first.nodes).toHaveLength(50);
    expect(first.nodes[0]).toMatchObject({ owner: a.owner, slug: a.slug, depth: 0, ahead: 0, behind: 0 });
    expect(first.nodes.slice(1).every((n) => n.depth === 1 && n.ahead === 0 && n.behind === 0)).toBe(true);
    // A page past the end shows the last one.
    expect((await listForkNetwork({ owner: a.owner, slug: a.slug, page: 99 })).page).toBe(2);
  });

  it("shows forks whose source was deleted as roots that name it", async () => {
    const { alice, a, b, c } = await network();
    await deleteSnippet({ actor: alice, owner: a.owner, slug: a.slug });
    const tree = await listForkNetwork({ owner: c.owner, slug: c.slug });
    expect(tree.nodes.filter((n) => n.depth === 0).map((n) => [name(n), n.parent])).toEqual([
      [name(b), { owner: a.owner, slug: a.slug, deleted: true }],
      [name(c), { owner: a.owner, slug: a.slug, deleted: true }],
    ]);
    expect(tree.nodes.find((n) => name(n) === name(b))).toMatchObject({ ahead: 2, behind: 1 });
    // Every one left is a fork (of a deleted snippet): the page says "3 forks in this network".
    expect([tree.total, tree.forkCount]).toEqual([3, 3]);
  });
});

describe("compareWithFork", () => {
  it("lists the fork's own commits, counts both ways and diffs this snippet's files against the fork's", async () => {
    const { a, b, first } = await network();
    const c = await compareWithFork({ owner: a.owner, slug: a.slug, otherOwner: b.owner, otherSlug: b.slug });
    expect(c).toMatchObject({ base: a.head, head: b.head, aheadCount: 2, behindCount: 1 });
    expect(c.ahead.map((r) => r.message)).toEqual(["More points", "Smaller step"]);
    expect(c.mergeBase).toBe(first);
    expect(c.files).toHaveLength(1);
    expect(c.files[0]?.hunks?.[0]?.lines).toEqual(["-dt = 0.1", "-# explicit scheme", "+dt = 0.05", "+n = 200"]);

    const back = await compareWithFork({ owner: b.owner, slug: b.slug, otherOwner: a.owner, otherSlug: a.slug });
    expect([back.aheadCount, back.behindCount, back.mergeBase]).toEqual([1, 2, first]);
    expect(back.ahead.map((r) => r.message)).toEqual(["Explain the scheme"]);
  });

  it("refuses snippets outside the network and the snippet itself with a clear message", async () => {
    const { alice, a } = await network();
    const other = await createSnippet({ actor: alice, title: "Unrelated", files: [{ path: "main.py", content: "x\n" }] });
    const e = await compareWithFork({ owner: a.owner, slug: a.slug, otherOwner: other.owner, otherSlug: other.slug }).catch((err: unknown) => err);
    expect(isAppError(e) && e.code === "INVALID" && e.message).toContain("not in the fork network");
    const self = await compareWithFork({ owner: a.owner, slug: a.slug, otherOwner: a.owner, otherSlug: a.slug }).catch((err: unknown) => err);
    expect(isAppError(self) && self.code).toBe("INVALID");
    const missing = await compareWithFork({ owner: a.owner, slug: a.slug, otherOwner: a.owner, otherSlug: "nope" }).catch((err: unknown) => err);
    expect(isAppError(missing) && missing.code).toBe("NOT_FOUND");
  });
});

describe("credits", () => {
  it("credit the first revision's author, every contributor upstream included, and who committed this fork's own revisions", async () => {
    const { bob, a, b, d } = await network();
    const credits = await getCredits({ owner: d.owner, slug: d.slug });
    expect(credits.primaryAuthor).toMatchObject({ username: a.owner, revisions: 1 });
    expect(credits.contributors.map((c) => [c.username, c.revisions])).toEqual([
      [b.owner, 2],
      [d.owner, 1],
    ]);
    expect(credits.committers.map((c) => [c.username, c.revisions])).toEqual([[d.owner, 1]]);
    expect((await getCredits({ owner: a.owner, slug: a.slug })).committers.map((c) => [c.username, c.revisions])).toEqual([[a.owner, 2]]);

    // With its source deleted, a fork still knows which revisions are its own (from its fork record).
    await deleteSnippet({ actor: bob, owner: b.owner, slug: b.slug });
    expect((await getCredits({ owner: d.owner, slug: d.slug })).committers.map((c) => c.username)).toEqual([d.owner]);
  });
});

describe("activity", () => {
  it("shows new snippets, commits and forks across the network, newest first, on every snippet of it", async () => {
    const { a, b, c, d } = await network();
    const fromLeaf = await listNetworkActivity({ owner: d.owner, slug: d.slug, perPage: 50 });
    expect(fromLeaf.items.map((i) => [i.kind, i.actor.username, name(i.snippet), i.summary])).toEqual([
      ["COMMIT", a.owner, name(a), "Explain the scheme"],
      ["COMMIT", d.owner, name(d), "Even more points"],
      ["FORK", d.owner, name(d), name(b)],
      ["COMMIT", c.owner, name(c), "Bigger step"],
      ["FORK", c.owner, name(c), name(a)],
      ["COMMIT", b.owner, name(b), "More points"],
      ["COMMIT", b.owner, name(b), "Smaller step"],
      ["FORK", b.owner, name(b), name(a)],
      ["CREATE", a.owner, name(a), "Heat equation"],
    ]);
    expect(fromLeaf.items[0]?.rev).toBe(a.head);
    const fromRoot = await listNetworkActivity({ owner: a.owner, slug: a.slug, perPage: 50 });
    expect(fromRoot.items.map((i) => i.id)).toEqual(fromLeaf.items.map((i) => i.id));

    const first = await listNetworkActivity({ owner: a.owner, slug: a.slug, perPage: 4 });
    const second = await listNetworkActivity({ owner: a.owner, slug: a.slug, perPage: 4, page: 2 });
    expect([first.hasNext, second.hasNext, second.page]).toEqual([true, true, 2]);
    expect([...first.items, ...second.items].map((i) => i.id)).toEqual(fromLeaf.items.slice(0, 8).map((i) => i.id));
    // Nonsense page numbers fall back to the first page.
    expect((await listNetworkActivity({ owner: a.owner, slug: a.slug, page: "-3" })).page).toBe(1);

    // A metadata-only edit makes no revision and no activity.
    await updateSnippet({ actor: { id: (await rowOf(a)).ownerId, username: a.owner }, owner: a.owner, slug: a.slug, title: "Heat equation (1D)" });
    expect((await listNetworkActivity({ owner: a.owner, slug: a.slug, perPage: 50 })).items).toHaveLength(9);
  });

  it("keeps a network's activity apart from other networks", async () => {
    const one = await network();
    const two = await network();
    const items = (await listNetworkActivity({ owner: two.a.owner, slug: two.a.slug, perPage: 50 })).items;
    // All nine of its own events (see the test above), and only snippets of its own network.
    expect(items).toHaveLength(9);
    expect(new Set(items.map((i) => name(i.snippet)))).toEqual(new Set([two.a, two.b, two.c, two.d].map(name)));
    expect(items.map((i) => name(i.snippet))).not.toContain(name(one.a));
  });

  it("lists a user's own activity on their page, hiding unlisted snippets from others", async () => {
    const { bob, carol, b } = await network();
    const seenByCarol = await listUserActivity({ username: bob.username, actor: carol });
    expect(seenByCarol.items.map((i) => [i.kind, i.summary])).toEqual([
      ["COMMIT", "More points"],
      ["COMMIT", "Smaller step"],
      ["FORK", expect.stringMatching(/^alice-/)],
    ]);
    expect(seenByCarol.items.every((i) => i.actor.username === bob.username)).toBe(true);

    await updateSnippet({ actor: bob, owner: b.owner, slug: b.slug, visibility: "unlisted" });
    expect((await listUserActivity({ username: bob.username, actor: carol })).items).toEqual([]);
    expect((await listUserActivity({ username: bob.username, actor: null })).items).toEqual([]);
    expect((await listUserActivity({ username: bob.username, actor: bob })).items).toHaveLength(3);
    const missing = await listUserActivity({ username: "no-such-user-here", actor: null }).catch((e: unknown) => e);
    expect(isAppError(missing) && missing.code).toBe("NOT_FOUND");
  });

  it("records comments and ratings for other parts, finding the snippet's network itself", async () => {
    const { carol, a, d } = await network();
    const row = await rowOf(d);
    await recordActivity({ kind: "COMMENT", actorId: carol.id, snippetId: row.id, rev: d.head, summary: "Nice **step**\nsecond line" });
    const [comment] = (await listUserActivity({ username: carol.username, actor: null })).items;
    expect(comment).toMatchObject({ kind: "COMMENT", summary: "Nice **step**", snippet: { owner: d.owner, slug: d.slug } });
    const stored = await getDb().activity.findFirstOrThrow({ where: { actorId: carol.id, kind: "COMMENT" } });
    expect(stored.networkId).toBe((await rowOf(a)).id);
    // Comments and ratings are not part of the network's commits-and-forks feed.
    const feed = (await listNetworkActivity({ owner: a.owner, slug: a.slug, perPage: 50 })).items.map((i) => i.kind);
    expect(feed).toHaveLength(9);
    expect(feed).not.toContain("COMMENT");
    // A failure to record (no such snippet) never throws: the write it describes already happened. It is logged.
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(recordActivity({ kind: "RATE", actorId: carol.id, snippetId: "missing", summary: "5 stars" })).resolves.toBeUndefined();
      expect(logged).toHaveBeenCalledWith(expect.stringContaining("Recording RATE activity of snippet missing failed"), expect.anything());
    } finally {
      logged.mockRestore();
    }
  });
});
