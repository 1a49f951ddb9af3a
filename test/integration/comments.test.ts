/**
 * Comments against a real database and real repositories: what a reader sees on a revision
 * (the comment where it was written, "older" on later revisions, a line comment on its line as
 * the file changes), who may edit and delete, bad input, pages and the rate limit.
 */
import { describe, expect, it } from "vitest";
import { createComment } from "@/lib/comments/create-comment";
import { deleteComment } from "@/lib/comments/delete-comment";
import { listComments } from "@/lib/comments/list-comments";
import { updateComment } from "@/lib/comments/update-comment";
import { getDb } from "@/lib/db/client";
import { createSnippet } from "@/lib/snippets/create-snippet";
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

const CODE = ["import math", "", "def area(r):", "    return math.pi * r ** 2", "", "print(area(2))", ""].join("\n");

async function snippetOf(owner: TActor, files: { path: string; content: string | Uint8Array }[] = [{ path: "main.py", content: CODE }]) {
  const created = await createSnippet({ actor: owner, title: "Area of a disc", files });
  return { owner: owner.username, slug: created.slug, head: created.head };
}

describe("comments on a snippet and on lines", () => {
  it("shows a comment on its revision, and as older with its line followed on the next", async () => {
    const alice = await newUser("alice");
    const bob = await newUser("bob");
    const s = await snippetOf(alice);

    const general = await createComment({ actor: bob, owner: s.owner, slug: s.slug, body: "Nice. The area is $\\pi r^2$." });
    const onLine = await createComment({ actor: bob, owner: s.owner, slug: s.slug, rev: s.head, path: "main.py", line: 4, body: "Use `r * r`?" });
    const onPrint = await createComment({ actor: bob, owner: s.owner, slug: s.slug, rev: s.head, path: "main.py", line: 6, body: "Prints 12.57" });
    expect(general.rev).toBe(s.head);
    expect(general.html).toContain('<span class="katex">');
    expect(onLine).toMatchObject({ path: "main.py", line: 4, currentLine: 4, revision: "this" });

    // Two lines inserted above line 4, and the print line changed.
    const next = await updateSnippet({
      actor: alice,
      owner: s.owner,
      slug: s.slug,
      base: s.head,
      files: [
        { path: "main.py", content: CODE.replace("def area(r):", '# Area\n\ndef area(r):\n    """The area."""').replace("print(area(2))", "print(area(3))") },
      ],
    });

    const later = await listComments({ actor: null, owner: s.owner, slug: s.slug });
    expect(later.rev).toBe(next.head);
    const byId = new Map(later.items.map((c) => [c.id, c]));
    expect(byId.get(general.id)).toMatchObject({ revision: "older", currentLine: null, rev: s.head });
    // "    return math.pi * r ** 2" is now line 7 (three lines above it are new).
    expect(byId.get(onLine.id)).toMatchObject({ revision: "older", line: 4, currentLine: 7 });
    // Its text changed: the comment was about what the line said, so it no longer sits on a line.
    expect(byId.get(onPrint.id)).toMatchObject({ revision: "older", line: 6, currentLine: null });

    // On the old revision's permalink everything is where it was written.
    const then = await listComments({ actor: null, owner: s.owner, slug: s.slug, rev: s.head });
    expect(then.items.map((c) => [c.revision, c.currentLine])).toEqual([
      ["this", null],
      ["this", 4],
      ["this", 6],
    ]);

    // A comment on the newer revision, seen from the older one.
    await createComment({ actor: alice, owner: s.owner, slug: s.slug, body: "Thanks, fixed." });
    const fromOld = await listComments({ actor: null, owner: s.owner, slug: s.slug, rev: s.head.slice(0, 10) });
    expect(fromOld.items.at(-1)).toMatchObject({ revision: "newer", body: "Thanks, fixed." });
  });

  it("finds a moved line by its text, and loses it when its file is gone", async () => {
    const alice = await newUser("alice");
    const s = await snippetOf(alice);
    const c = await createComment({ actor: alice, owner: s.owner, slug: s.slug, path: "main.py", line: 1, body: "Imports first." });
    // "import math" moves to the end; the rest shifts up.
    const moved = await updateSnippet({
      actor: alice,
      owner: s.owner,
      slug: s.slug,
      base: s.head,
      files: [{ path: "main.py", content: CODE.replace("import math\n", "") + "import math\n" }],
    });
    const list = await listComments({ actor: null, owner: s.owner, slug: s.slug, on: "lines" });
    expect(list.items.find((x) => x.id === c.id)?.currentLine).toBe(6);

    await updateSnippet({ actor: alice, owner: s.owner, slug: s.slug, base: moved.head, files: [{ path: "renamed.py", content: CODE }] });
    const gone = await listComments({ actor: null, owner: s.owner, slug: s.slug, on: "lines" });
    expect(gone.items.find((x) => x.id === c.id)).toMatchObject({ revision: "older", currentLine: null, path: "main.py", line: 1 });
  });

  it("lists line comments and snippet comments apart, a page at a time, oldest first", async () => {
    const alice = await newUser("alice");
    const s = await snippetOf(alice);
    // Several authors: each may write 10 a minute.
    const writers = await Promise.all([newUser("w"), newUser("w"), newUser("w")]);
    for (let i = 0; i < 21; i++) {
      await createComment({ actor: writers[i % 3] ?? alice, owner: s.owner, slug: s.slug, body: `comment ${i}` });
    }
    await createComment({ actor: alice, owner: s.owner, slug: s.slug, path: "main.py", line: 3, body: "on a line" });

    const first = await listComments({ actor: null, owner: s.owner, slug: s.slug, on: "snippet" });
    expect(first.items).toHaveLength(20);
    expect(first.hasNext).toBe(true);
    expect(first.items[0]?.body).toBe("comment 0");
    const second = await listComments({ actor: null, owner: s.owner, slug: s.slug, on: "snippet", page: 2 });
    expect(second.items.map((c) => c.body)).toEqual(["comment 20"]);
    expect(second.hasNext).toBe(false);
    const lines = await listComments({ actor: null, owner: s.owner, slug: s.slug, on: "lines" });
    expect(lines.items.map((c) => c.body)).toEqual(["on a line"]);
  });
});

describe("who may edit and delete", () => {
  it("lets the author edit, the author or the snippet's owner delete, and nobody else", async () => {
    const owner = await newUser("owner");
    const author = await newUser("author");
    const stranger = await newUser("stranger");
    const s = await snippetOf(owner);
    const c = await createComment({ actor: author, owner: s.owner, slug: s.slug, body: "first draft" });

    const seenBy = async (actor: TActor | null) => (await listComments({ actor, owner: s.owner, slug: s.slug })).items.find((x) => x.id === c.id);
    expect(await seenBy(author)).toMatchObject({ canEdit: true, canDelete: true });
    expect(await seenBy(owner)).toMatchObject({ canEdit: false, canDelete: true });
    expect(await seenBy(stranger)).toMatchObject({ canEdit: false, canDelete: false });
    expect(await seenBy(null)).toMatchObject({ canEdit: false, canDelete: false });

    expect((await appError(updateComment({ actor: owner, owner: s.owner, slug: s.slug, id: c.id, body: "hijacked" }))).code).toBe("FORBIDDEN");
    expect((await appError(updateComment({ actor: null, owner: s.owner, slug: s.slug, id: c.id, body: "x" }))).code).toBe("UNAUTHORIZED");
    const edited = await updateComment({ actor: author, owner: s.owner, slug: s.slug, id: c.id, body: "second **draft**" });
    expect(edited).toMatchObject({ body: "second **draft**", edited: true });
    expect(edited.html).toContain("<strong>draft</strong>");

    expect((await appError(deleteComment({ actor: stranger, owner: s.owner, slug: s.slug, id: c.id }))).code).toBe("FORBIDDEN");
    await deleteComment({ actor: owner, owner: s.owner, slug: s.slug, id: c.id });
    expect(await getDb().comment.findUnique({ where: { id: c.id } })).toBeNull();
    expect((await appError(deleteComment({ actor: author, owner: s.owner, slug: s.slug, id: c.id }))).code).toBe("NOT_FOUND");

    const mine = await createComment({ actor: author, owner: s.owner, slug: s.slug, body: "again" });
    await deleteComment({ actor: author, owner: s.owner, slug: s.slug, id: mine.id });
    expect(await getDb().comment.findUnique({ where: { id: mine.id } })).toBeNull();
  });

  it("does not reach a comment through another snippet's address", async () => {
    const alice = await newUser("alice");
    const a = await snippetOf(alice);
    const b = await snippetOf(alice);
    const c = await createComment({ actor: alice, owner: a.owner, slug: a.slug, body: "on a" });
    expect((await appError(deleteComment({ actor: alice, owner: b.owner, slug: b.slug, id: c.id }))).code).toBe("NOT_FOUND");
    expect((await appError(updateComment({ actor: alice, owner: b.owner, slug: b.slug, id: c.id, body: "x" }))).code).toBe("NOT_FOUND");
  });
});

describe("bad input and limits", () => {
  it("refuses what cannot be a comment with a message saying why", async () => {
    const alice = await newUser("alice");
    const s = await snippetOf(alice, [
      { path: "main.py", content: CODE },
      { path: "logo.png", content: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) },
    ]);
    const base = { actor: alice, owner: s.owner, slug: s.slug };
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => createComment({ ...base, actor: null, body: "hi" }), "UNAUTHORIZED", /Sign in/],
      [() => createComment({ ...base, body: "   \n" }), "INVALID", /cannot be empty/],
      [() => createComment({ ...base, body: "x".repeat(10_001) }), "INVALID", /at most 10,000/],
      [() => createComment({ ...base, body: "hi", path: "main.py" }), "INVALID", /both path and line/],
      [() => createComment({ ...base, body: "hi", path: "main.py", line: 0 }), "INVALID", /1 or more/],
      [() => createComment({ ...base, body: "hi", path: "main.py", line: 7 }), "INVALID", /has 6 lines .* no line 7/],
      [() => createComment({ ...base, body: "hi", path: "nope.py", line: 1 }), "INVALID", /no file "nope.py"/],
      [() => createComment({ ...base, body: "hi", path: "logo.png", line: 1 }), "INVALID", /binary/],
      [() => createComment({ ...base, body: "hi", rev: "0".repeat(40) }), "NOT_FOUND", /revision/],
      [() => createComment({ ...base, slug: "no-such-snippet", body: "hi" }), "NOT_FOUND", /no snippet/],
    ];
    for (const [attempt, code, message] of cases) {
      const e = await appError(attempt());
      expect([e.code, e.message]).toEqual([code, expect.stringMatching(message)]);
    }
    expect(await getDb().comment.count({ where: { authorId: alice.id } })).toBe(0);
  });

  it("stores the Markdown and shows it sanitised", async () => {
    const alice = await newUser("alice");
    const s = await snippetOf(alice);
    const c = await createComment({
      actor: alice,
      owner: s.owner,
      slug: s.slug,
      body: `<script>alert(1)</script> [x](javascript:alert(1)) ![p](http://t.example/p.png) $\\href{javascript:alert(1)}{y}$`,
    });
    expect(c.body).toContain("<script>");
    expect(c.html).not.toMatch(/<script|href="javascript|<img|onerror/i);
    expect(c.html).toContain("&lt;script&gt;");
  });

  it("limits a user to 10 comments a minute", async () => {
    const alice = await newUser("alice");
    const s = await snippetOf(alice);
    for (let i = 0; i < 10; i++) await createComment({ actor: alice, owner: s.owner, slug: s.slug, body: `c${i}` });
    const e = await appError(createComment({ actor: alice, owner: s.owner, slug: s.slug, body: "one too many" }));
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.details?.retryAfter).toBeGreaterThan(0);
    // Someone else still may.
    await createComment({ actor: await newUser("bob"), owner: s.owner, slug: s.slug, body: "fine" });
  });

  it("records the comment in the author's activity, without its words", async () => {
    const alice = await newUser("alice");
    const s = await snippetOf(alice);
    const c = await createComment({ actor: alice, owner: s.owner, slug: s.slug, path: "main.py", line: 3, body: "Worth a look" });
    const activity = await getDb().activity.findFirst({ where: { actorId: alice.id, kind: "COMMENT" } });
    // Where, not what: the words go when the comment is deleted, the line in the activity stays true.
    expect(activity).toMatchObject({ rev: c.rev, summary: "on line 3 of main.py" });
  });
});
