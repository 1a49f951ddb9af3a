/**
 * Short links of the /cell page (POST /api/v1/cells, GET /api/v1/cells/:id →
 * lib/cells) against a real database: what is stored comes back, unknown ids are 404s,
 * oversized code a 413 and bad kernels or fields 422s that store nothing; opening a link notes
 * the day, and only links nobody opened for long are pruned (by the operator's command).
 */
import { describe, expect, it } from "vitest";
import { POST as postCells } from "@/app/api/v1/cells/route";
import { GET as getCell } from "@/app/api/v1/cells/[id]/route";
import { pruneCellLinks } from "@/lib/cells/prune-cell-links";
import { getDb } from "@/lib/db/client";
import { createToken } from "@/lib/tokens/create-token";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();

/*
 * Route handlers outside Next have no cookies to read: a visitor's POST is sent as a browser on
 * another site sends it (which the API treats as anonymous), and reads carry a token (reading
 * needs none, but the handler asks who it is).
 */
const VISITOR = { "sec-fetch-site": "cross-site" };
let readerToken: string | undefined;
async function reader(): Promise<Record<string, string>> {
  if (!readerToken) {
    const user = await createUser({ username: uniqueName("cellreader"), password: "correct horse battery" });
    readerToken = (await createToken({ actor: { id: user.id, username: user.username }, name: "reader" })).token;
  }
  return { authorization: `Bearer ${readerToken}` };
}

type TAnswer = { status: number; json: Record<string, unknown> & { error?: { code: string; message: string } } };

async function post(body: unknown, headers: Record<string, string> = VISITOR): Promise<TAnswer> {
  const request = new Request("http://cellar.test/api/v1/cells", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const response = await postCells(request, { params: Promise.resolve({}) });
  return { status: response.status, json: (await response.json()) as TAnswer["json"] };
}

async function get(id: string): Promise<TAnswer> {
  const request = new Request(`http://cellar.test/api/v1/cells/${encodeURIComponent(id)}`, { headers: await reader() });
  const response = await getCell(request, { params: Promise.resolve({ id }) });
  return { status: response.status, json: (await response.json()) as TAnswer["json"] };
}

describe("POST /api/v1/cells and GET /api/v1/cells/:id", () => {
  it("stores a visitor's code, kernel and interact values under a short id that reads them back", async () => {
    const code = "@interact\ndef f(n=(1, 10)):\n    print('é' * n)\n";
    const created = await post({ code, kernel: "python", interacts: { "0": { n: 4 } } });
    expect(created.status).toBe(201);
    const id = String(created.json.id);
    expect(id).toMatch(/^[A-Za-z]{6,}$/);
    expect(created.json.url).toBe(`http://cellar.test/cell?q=${id}`);

    const read = await get(id);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ id, code, kernel: "python", interacts: { "0": { n: 4 } }, url: `http://cellar.test/cell?q=${id}` });
    const row = await getDb().cellLink.findUniqueOrThrow({ where: { id } });
    expect(row.creatorId).toBeNull();

    // Two links to the same code are two ids.
    const again = await post({ code, kernel: "python" });
    expect(again.json.id).not.toBe(id);
    expect((await get(String(again.json.id))).json.interacts).toBeNull();
  });

  it("records the signed-in creator", async () => {
    const user = await createUser({ username: uniqueName("cells"), password: "correct horse battery" });
    const { token } = await createToken({ actor: { id: user.id, username: user.username }, name: "cells" });
    const created = await post({ code: "factor(2^64 - 1)", kernel: "sage" }, { authorization: `Bearer ${token}` });
    expect(created.status).toBe(201);
    const row = await getDb().cellLink.findUniqueOrThrow({ where: { id: String(created.json.id) } });
    expect(row).toMatchObject({ creatorId: user.id, kernel: "sage", code: "factor(2^64 - 1)" });
  });

  it("answers 404 for an unknown or malformed id", async () => {
    for (const id of ["zzzzzzzzzzzz", "abc", "abc$def1", "../../etc"]) {
      const read = await get(id);
      expect(read.status, id).toBe(404);
      expect(read.json.error?.code).toBe("NOT_FOUND");
      expect(read.json.error?.message).toMatch(/no cell at this short link/);
    }
  });

  it("refuses code over 64 KB with a 413, and stores nothing", async () => {
    const before = await getDb().cellLink.count();
    const big = await post({ code: "#".repeat(64 * 1024 + 1), kernel: "python" });
    expect(big.status).toBe(413);
    expect(big.json.error).toEqual({ code: "TOO_LARGE", message: "code: a cell may hold at most 64 KB of code." });
    // Exactly 64 KB (in UTF-8 bytes) fits; 64 KB of characters of two bytes each does not.
    expect((await post({ code: "#".repeat(64 * 1024), kernel: "python" })).status).toBe(201);
    expect((await post({ code: "é".repeat(32 * 1024 + 1), kernel: "python" })).status).toBe(413);
    expect(await getDb().cellLink.count()).toBe(before + 1);
  });

  it("refuses a bad kernel, a missing code, unknown fields and bad interacts with a 422 naming the field", async () => {
    const before = await getDb().cellLink.count();
    const kernel = await post({ code: "1+1", kernel: "julia" });
    expect(kernel.status).toBe(422);
    expect(kernel.json.error).toEqual({ code: "INVALID", message: 'kernel: kernel must be "python" or "sage".' });
    const missing = await post({ kernel: "python" });
    expect(missing.status).toBe(422);
    expect(missing.json.error?.message).toMatch(/^code: /);
    const unknown = await post({ code: "1", kernel: "python", lang: "sage" });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error?.message).toMatch(/lang/);
    const interacts = await post({ code: "1", kernel: "python", interacts: { "not a key": { n: 1 } } });
    expect(interacts.status).toBe(422);
    expect(interacts.json.error?.message).toMatch(/^interacts/);
    expect((await post("not json")).status).toBe(400);
    expect(await getDb().cellLink.count()).toBe(before);
  });
});

describe("keeping short links", () => {
  const DAY = 24 * 60 * 60 * 1000;
  const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
  const row = (id: string) => getDb().cellLink.findUnique({ where: { id }, select: { lastOpenedAt: true } });

  it("notes the day a link is opened, once a day", async () => {
    const id = String((await post({ code: "print(1)", kernel: "python" })).json.id);
    expect((await row(id))?.lastOpenedAt).toBeNull();
    expect((await get(id)).status).toBe(200);
    const first = (await row(id))?.lastOpenedAt;
    expect(first?.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Opened again the same day: no new write.
    await get(id);
    expect((await row(id))?.lastOpenedAt).toEqual(first);
    // Opened a day later: noted again.
    await getDb().cellLink.update({ where: { id }, data: { lastOpenedAt: daysAgo(2) } });
    await get(id);
    expect((await row(id))?.lastOpenedAt?.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("prunes only links neither made nor opened within the given days; refuses a short span", async () => {
    const make = async (createdAt: Date, lastOpenedAt: Date | null) => {
      const id = String((await post({ code: `print(${Math.random()})`, kernel: "python" })).json.id);
      await getDb().cellLink.update({ where: { id }, data: { createdAt, lastOpenedAt } });
      return id;
    };
    const forgotten = await make(daysAgo(800), daysAgo(500));
    const neverOpened = await make(daysAgo(400), null);
    const oldButUsed = await make(daysAgo(800), daysAgo(3));
    const recent = await make(daysAgo(10), null);

    await expect(pruneCellLinks({ unusedDays: 30 })).rejects.toMatchObject({ code: "INVALID" });
    expect(await pruneCellLinks({ unusedDays: 365 })).toBeGreaterThanOrEqual(2);
    expect((await get(forgotten)).status).toBe(404);
    expect((await get(neverOpened)).status).toBe(404);
    expect((await get(oldButUsed)).status).toBe(200);
    expect((await get(recent)).status).toBe(200);
  });
});
