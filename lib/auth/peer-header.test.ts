import { createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEER_HEADER, stampPeer } from "./peer-header";

describe("stampPeer", () => {
  let seen: { headers: IncomingHttpHeaders; raw: string[] } | null = null;
  const server = createServer((req, res) => {
    stampPeer(req);
    seen = { headers: req.headers, raw: req.rawHeaders };
    res.end();
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const send = (headers: Record<string, string | string[]>) =>
    new Promise<void>((resolve, reject) => {
      request({ host: "127.0.0.1", port, path: "/", headers }, (res) => {
        res.resume();
        res.on("end", resolve);
      })
        .on("error", reject)
        .end();
    });

  it("names the socket's address, whatever the client sent under the same name", async () => {
    await send({ [PEER_HEADER]: ["203.0.113.9", "198.51.100.1"], "X-Cellar-Peer": "192.0.2.1", "x-forwarded-for": "203.0.113.9" });
    expect(seen?.headers[PEER_HEADER]).toBe("127.0.0.1");
    const raw = seen?.raw ?? [];
    const peers = raw.filter((_, i) => i % 2 === 0 && raw[i]?.toLowerCase() === PEER_HEADER).length;
    expect(peers).toBe(1);
    expect(raw.join(" ")).not.toMatch(/192\.0\.2\.1|198\.51\.100\.1/);
    // Other headers pass untouched.
    expect(seen?.headers["x-forwarded-for"]).toBe("203.0.113.9");
  });
});
