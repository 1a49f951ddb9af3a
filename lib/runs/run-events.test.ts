/**
 * What the site does with a message the execution service sends that lib/exec/protocol does not
 * know (a newer service, a bug): the client refuses it, so the run's stream ends as when the
 * service's stream breaks off, with the site's final `dead` status (`lostServiceEnd`); the known
 * messages before it are passed on unchanged. The real service sends no such message, so a
 * stand-in speaks its SSE here.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createExecClient } from "@/lib/exec/client";
import { ZJupyterMessage, isDeadStatus } from "@/lib/exec/protocol";
import { SERVICE_LOST_MESSAGE, runEvents } from "./run-events";

const SESSION = "sess-unknown-01";
const header = (msgType: string, id: string) => ({ msg_id: id, msg_type: msgType, session: SESSION, date: "2026-12-07T10:00:00.000Z", version: "5.3" });
const parent = { msg_id: "cell-1", msg_type: "execute_request", session: SESSION, date: "2026-12-07T10:00:00.000Z", version: "5.3" };
const KNOWN = { header: header("stream", "a"), parent_header: parent, metadata: {}, content: { name: "stdout", text: "before\n" } };
const UNKNOWN = { header: header("comm_open", "b"), parent_header: parent, metadata: {}, content: { comm_id: "c1", target_name: "jupyter.widget", data: {} } };
const AFTER = { header: header("stream", "c"), parent_header: parent, metadata: {}, content: { name: "stdout", text: "after\n" } };

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith(`/sessions/${SESSION}/events`)) {
      res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8" });
      [KNOWN, UNKNOWN, AFTER].forEach((m, i) => res.write(`id: ${i + 1}\ndata: ${JSON.stringify(m)}\n\n`));
      return; // held open, as a live session's stream is
    }
    res.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { code: "NOT_FOUND", message: "no" } }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The SSE events of a stream, until it closes, as (seq, message). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ seq: number; data: unknown }[]> {
  const text = await new Response(stream).text();
  return text.split("\n\n").flatMap((block) => {
    const id = /^id: (\d+)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    return id !== undefined && data !== undefined ? [{ seq: Number(id), data: JSON.parse(data) as unknown }] : [];
  });
}

describe("a message of a msg_type the site does not know, from the service", () => {
  it("makes the client's event stream throw, after yielding the known messages before it", async () => {
    const client = createExecClient(url);
    const seen: number[] = [];
    const read = async () => {
      for await (const e of client.events({ session: SESSION })) seen.push(e.seq);
    };
    await expect(read()).rejects.toMatchObject({
      issues: [{ path: ["header", "msg_type"], message: expect.stringContaining('unknown msg_type "comm_open"') }],
    });
    expect(seen).toEqual([1]);
  });

  it("ends the run's stream with the site's dead status (service lost), passing on only what came before", async () => {
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const stream = await runEvents({ session: SESSION, after: undefined, signal: new AbortController().signal, client: createExecClient(url) });
      const events = await readAll(stream);
      expect(events.map((e) => e.seq)).toEqual([1, 2]);
      expect(events[0]?.data).toEqual(KNOWN);
      const end = ZJupyterMessage.parse(events[1]?.data);
      expect(isDeadStatus(end)).toBe(true);
      expect(end.metadata).toEqual({ reason: "lost", lost: "service", message: SERVICE_LOST_MESSAGE });
      expect(quiet).toHaveBeenCalledWith(expect.stringContaining("broke off"), expect.anything());
    } finally {
      quiet.mockRestore();
    }
  });
});
