/**
 * The site's internal route for the execution service's `shared` requests
 * (app/api/internal/shared, lib/shared/answer-internal-shared-request.ts): absent without
 * EXEC_SITE_TOKEN, refused without the token, with a wrong one, from a non-loopback peer or
 * through a proxy; answers with it. Then the service's client of it (siteSharedBackend) against
 * a real node:http server that stamps the peer as scripts/web-server.ts does.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/internal/shared/route";
import { PEER_HEADER, stampPeer } from "@/lib/auth/peer-header";
import { resetEnvForTests } from "@/lib/env";
import { siteSharedBackend } from "@/lib/exec/service/shared-values";
import { resolveSharedScope } from "@/lib/shared/resolve-shared-scope";
import { createSnippet } from "@/lib/snippets/create-snippet";
import { createUser } from "@/lib/users/create-user";
import { closeDbAfterAll, uniqueName } from "@/test/support/db";

closeDbAfterAll();
delete process.env.NATS_URL;

const TOKEN = "t".repeat(20) + "0123456789abcdefghij";

function post(body: unknown, headers: Record<string, string>): Promise<Response> {
  return POST(
    new Request("http://127.0.0.1/api/internal/shared", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
  );
}

describe("POST /api/internal/shared", () => {
  let scope: Awaited<ReturnType<typeof resolveSharedScope>>;
  beforeAll(async () => {
    const user = await createUser({ username: uniqueName("intsh"), password: "correct horse battery" });
    const snippet = await createSnippet({ actor: { id: user.id, username: user.username }, title: "Internal", files: [{ path: "main.py", content: "" }] });
    scope = await resolveSharedScope({ snippetId: snippet.id, actor: { id: user.id, username: user.username } });
  });
  afterAll(() => {
    delete process.env.EXEC_SITE_URL;
    delete process.env.EXEC_SITE_TOKEN;
    resetEnvForTests();
  });

  it("does not exist without EXEC_SITE_TOKEN", async () => {
    delete process.env.EXEC_SITE_URL;
    delete process.env.EXEC_SITE_TOKEN;
    resetEnvForTests();
    const res = await post({ scope, request: { op: "keys" } }, { [PEER_HEADER]: "127.0.0.1", authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(404);
  });

  it("refuses a missing or wrong token, a non-loopback peer and a proxied request; answers with the token", async () => {
    process.env.EXEC_SITE_URL = "http://127.0.0.1:3000";
    process.env.EXEC_SITE_TOKEN = TOKEN;
    resetEnvForTests();
    const body = { scope, request: { op: "set", key: "k", value: { a: 1 } } };
    expect((await post(body, { [PEER_HEADER]: "127.0.0.1" })).status).toBe(401);
    expect((await post(body, { [PEER_HEADER]: "127.0.0.1", authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await post(body, { [PEER_HEADER]: "127.0.0.1", authorization: "Bearer " })).status).toBe(401);
    expect((await post(body, { [PEER_HEADER]: "203.0.113.9", authorization: `Bearer ${TOKEN}` })).status).toBe(403);
    expect((await post(body, { authorization: `Bearer ${TOKEN}` })).status).toBe(403);
    expect((await post(body, { [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.9", authorization: `Bearer ${TOKEN}` })).status).toBe(403);
    expect((await post(body, { [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "127.0.0.1, 203.0.113.9", authorization: `Bearer ${TOKEN}` })).status).toBe(403);
    expect((await post(body, { [PEER_HEADER]: "127.0.0.1", forwarded: "for=203.0.113.9", authorization: `Bearer ${TOKEN}` })).status).toBe(403);
    // Nothing was written by the refused requests.
    const before = await post({ scope, request: { op: "get", key: "k" } }, { [PEER_HEADER]: "::1", authorization: `Bearer ${TOKEN}` });
    expect(await before.json()).toEqual({ ok: true, found: false, key: "k" });

    // As Next passes it on: X-Forwarded-For set to the (loopback) socket's address.
    const res = await post(body, { [PEER_HEADER]: "::ffff:127.0.0.1", "x-forwarded-for": "::ffff:127.0.0.1", authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, revision: expect.any(Number) });
    const read = await post({ scope, request: { op: "get", key: "k" } }, { [PEER_HEADER]: "127.0.0.1", authorization: `Bearer ${TOKEN}` });
    expect(await read.json()).toMatchObject({ ok: true, found: true, value: { a: 1 }, readOnly: false });
    // A bad scope is refused before anything is asked.
    const bad = await post(
      { scope: { snippetId: scope.snippetId }, request: { op: "keys" } },
      { [PEER_HEADER]: "127.0.0.1", authorization: `Bearer ${TOKEN}` },
    );
    expect(bad.status).toBe(400);
  });

  describe("the service's client of it (siteSharedBackend) over real HTTP", () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        stampPeer(req); // as scripts/web-server.ts: the socket's address, never a client's claim
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
          void POST(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) })).then(async (r) => {
            res.writeHead(r.status, { "content-type": "application/json" });
            res.end(Buffer.from(await r.arrayBuffer()));
          });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      process.env.EXEC_SITE_URL = url;
      process.env.EXEC_SITE_TOKEN = TOKEN;
      resetEnvForTests();
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("answers with the right token; a wrong token or an unreachable site become UNAVAILABLE replies", async () => {
      const good = siteSharedBackend({ url, token: TOKEN });
      expect(await good(scope, { op: "get", key: "k" })).toMatchObject({ ok: true, found: true, value: { a: 1 } });
      // A forged peer header from the client is dropped by the server (stampPeer): still loopback, still needs the token.
      const wrong = siteSharedBackend({ url, token: `${TOKEN}!` });
      expect(await wrong(scope, { op: "get", key: "k" })).toMatchObject({
        ok: false,
        error: { code: "UNAVAILABLE", message: expect.stringMatching(/answered 401/) },
      });
      const gone = siteSharedBackend({ url: "http://127.0.0.1:1", token: TOKEN });
      expect(await gone(scope, { op: "keys" })).toMatchObject({ ok: false, error: { code: "UNAVAILABLE" } });
    });
  });
});
