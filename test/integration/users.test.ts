import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { createUser } from "@/lib/users/create-user";
import { findOrCreateOAuthUser } from "@/lib/users/find-or-create-oauth-user";
import { getUserByUsername } from "@/lib/users/get-user";
import { verifyCredentials } from "@/lib/users/verify-credentials";
import { appError } from "@/test/support/app-error";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

describe("accounts with a password", () => {
  it("creates a user who can then sign in, and only with the right password", async () => {
    const username = uniqueName("ada");
    const user = await createUser({ username, password: "correct horse battery", displayName: "Ada L." });
    expect(user).toEqual({ id: expect.any(String), username });
    expect(await verifyCredentials({ username, password: "correct horse battery" })).toEqual(user);
    expect(await verifyCredentials({ username: username.toUpperCase(), password: "correct horse battery" })).toEqual(user);
    expect(await verifyCredentials({ username, password: "correct horse batterY" })).toBeNull();
    expect(await verifyCredentials({ username: uniqueName("nobody"), password: "correct horse battery" })).toBeNull();
    expect(await getUserByUsername({ username })).toMatchObject({ username, displayName: "Ada L." });
  });

  it("stores a salted scrypt hash, not the password", async () => {
    const a = await createUser({ username: uniqueName("salt"), password: "same password" });
    const b = await createUser({ username: uniqueName("salt"), password: "same password" });
    const rows = await getDb().user.findMany({ where: { id: { in: [a.id, b.id] } }, select: { passwordHash: true } });
    for (const r of rows) {
      expect(r.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(r.passwordHash).not.toContain("same password");
    }
    expect(rows[0]!.passwordHash).not.toBe(rows[1]!.passwordHash);
  });

  it("lower-cases the username and refuses a name that is taken in any case", async () => {
    const name = uniqueName("Grace");
    const user = await createUser({ username: `  ${name.toUpperCase()} `, password: "password1" });
    expect(user.username).toBe(name);
    const e = await appError(createUser({ username: name.toUpperCase(), password: "password2" }));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toBe(`The username "${name}" is taken.`);
  });

  it.each([
    ["", "Username is required."],
    ["-lead", "Username may only use"],
    ["trail-", "Username may only use"],
    ["has space", "Username may only use"],
    ["ünïcode", "Username may only use"],
    ["a".repeat(40), "at most 39 characters"],
    ["settings", "reserved"],
    ["API", "reserved"],
  ])("refuses the username %j", async (username, reason) => {
    const e = await appError(createUser({ username, password: "long enough" }));
    expect(e.code).toBe("INVALID");
    expect(e.details).toMatchObject({ field: "username" });
    expect(e.message).toContain(reason);
  });

  it("refuses passwords that are too short or too long", async () => {
    const short = await appError(createUser({ username: uniqueName("pw"), password: "1234567" }));
    expect(short.code).toBe("INVALID");
    expect(short.details).toMatchObject({ field: "password" });
    expect(short.message).toBe("Password must be at least 8 characters.");
    const long = await appError(createUser({ username: uniqueName("pw"), password: "x".repeat(201) }));
    expect(long.message).toBe("Password must be at most 200 characters.");
  });

  it("accepts a 39-character name and a single-character name", async () => {
    const long = (uniqueName("z") + "-" + "a".repeat(39)).slice(0, 39);
    expect((await createUser({ username: long, password: "password1" })).username).toBe(long);
    expect(await getUserByUsername({ username: uniqueName("missing") })).toBeNull();
  });
});

describe("accounts from GitHub or GitLab", () => {
  it("creates a user on first sign-in and finds the same user afterwards", async () => {
    const login = uniqueName("Octo.Cat");
    const id = uniqueName("gh");
    const first = await findOrCreateOAuthUser({ provider: "github", providerAccountId: id, preferredUsername: login, name: "Octo Cat" });
    expect(first.username).toBe(login.toLowerCase().replace(".", "-"));
    const again = await findOrCreateOAuthUser({ provider: "github", providerAccountId: id, preferredUsername: "renamed" });
    expect(again).toEqual(first);
    // An OAuth-only account has no password, so password sign-in never succeeds for it.
    expect(await verifyCredentials({ username: first.username, password: "" })).toBeNull();
  });

  it("picks a free name by suffixing -2, -3 when the preferred one is taken", async () => {
    const name = uniqueName("taken");
    await createUser({ username: name, password: "password1" });
    const a = await findOrCreateOAuthUser({ provider: "gitlab", providerAccountId: uniqueName("gl"), preferredUsername: name });
    const b = await findOrCreateOAuthUser({ provider: "gitlab", providerAccountId: uniqueName("gl"), preferredUsername: name });
    expect([a.username, b.username]).toEqual([`${name}-2`, `${name}-3`]);
  });

  it("does not link to an existing account by e-mail address", async () => {
    const email = `${uniqueName("mail")}@example.org`;
    const first = await findOrCreateOAuthUser({ provider: "github", providerAccountId: uniqueName("gh"), preferredUsername: "x", email });
    const second = await findOrCreateOAuthUser({ provider: "gitlab", providerAccountId: uniqueName("gl"), preferredUsername: "x", email });
    expect(second.id).not.toBe(first.id);
    const rows = await getDb().user.findMany({ where: { id: { in: [first.id, second.id] } }, select: { id: true, email: true } });
    expect(rows.find((r) => r.id === first.id)?.email).toBe(email);
    expect(rows.find((r) => r.id === second.id)?.email).toBeNull();
  });
});
