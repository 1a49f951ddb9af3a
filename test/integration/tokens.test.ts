import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { authenticateToken } from "@/lib/tokens/authenticate-token";
import { createToken } from "@/lib/tokens/create-token";
import { listTokens } from "@/lib/tokens/list-tokens";
import { revokeToken } from "@/lib/tokens/revoke-token";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

function newUser() {
  return createUser({ username: uniqueName("tok"), password: "password1" });
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return (e as AppError).code;
}

describe("API tokens", () => {
  it("authenticates its owner with a new token, which is stored only as a hash", async () => {
    const actor = await newUser();
    const created = await createToken({ actor, name: "laptop" });
    expect(created.token).toMatch(/^cellar_[A-Za-z0-9_-]{43}$/);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(created.prefix.length).toBeLessThan(created.token.length - 20);
    expect(await authenticateToken({ token: created.token })).toEqual(actor);
    const row = await getDb().apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.token);
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("rejects unknown, malformed and tampered tokens", async () => {
    const actor = await newUser();
    const { token } = await createToken({ actor, name: "ci" });
    expect(await authenticateToken({ token: token.slice(0, -1) + (token.endsWith("A") ? "B" : "A") })).toBeNull();
    expect(await authenticateToken({ token: "cellar_" })).toBeNull();
    expect(await authenticateToken({ token: token.slice("cellar_".length) })).toBeNull();
    expect(await authenticateToken({ token: "" })).toBeNull();
  });

  it("lists only the actor's own tokens, newest first, without secrets", async () => {
    const actor = await newUser();
    const other = await newUser();
    const a = await createToken({ actor, name: "first" });
    const b = await createToken({ actor, name: "second" });
    await createToken({ actor: other, name: "not yours" });
    const list = await listTokens({ actor });
    expect(list.map((t) => t.id).sort()).toEqual([a.id, b.id].sort());
    expect(list.map((t) => t.name)).toContain("second");
    expect(JSON.stringify(list)).not.toContain(a.token);
    expect(list[0]!.createdAt.getTime()).toBeGreaterThanOrEqual(list[1]!.createdAt.getTime());
  });

  it("stops accepting a token once revoked", async () => {
    const actor = await newUser();
    const { id, token } = await createToken({ actor, name: "old" });
    await revokeToken({ actor, id });
    expect(await authenticateToken({ token })).toBeNull();
    expect(await listTokens({ actor })).toEqual([]);
    expect(await codeOf(revokeToken({ actor, id }))).toBe("NOT_FOUND");
  });

  it("will not revoke someone else's token, and answers as if it did not exist", async () => {
    const owner = await newUser();
    const intruder = await newUser();
    const { id, token } = await createToken({ actor: owner, name: "mine" });
    expect(await codeOf(revokeToken({ actor: intruder, id }))).toBe("NOT_FOUND");
    expect(await authenticateToken({ token })).toEqual(owner);
  });

  it("requires a signed-in actor and a sensible name", async () => {
    expect(await codeOf(createToken({ actor: null, name: "x" }))).toBe("UNAUTHORIZED");
    expect(await codeOf(listTokens({ actor: null }))).toBe("UNAUTHORIZED");
    const actor = await newUser();
    expect(await codeOf(createToken({ actor, name: "   " }))).toBe("INVALID");
    expect(await codeOf(createToken({ actor, name: "n".repeat(101) }))).toBe("INVALID");
  });

  it("stops working when its user is deleted", async () => {
    const actor = await newUser();
    const { token } = await createToken({ actor, name: "gone" });
    await getDb().user.delete({ where: { id: actor.id } });
    expect(await authenticateToken({ token })).toBeNull();
  });
});
