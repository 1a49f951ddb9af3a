/**
 * The Run event streams (lib/runs/open-run-stream.ts, behind GET /api/v1/runs/:session/events)
 * against the real execution service: each client holds a bounded number of open streams (a 429 beyond, naming the cap),
 * counted by the socket address our web server stamps on the request, whatever it claims.
 */
import { describe, expect, it } from "vitest";
import { clientAddress } from "@/lib/auth/client-address";
import { PEER_HEADER } from "@/lib/auth/peer-header";
import { toPublicError } from "@/lib/errors";
import { openRunStream } from "@/lib/runs/open-run-stream";
import { execClient } from "@/lib/exec/client";
import { STREAMS_PER_CLIENT } from "@/lib/runs/stream-slots";
import { closeDbAfterAll } from "@/test/support/db";
import { useExecService } from "@/test/support/exec-service";

closeDbAfterAll();

const why = useExecService("run-streams.test.ts");

/** Opens a stream as the route does for an anonymous reader with these request headers; answers as the API would. */
function open(session: string, headers: Record<string, string>): { response: Promise<Response>; abort: AbortController } {
  const abort = new AbortController();
  const runner = { actor: null, address: clientAddress(new Headers(headers)) };
  const response = openRunStream({ session, after: undefined, signal: abort.signal, runner }).then(
    (stream) => new Response(stream),
    (e: unknown) => {
      const err = toPublicError(e);
      return Response.json(
        { error: { message: err.message } },
        { status: err.status, headers: err.details?.retryAfter ? { "Retry-After": String(err.details.retryAfter) } : {} },
      );
    },
  );
  return { response, abort };
}

describe.skipIf(why)("open event streams per client", () => {
  it("refuses a client's stream past the cap with a 429, and takes it again once one closes", async () => {
    const { session } = await execClient().createSession({ files: [], client: "streams-test", execute: { code: "print(1)" } });
    const me = { [PEER_HEADER]: "192.0.2.10" };
    const streams = [];
    for (let i = 0; i < STREAMS_PER_CLIENT; i++) {
      // A different made-up forwarded address each time: without a trusted proxy it counts for nothing.
      const s = open(session, { ...me, "x-forwarded-for": `203.0.113.${i}` });
      expect((await s.response).status).toBe(200);
      streams.push(s);
    }
    const refused = await open(session, me).response;
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBeTruthy();
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      `Too many open run streams (${STREAMS_PER_CLIENT}) from this client. Close some pages with running code and try again.`,
    );

    // Another client is not affected.
    const other = open(session, { [PEER_HEADER]: "192.0.2.11" });
    expect((await other.response).status).toBe(200);
    other.abort.abort();

    // The reader goes away (the browser closed the page): its slot is free again.
    streams.pop()!.abort.abort();
    const again = open(session, me);
    expect((await again.response).status).toBe(200);
    for (const s of [...streams, again]) s.abort.abort();
    await execClient().close({ session });
  });

  it("gives the slot back when the stream ends with its session", async () => {
    const { session } = await execClient().createSession({ files: [], client: "streams-test", execute: { code: "print(1)" } });
    const me = { [PEER_HEADER]: "192.0.2.12" };
    const streams = [];
    for (let i = 0; i < STREAMS_PER_CLIENT; i++) streams.push(await open(session, me).response);
    expect((await open(session, me).response).status).toBe(429);
    await execClient().close({ session });
    // Every stream reads to its end (the session's final status), which frees its slot.
    await Promise.all(streams.map((r) => r.text()));
    const next = await execClient().createSession({ files: [], client: "streams-test", execute: { code: "print(1)" } });
    const s = open(next.session, me);
    expect((await s.response).status).toBe(200);
    s.abort.abort();
    await execClient().close({ session: next.session });
  });
});
