/**
 * Shared values as a session and the owner see them (lib/shared) against a real database: who
 * may write (owner, another user, an anonymous reader with and without the owner's permission),
 * a fork reading its source's values read-only, the limits, `wait` seeing another writer's
 * change, and the owner's API (GET/PATCH/DELETE /api/v1/snippets/:owner/:slug/shared[/:key]).
 */
import { describe, expect, it } from "vitest";
import * as sharedRoute from "@/app/api/v1/snippets/[owner]/[slug]/shared/route";
import * as sharedKeyRoute from "@/app/api/v1/snippets/[owner]/[slug]/shared/[key]/route";
import { getDb } from "@/lib/db/client";
import { deleteSnippet } from "@/lib/snippets/delete-snippet";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { forkSnippet } from "@/lib/snippets/fork-snippet";
import { handleSharedRequest, type TSharedReply } from "@/lib/shared/handle-shared-request";
import { resolveSharedScope, type TSharedScope } from "@/lib/shared/resolve-shared-scope";
import { updateSharedSettings } from "@/lib/shared/update-shared-settings";
import { getSharedStore } from "@/lib/shared/get-shared-store";
import { listSharedValues } from "@/lib/shared/list-shared-values";
import type { TActor } from "@/lib/snippets/schema";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

// These tests are about the rules, on the embedded default store (the store contract is tested on every backend).
delete process.env.NATS_URL;

async function newUser(prefix: string): Promise<TActor> {
  const user = await createUser({ username: uniqueName(prefix), password: "correct horse battery" });
  return { id: user.id, username: user.username };
}

async function newSnippet(owner: TActor) {
  return createSnippet({ actor: owner, title: "Shared state", files: [{ path: "main.py", content: "shared['n'] = 1\n" }] });
}

async function call(scope: TSharedScope, request: unknown): Promise<TSharedReply & Record<string, unknown>> {
  return (await handleSharedRequest({ scope, request })) as TSharedReply & Record<string, unknown>;
}

function errorOf(reply: TSharedReply): { code: string; message: string } {
  if (reply.ok) throw new Error(`expected a refusal, got ${JSON.stringify(reply)}`);
  return reply.error;
}

describe("who may write", () => {
  it("the owner and other signed-in users write (last writer wins, writer recorded); anonymous readers only when the owner allows", async () => {
    const owner = await newUser("showner");
    const other = await newUser("shother");
    const snippet = await newSnippet(owner);
    const asOwner = await resolveSharedScope({ snippetId: snippet.id, actor: owner });
    const asOther = await resolveSharedScope({ snippetId: snippet.id, actor: other });
    let asAnonymous = await resolveSharedScope({ snippetId: snippet.id, actor: null });
    expect([asOwner.canWrite, asOther.canWrite, asAnonymous.canWrite]).toEqual([true, true, false]);

    const first = await call(asOwner, { op: "set", key: "score", value: { best: 10 } });
    expect(first).toMatchObject({ ok: true });
    const second = await call(asOther, { op: "set", key: "score", value: { best: 12 } });
    expect(second.revision as number).toBeGreaterThan(first.revision as number);
    // Every run of the snippet, anyone's, reads the same value.
    expect(await call(asAnonymous, { op: "get", key: "score" })).toMatchObject({ ok: true, found: true, value: { best: 12 }, readOnly: false });
    expect((await getSharedStore().get(snippet.id, "score"))!.writer).toBe(other.id);

    const refused = errorOf(await call(asAnonymous, { op: "set", key: "score", value: 0 }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toMatch(/Sign in to change shared values/);
    expect(errorOf(await call(asAnonymous, { op: "delete", key: "score" })).code).toBe("FORBIDDEN");
    expect(await call(asOwner, { op: "get", key: "score" })).toMatchObject({ value: { best: 12 } });

    // Only the owner turns anonymous writes on.
    await expect(updateSharedSettings({ actor: other, owner: owner.username, slug: snippet.slug, anonymousWrites: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await updateSharedSettings({ actor: owner, owner: owner.username, slug: snippet.slug, anonymousWrites: true });
    asAnonymous = await resolveSharedScope({ snippetId: snippet.id, actor: null });
    expect(asAnonymous.canWrite).toBe(true);
    expect(await call(asAnonymous, { op: "set", key: "score", value: 0 })).toMatchObject({ ok: true });
    expect((await getSharedStore().get(snippet.id, "score"))!.writer).toBeNull();
  });

  it("a deleted snippet has no scope, and its values go with it", async () => {
    const owner = await newUser("shgone");
    const snippet = await newSnippet(owner);
    const scope = await resolveSharedScope({ snippetId: snippet.id, actor: owner });
    await call(scope, { op: "set", key: "k", value: 1 });
    await deleteSnippet({ actor: owner, owner: owner.username, slug: snippet.slug });
    await expect(resolveSharedScope({ snippetId: snippet.id, actor: owner })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await getDb().sharedValue.count({ where: { snippetId: snippet.id } })).toBe(0);
    expect(errorOf(await call(scope, { op: "set", key: "k", value: 2 })).code).toBe("NOT_FOUND");
  });
});

describe("forks", () => {
  it("read their own values, else their source's read-only; write only their own; the source never sees the fork's", async () => {
    const owner = await newUser("shsrc");
    const forker = await newUser("shfork");
    const source = await newSnippet(owner);
    const fork = await forkSnippet({ actor: forker, owner: owner.username, slug: source.slug });
    const src = await resolveSharedScope({ snippetId: source.id, actor: owner });
    const own = await resolveSharedScope({ snippetId: fork.id, actor: forker });
    expect(own.forkOf).toBe(source.id);

    await call(src, { op: "set", key: "a", value: "source a" });
    await call(src, { op: "set", key: "b", value: "source b" });
    expect(await call(own, { op: "get", key: "a" })).toMatchObject({ found: true, value: "source a", readOnly: true });

    await call(own, { op: "set", key: "b", value: "fork b" });
    await call(own, { op: "set", key: "c", value: "fork c" });
    expect(await call(own, { op: "get", key: "b" })).toMatchObject({ value: "fork b", readOnly: false });
    expect(await call(src, { op: "get", key: "b" })).toMatchObject({ value: "source b" });
    expect(await call(src, { op: "get", key: "c" })).toMatchObject({ ok: true, found: false });

    const keys = (await call(own, { op: "keys" })).keys as { key: string; readOnly: boolean }[];
    expect(keys.map((k) => [k.key, k.readOnly])).toEqual([
      ["a", true],
      ["b", false],
      ["c", false],
    ]);

    const refused = errorOf(await call(own, { op: "delete", key: "a" }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toMatch(/forked from/);
    expect(await call(src, { op: "get", key: "a" })).toMatchObject({ value: "source a" });
    // Deleting its own b uncovers the source's again.
    expect(await call(own, { op: "delete", key: "b" })).toMatchObject({ ok: true, deleted: true });
    expect(await call(own, { op: "get", key: "b" })).toMatchObject({ value: "source b", readOnly: true });
  });
});

describe("limits and bad requests", () => {
  it("refuses bad keys, values over 1 MB, a 101st key, malformed arrays and unknown ops, leaving what was there", async () => {
    const owner = await newUser("shlimit");
    const snippet = await newSnippet(owner);
    const scope = await resolveSharedScope({ snippetId: snippet.id, actor: owner });
    await call(scope, { op: "set", key: "big", value: "small" });

    expect(errorOf(await call(scope, { op: "set", key: "", value: 1 }))).toMatchObject({ code: "INVALID", message: expect.stringMatching(/1 to 128/) });
    expect(errorOf(await call(scope, { op: "set", key: "x".repeat(129), value: 1 })).code).toBe("INVALID");
    expect(errorOf(await call(scope, { op: "set", key: "a b/c", value: 1 })).message).toMatch(/letters, digits/);
    const tooBig = errorOf(await call(scope, { op: "set", key: "big", value: "x".repeat(1024 * 1024) }));
    expect(tooBig.code).toBe("TOO_LARGE");
    expect(tooBig.message).toMatch(/at most 1 MB/);
    expect(await call(scope, { op: "get", key: "big" })).toMatchObject({ value: "small" });
    // Just under the limit is fine: 1 MB of JSON text including its quotes.
    expect(await call(scope, { op: "set", key: "edge", value: "x".repeat(1024 * 1024 - 2) })).toMatchObject({ ok: true });

    const bad = errorOf(await call(scope, { op: "set", key: "arr", value: { __ndarray__: { dtype: "float64", shape: [3], data: "AAAA" } } }));
    expect(bad).toMatchObject({ code: "INVALID", message: expect.stringMatching(/24 bytes of data, not 3/) });
    expect(errorOf(await call(scope, { op: "set", key: "arr", value: { __ndarray__: { dtype: "object", shape: [1], data: "" } } })).message).toMatch(/dtype/);
    expect(errorOf(await call(scope, { op: "pickle", key: "x" })).code).toBe("INVALID");
    expect(errorOf(await call(scope, { op: "set", key: "x" })).message).toMatch(/value/);
    expect(errorOf(await call(scope, "not an object")).code).toBe("INVALID");

    for (let i = (await getSharedStore().list(snippet.id)).length; i < 100; i++) {
      expect(await call(scope, { op: "set", key: `k${i}`, value: i })).toMatchObject({ ok: true });
    }
    const full = errorOf(await call(scope, { op: "set", key: "one-too-many", value: 1 }));
    expect(full).toMatchObject({ code: "TOO_LARGE", message: expect.stringMatching(/at most 100 shared values/) });
    expect(await call(scope, { op: "set", key: "big", value: "replaced" })).toMatchObject({ ok: true });
  });
});

describe("wait", () => {
  it("answers at once when the revision differs, when another writer changes the key, and changed:false on timeout", async () => {
    const owner = await newUser("shwait");
    const other = await newUser("shwait2");
    const snippet = await newSnippet(owner);
    const mine = await resolveSharedScope({ snippetId: snippet.id, actor: owner });
    const theirs = await resolveSharedScope({ snippetId: snippet.id, actor: other });

    expect(await call(mine, { op: "wait", key: "w", after: 0, timeout_ms: 5000 })).toMatchObject({ ok: true, changed: true, found: false });
    expect(await call(mine, { op: "wait", key: "w", after: null, timeout_ms: 300 })).toEqual({ ok: true, changed: false });

    const waiting = call(mine, { op: "wait", key: "w", after: null, timeout_ms: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    const written = await call(theirs, { op: "set", key: "w", value: [1, 2] });
    expect(await waiting).toMatchObject({ ok: true, changed: true, found: true, value: [1, 2], revision: written.revision });
  });

  it("in a fork, sees the source's change to a key the fork does not have", async () => {
    const owner = await newUser("shwsrc");
    const forker = await newUser("shwfork");
    const source = await newSnippet(owner);
    const fork = await forkSnippet({ actor: forker, owner: owner.username, slug: source.slug });
    const src = await resolveSharedScope({ snippetId: source.id, actor: owner });
    const own = await resolveSharedScope({ snippetId: fork.id, actor: forker });
    const waiting = call(own, { op: "wait", key: "level", after: null, timeout_ms: 10_000 });
    await new Promise((r) => setTimeout(r, 200));
    await call(src, { op: "set", key: "level", value: 3 });
    expect(await waiting).toMatchObject({ changed: true, value: 3, readOnly: true });
  });
});

describe("the owner's API", () => {
  type TAnswer = { status: number; json: Record<string, unknown> & { error?: { code: string; message: string } } };
  const ctx = (params: Record<string, string>) => ({ params: Promise.resolve(params) }) as never;
  const url = (owner: string, slug: string, key?: string) => `http://cellar.test/api/v1/snippets/${owner}/${slug}/shared${key ? `/${key}` : ""}`;
  async function answer(response: Response): Promise<TAnswer> {
    return { status: response.status, json: response.status === 204 ? {} : ((await response.json()) as TAnswer["json"]) };
  }
  async function bearer(actor: TActor) {
    return { authorization: `Bearer ${(await createToken({ actor, name: "shared" })).token}` };
  }

  it("lists values with previews to the owner only, changes the setting, deletes one and clears all", async () => {
    const owner = await newUser("shapi");
    const other = await newUser("shapi2");
    const snippet = await newSnippet(owner);
    const params = { owner: owner.username, slug: snippet.slug };
    const ownerAuth = await bearer(owner);
    const scope = await resolveSharedScope({ snippetId: snippet.id, actor: other });
    await call(scope, { op: "set", key: "greeting", value: { text: "hello" } });
    const data = Buffer.from(new Float64Array([1, 2, 3]).buffer).toString("base64");
    await call(scope, { op: "set", key: "arr", value: { __ndarray__: { dtype: "float64", shape: [3], data } } });

    const listed = await answer(await sharedRoute.GET(new Request(url(params.owner, params.slug), { headers: ownerAuth }), ctx(params)));
    expect(listed.status).toBe(200);
    expect(listed.json.anonymousWrites).toBe(false);
    expect(listed.json.values).toEqual([
      expect.objectContaining({ key: "arr", kind: "ndarray", preview: "ndarray float64 (3,)", writer: other.username }),
      expect.objectContaining({ key: "greeting", kind: "json", preview: '{"text":"hello"}', size: 16, writer: other.username }),
    ]);

    const asOther = await answer(await sharedRoute.GET(new Request(url(params.owner, params.slug), { headers: await bearer(other) }), ctx(params)));
    expect(asOther.status).toBe(403);
    // (Route handlers outside Next cannot read a session cookie, so the signed-out case goes to lib directly.)
    await expect(listSharedValues({ actor: null, ...params })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const missing = await answer(
      await sharedRoute.GET(new Request(url(params.owner, "no-such-snippet"), { headers: ownerAuth }), ctx({ ...params, slug: "no-such-snippet" })),
    );
    expect(missing.status).toBe(404);

    const one = await answer(
      await sharedKeyRoute.GET(new Request(url(params.owner, params.slug, "greeting"), { headers: ownerAuth }), ctx({ ...params, key: "greeting" })),
    );
    expect(one).toMatchObject({ status: 200, json: { key: "greeting", value: { text: "hello" } } });

    const patch = (body: unknown) =>
      sharedRoute.PATCH(
        new Request(url(params.owner, params.slug), {
          method: "PATCH",
          headers: { ...ownerAuth, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        ctx(params),
      );
    expect(await answer(await patch({ anonymousWrites: true }))).toEqual({ status: 200, json: { anonymousWrites: true } });
    expect((await answer(await patch({ anonymousWrites: "yes" }))).status).toBe(422);
    expect((await resolveSharedScope({ snippetId: snippet.id, actor: null })).canWrite).toBe(true);

    const deleted = await sharedKeyRoute.DELETE(
      new Request(url(params.owner, params.slug, "arr"), { method: "DELETE", headers: ownerAuth }),
      ctx({ ...params, key: "arr" }),
    );
    expect(deleted.status).toBe(204);
    const again = await answer(
      await sharedKeyRoute.DELETE(new Request(url(params.owner, params.slug, "arr"), { method: "DELETE", headers: ownerAuth }), ctx({ ...params, key: "arr" })),
    );
    expect(again.status).toBe(404);
    const otherClears = await sharedRoute.DELETE(new Request(url(params.owner, params.slug), { method: "DELETE", headers: await bearer(other) }), ctx(params));
    expect(otherClears.status).toBe(403);
    expect(await getSharedStore().get(snippet.id, "greeting")).not.toBeNull();

    const cleared = await answer(await sharedRoute.DELETE(new Request(url(params.owner, params.slug), { method: "DELETE", headers: ownerAuth }), ctx(params)));
    expect(cleared).toEqual({ status: 200, json: { cleared: 1 } });
    expect(await getSharedStore().list(snippet.id)).toEqual([]);
  });
});
